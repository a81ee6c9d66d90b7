import { api, el, fmtSeconds, param, showError } from './common.js';
import { lineChart, resetCharts } from './charts.js';

const id = param('id');
let timer = null;
const $ = x => document.getElementById(x);

function render(run) {
  document.title = `${run.runId} · soft-cifar`;
  $('title').textContent = run.label ? `${run.label}, seed ${run.seed}` : run.runId;
  if (run.studyId) $('study-link').href = `/study.html?id=${encodeURIComponent(run.studyId)}`;
  $('summary').replaceChildren(`${run.runId} · `, el('span', { class: `status-${run.status}`, id: 'run-status', text: run.status }),
    ` · epoch ${run.epoch}${run.epochs ? '/' + run.epochs : ''}`,
    run.status === 'RUNNING' ? ` · ETA ${fmtSeconds(run.etaSeconds)}` : '',
    run.reason ? ` · ${run.reason}` : '', run.attempts > 1 ? ` · attempt ${run.attempts}` : '');

  const ev = run.evaluation;
  if (!ev) {
    $('metrics').replaceChildren(el('p', { class: 'muted', text: 'Not evaluated yet.' }));
  } else if (ev.status !== 'COMPLETED') {
    $('metrics').replaceChildren(el('div', { class: 'message error', text: `Evaluation failed: ${ev.reason}` }));
  } else {
    $('metrics').replaceChildren(el('table', { id: 'metrics-table' },
      el('thead', {}, el('tr', {}, el('th', { scope: 'col', text: 'Metric' }), el('th', { scope: 'col', class: 'num', text: 'Value' }))),
      el('tbody', {}, Object.entries(ev.metrics).sort(([a], [b]) => a.localeCompare(b)).map(([k, v]) =>
        el('tr', {}, el('th', { scope: 'row', text: k }), el('td', { class: 'num', text: v.toFixed(6) }))))));
  }

  const box = $('curves');
  resetCharts(box);
  if (run.progress.length) {
    lineChart(box, 'Loss', 'epoch', 'loss', [
      { label: 'training', points: run.progress.map(p => [p.epoch, p.trainLoss]) },
      { label: 'validation', points: run.progress.map(p => [p.epoch, p.valLoss]) }]);
    lineChart(box, 'Accuracy', 'epoch', 'accuracy', [
      { label: 'training', points: run.progress.map(p => [p.epoch, p.trainAccuracy]) },
      { label: 'validation', points: run.progress.map(p => [p.epoch, p.valAccuracy]) }]);
  }
  if (ev && ev.reliability && ev.reliability.length) {
    lineChart(box, 'Reliability', 'confidence', 'accuracy', [
      { label: 'test', points: ev.reliability.filter(b => b.count > 0).map(b => [b.meanConfidence, b.accuracy]) },
      { label: 'perfect calibration', colour: '#999999', dash: [4, 4], points: [[0, 0], [1, 1]] }],
    { scales: { x: { time: false, range: [0, 1] }, y: { range: [0, 1] } } });
  }
  if (!box.children.length) box.append(el('p', { class: 'muted', text: 'No epoch finished yet.' }));

  const settings = run.effectiveSpec || run.spec || {}; // every setting, defaults filled in
  $('settings').replaceChildren(...Object.entries(settings).flatMap(([k, v]) =>
    [el('dt', { text: k }), el('dd', { text: v === null ? '—' : typeof v === 'object' ? JSON.stringify(v) : String(v) })]));
}

const PROVENANCE = [['projectVersion', 'project version'], ['gitCommit', 'git commit'], ['gitDirty', 'uncommitted changes'],
  ['djlVersion', 'DJL'], ['pytorchVersion', 'PyTorch'], ['device', 'device'], ['deviceName', 'device name'],
  ['cudaVersion', 'CUDA'], ['threads', 'threads'], ['javaVersion', 'Java'], ['os', 'OS'],
  ['configurationSha256', 'configuration SHA-256'], ['datasetManifestSha256', 'dataset manifest SHA-256']];

// a thread count that changed during the work (an evaluation beside a trainer) is shown as its range
const field = (side, k) => (side && k === 'threads' && side.threadsMin != null ? `${side.threadsMin}-${side.threads}` : side && side[k]);

