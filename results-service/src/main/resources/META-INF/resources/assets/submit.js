import { api, el, showError } from './common.js';

const $ = x => document.getElementById(x);
const form = $('form');
let edited = false; // once the JSON is edited by hand, the form no longer overwrites it

function checked(name) {
  return [...form.querySelectorAll(`input[name=${name}]:checked`)].map(i => i.value);
}

function fromForm() {
  const request = { name: $('name').value.trim() };
  if ($('dataset').value.trim()) request.datasetId = $('dataset').value.trim();
  const paper = form.querySelector('input[name=kind]:checked').value === 'paper';
  if (paper) {
    request.preset = 'paper';
  } else {
    request.grid = { methods: checked('methods'), labelModes: checked('labelModes') };
    const mixing = checked('mixing');
    if (!(mixing.length === 1 && mixing[0] === 'none')) request.grid.mixing = mixing;
  }
  if ($('seeds').value) request.seeds = Number($('seeds').value);
  const overrides = {};
  if ($('epochs').value) overrides.epochs = Number($('epochs').value);
  if ($('device').value) overrides.device = $('device').value;
  if (Object.keys(overrides).length) request.overrides = overrides;
  return request;
}

function sync() {
  $('grid').disabled = form.querySelector('input[name=kind]:checked').value === 'paper';
  if (!edited) $('request').value = JSON.stringify(fromForm(), null, 2);
}

function request() {
  try {
    return JSON.parse($('request').value);
  } catch (e) {
    throw new Error(`request: not valid JSON (${e.message})`);
  }
}

async function preview() {
  $('notice').replaceChildren();
  try {
    const plan = await api('/api/studies?dryRun=true', { method: 'POST', headers: { 'Content-Type': 'application/json',
      Accept: 'application/json' }, body: JSON.stringify(request()) });
    $('plan').replaceChildren(
      el('p', { id: 'plan-summary', text: `${plan.runs.length} runs: ${plan.configurations} configurations × `
        + `${plan.seeds.length} seeds (${plan.seeds.join(', ')}); study id ${plan.studyId}` }),
      el('table', { id: 'plan-table' },
        el('thead', {}, el('tr', {}, ['Run', 'Configuration', 'Method', 'Labels', 'Mixing', 'Seed']
          .map(h => el('th', { scope: 'col', text: h })))),
        el('tbody', {}, plan.runs.map(r => el('tr', {}, el('td', { text: r.runId }), el('td', { text: r.label }),
          el('td', { text: r.method }), el('td', { text: r.labelMode }), el('td', { text: r.mixing }),
          el('td', { class: 'num', text: String(r.seed) }))))));
  } catch (e) {
    $('plan').replaceChildren();
    showError($('notice'), e);
  }
}

async function submit() {
  $('notice').replaceChildren();
  try {
    const study = await api('/api/studies', { method: 'POST', headers: { 'Content-Type': 'application/json',
      Accept: 'application/json' }, body: JSON.stringify(request()) });
    window.location.href = `/study.html?id=${encodeURIComponent(study.id)}`;
  } catch (e) {
    showError($('notice'), e);
  }
}

form.addEventListener('input', e => { if (e.target.id !== 'request') sync(); });
form.addEventListener('change', e => { if (e.target.id !== 'request') sync(); });
$('request').addEventListener('input', () => { edited = true; });
$('preview').addEventListener('click', preview);
$('submit').addEventListener('click', submit);
sync();
