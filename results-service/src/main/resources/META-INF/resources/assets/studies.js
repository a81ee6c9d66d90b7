import { api, el, showError, studyStatus } from './common.js';

const list = document.getElementById('list');
const inputs = ['f-name', 'f-status', 'f-method'].map(id => document.getElementById(id));
let studies = [];

function render() {
  const [name, status, method] = inputs.map(i => i.value.trim().toLowerCase());
  const shown = studies.filter(s => (!name || s.name.toLowerCase().includes(name) || s.id.toLowerCase().includes(name))
    && (!status || studyStatus(s.runsByStatus, s.runs).toLowerCase() === status)
    && (!method || (s.methods || []).includes(method)));
  if (shown.length === 0) {
    list.replaceChildren(el('p', { class: 'muted', text: studies.length === 0
      ? 'No study yet: submit one with ./softcifar study submit, or POST /api/studies.'
      : 'No study matches the filters.' }));
    return;
  }
  const rows = shown.map(s => {
    const status = studyStatus(s.runsByStatus, s.runs);
    const done = s.evaluated / Math.max(1, s.runs);
    return el('tr', { 'data-study': s.id },
      el('td', {}, el('a', { href: `/study.html?id=${encodeURIComponent(s.id)}`, text: s.name })),
      el('td', { class: `status-${status}`, text: status }),
      el('td', { text: (s.methods || []).join(', ') }),
      el('td', { class: 'num' }, el('span', { class: 'bar-track', title: `${s.evaluated} of ${s.runs} evaluated` },
        el('span', { class: 'bar', style: `width:${(100 * done).toFixed(0)}%` })), ` ${s.evaluated}/${s.runs}`),
      el('td', { text: s.datasetStatus }),
      el('td', { class: 'muted', text: new Date(s.submittedAt).toLocaleString() }));
  });
  list.replaceChildren(el('table', { id: 'studies' },
    el('thead', {}, el('tr', {}, ['Study', 'Status', 'Methods', 'Evaluated', 'Dataset', 'Submitted']
      .map(h => el('th', { scope: 'col', text: h })))),
    el('tbody', {}, rows)));
}

async function load() {
  try {
    studies = await api('/api/studies');
    render();
  } catch (e) {
    showError(list, e);
  }
}

inputs.forEach(i => i.addEventListener('input', render));
load();
setInterval(load, 5000); // the list is small; a study page follows its runs live (server-sent events)