function renderProvenance(run) {
  const p = run.provenance || {};
  if (!p.training && !p.evaluation) {
    $('provenance').replaceChildren(el('p', { class: 'muted', text: 'Not recorded (the run has not finished, or an older trainer and evaluator ran it).' }));
    return;
  }
  const show = v => (v === null || v === undefined ? '—' : typeof v === 'boolean' ? (v ? 'yes' : 'no') : String(v));
  $('provenance').replaceChildren(el('table', { id: 'provenance-table' },
    el('thead', {}, el('tr', {}, el('th', { scope: 'col', text: '' }), el('th', { scope: 'col', text: 'training' }),
      el('th', { scope: 'col', text: 'evaluation' }))),
    el('tbody', {}, PROVENANCE.map(([k, label]) => el('tr', { 'data-field': k }, el('th', { scope: 'row', text: label }),
      el('td', { text: show(field(p.training, k)) }), el('td', { text: show(field(p.evaluation, k)) }))))));
}

function renderArtifacts(list) {
  const q = encodeURIComponent(id);
  $('artifacts').replaceChildren(list.artifacts.length ? el('table', { id: 'artifacts-table' },
    el('thead', {}, el('tr', {}, ['File', 'Kind', 'Epoch', 'Size (bytes)', 'SHA-256']
      .map(h => el('th', { scope: 'col', text: h })))),
    el('tbody', {}, list.artifacts.map(a => el('tr', {},
      el('td', {}, el('a', { href: `/api/runs/${q}/artifacts/${a.name.split('/').map(encodeURIComponent).join('/')}`,
        download: '', text: a.name })),
      el('td', { text: a.kind }), el('td', { class: 'num', text: a.epoch === null ? '' : String(a.epoch) }),
      el('td', { class: 'num', text: a.bytes.toLocaleString('en') }), el('td', { text: a.sha256 })))))
    : el('p', { class: 'muted', text: 'None yet.' }));
}

function renderOod(ood) {
  const box = $('ood');
  resetCharts(box);
  for (const h of ood.sets) {
    const centers = h.edges.slice(1).map((e, i) => (e + h.edges[i]) / 2);
    const fractions = (counts, n) => counts.map(c => (n ? c / n : 0));
    lineChart(box, `OOD scores: ${h.set}`, 'score', 'fraction of images', [
      { label: `test (${h.inCount})`, points: centers.map((x, i) => [x, fractions(h.inDistribution, h.inCount)[i]]) },
      { label: `${h.set} (${h.outCount})`, points: centers.map((x, i) => [x, fractions(h.outOfDistribution, h.outCount)[i]]) }]);
  }
  if (!box.children.length) box.append(el('p', { class: 'muted', text: 'No OOD set in this run\'s evaluation.' }));
}

async function load() {
  try {
    const [run, list, ood] = await Promise.all([api(`/api/runs/${encodeURIComponent(id)}`),
      api(`/api/runs/${encodeURIComponent(id)}/artifacts`), api(`/api/runs/${encodeURIComponent(id)}/ood-scores`)]);
    render(run);
    renderProvenance(run);
    renderArtifacts(list);
    renderOod(ood);
    const settled = ['FINISHED', 'FAILED', 'CANCELLED'].includes(run.status) && (run.status !== 'FINISHED' || run.evaluation);
    if (settled) clearInterval(timer); // nothing more will change
  } catch (e) { showError($('notice'), e); }
}

async function act(path, what) {
  if (!window.confirm(`${what}?`)) return;
  try {
    await api(path, { method: 'POST' });
    $('notice').replaceChildren(el('div', { class: 'message', role: 'status', text: `${what}: asked.` }));
    load();
  } catch (e) { showError($('notice'), e); }
}

if (!id) {
  showError($('notice'), new Error('no run id: open this page as /run.html?id=RUN'));
} else {
  $('cancel').addEventListener('click', () => act(`/api/runs/${encodeURIComponent(id)}/cancel`, 'Cancel the run'));
  $('retry').addEventListener('click', () => act(`/api/runs/${encodeURIComponent(id)}/retry`, 'Retry the run'));
  timer = setInterval(load, 5000);
  load();
}
