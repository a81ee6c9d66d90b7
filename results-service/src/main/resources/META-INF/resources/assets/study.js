import { api, el, fmt, fmtSeconds, param, showError, studyStatus } from './common.js';
import { lineChart, resetCharts } from './charts.js';

const id = param('id');
const $ = x => document.getElementById(x);
const DEFAULT_COLUMNS = [/^test\/accuracy$/, /^test\/ece$/, /^ood\/[a-z0-9]+_auroc$/, /^fgsm\/0\.005_decrease$/];
let study = null;
let comparison = null;
let chosen = null; // metric names shown as columns, in the order of ordered()
let columnsTouched = false;
const runDetails = new Map();

const ARROW = { HIGHER: '↑', LOWER: '↓', UNKNOWN: '' };

/** The metrics in a stable order: the headline ones (accuracy, ECE, OOD AUROC, FGSM) first, then the rest by name. */
function ordered(metrics) {
  const rank = m => { const i = DEFAULT_COLUMNS.findIndex(rule => rule.test(m)); return i < 0 ? DEFAULT_COLUMNS.length : i; };
  return [...metrics].sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
}

function chooseDefaultColumns(metrics) {
  const picked = [];
  for (const rule of DEFAULT_COLUMNS) {
    const m = metrics.find(name => rule.test(name) && !picked.includes(name));
    if (m) picked.push(m);
  }
  return ordered(picked.length ? picked : metrics.slice(0, 4));
}

function renderHeader() {
  document.title = `${study.name} · soft-cifar`;
  $('title').textContent = study.name;
  const status = studyStatus(study.runsByStatus, study.runs.length);
  const counts = Object.entries(study.runsByStatus).filter(([, n]) => n > 0).map(([k, n]) => `${n} ${k.toLowerCase()}`);
  $('summary').textContent = `${study.id} · ${status} · ${study.runs.length} runs (${counts.join(', ')}) · `
    + `dataset ${study.datasetId || '(being built)'} ${study.datasetStatus.toLowerCase()} · seeds ${study.seeds.join(', ')}`;
  const q = encodeURIComponent(id);
  $('exports').replaceChildren('Table: ', ...['csv', 'markdown', 'latex'].flatMap((f, i) => [i ? ' · ' : '',
    el('a', { href: `/api/studies/${q}/comparison?format=${f}`, download: `${id}.${f === 'markdown' ? 'md' : f === 'latex' ? 'tex' : f}`, text: f })]));
}

function renderColumns() {
  const box = $('columns');
  box.replaceChildren(el('legend', { text: 'Columns' }), ...ordered(comparison.metrics).map(m => el('label', {},
    el('input', { type: 'checkbox', value: m, checked: chosen.includes(m), onchange: e => {
      columnsTouched = true;
      chosen = e.target.checked ? ordered(comparison.metrics).filter(x => x === m || chosen.includes(x)) : chosen.filter(x => x !== m);
      renderComparison(); renderPairs();
    } }), `${comparison.display[m].label} ${ARROW[comparison.directions[m]]}`)));
}

function header(m) {
  const d = comparison.display[m];
  const dir = comparison.directions[m];
  return el('th', { scope: 'col', class: 'num', title: d.description, 'data-metric': m },
    `${d.label}${d.unit ? ' (' + d.unit + ')' : ''} `,
    el('span', { 'aria-label': dir === 'HIGHER' ? 'higher is better' : dir === 'LOWER' ? 'lower is better' : 'no direction',
      text: ARROW[dir] }));
}

function renderComparison() {
  if (!comparison.configurations.length) {
    $('comparison').replaceChildren(el('p', { class: 'muted', text: 'No configuration yet.' }));
    return;
  }
  const rows = comparison.configurations.map(row => el('tr', { 'data-config': row.key },
    el('th', { scope: 'row', text: row.label }),
    el('td', { class: 'num', text: String(row.n) }),
    chosen.map(m => {
      const c = row.metrics[m];
      const d = comparison.display[m];
      if (!c) return el('td', { class: 'num muted', text: '—' });
      const text = `${fmt(c.mean, d)}${c.stdErr === null ? '' : ' ± ' + fmt(c.stdErr, d, d.errorDecimals)}`;
      return el('td', { class: c.best ? 'num best' : 'num', 'data-metric': m },
        text, c.best ? el('span', { title: 'best', 'aria-label': 'best', text: ' ★' }) : null);
    })));
  const missing = comparison.missing.length
    ? el('p', { class: 'muted', text: `${comparison.evaluated} of ${comparison.runs} runs in the numbers; not yet: `
      + comparison.missing.map(r => `${r.label} seed ${r.seed} (${r.status.toLowerCase()}${r.reason ? ': ' + r.reason : ''})`).join('; ') })
    : null;
  $('comparison').replaceChildren(el('table', { id: 'comparison-table' },
    el('thead', {}, el('tr', {}, el('th', { scope: 'col', text: 'Configuration' }), el('th', { scope: 'col', class: 'num', text: 'n' }),
      chosen.map(header))),
    el('tbody', {}, rows)), ...(missing ? [missing] : []));
}

function renderPairs() {
  const pairs = comparison.softVsHard || [];
  if (!pairs.length) {
    $('pairs').replaceChildren(el('p', { class: 'muted', text: 'The grid has no configurations that differ only in the label mode.' }));
    return;
  }
  const rows = pairs.map(p => el('tr', { 'data-pair': p.label }, el('th', { scope: 'row', text: p.label }),
    chosen.map(m => {
      const d = p.differences.find(x => x.metric === m);
      const disp = comparison.display[m];
      if (!d) return el('td', { class: 'num muted', text: '—' });
      if (d.mean === null) return el('td', { class: 'num muted', 'data-metric': m, text: `needs ≥ 3 seeds (${d.n})` });
      const diff = `${d.mean >= 0 ? '+' : ''}${fmt(d.mean, disp)} ± ${fmt(d.stdErr, disp, disp.errorDecimals)}`;
      const p3 = d.pValue === null ? 'no spread' : `p = ${d.pValue < 0.001 ? d.pValue.toExponential(1) : d.pValue.toFixed(3)}`;
      return el('td', { class: 'num', 'data-metric': m, title: `n = ${d.n}, t = ${d.t === null ? '—' : d.t.toFixed(3)}` },
        diff, el('br'), el('span', { class: 'muted', text: `${p3}, n = ${d.n}` }));
    })));
  $('pairs').replaceChildren(el('table', { id: 'pairs-table' },
    el('thead', {}, el('tr', {}, el('th', { scope: 'col', text: 'soft − hard' }), chosen.map(header))),
    el('tbody', {}, rows)));
}

function runRow(r) {
  return el('tr', { 'data-run': r.runId },
    el('td', {}, el('a', { href: `/run.html?id=${encodeURIComponent(r.runId)}`, text: r.runId })),
    el('td', { text: r.label }),
    el('td', { class: 'num', text: String(r.seed) }),
    el('td', { class: `status-${r.status}`, 'data-field': 'status', text: r.status }),
    el('td', { class: 'num', 'data-field': 'epoch', text: r.epochs ? `${r.epoch}/${r.epochs}` : String(r.epoch) }),
    el('td', { class: 'num', 'data-field': 'eta', text: r.status === 'RUNNING' ? fmtSeconds(r.etaSeconds) : '' }),
    el('td', { 'data-field': 'evaluated', text: r.evaluated ? 'yes' : '' }),
    el('td', { class: 'muted', text: r.reason || '' }));
}

function renderRuns() {
  $('runs').replaceChildren(el('table', { id: 'runs-table' },
    el('thead', {}, el('tr', {}, ['Run', 'Configuration', 'Seed', 'Status', 'Epoch', 'ETA', 'Evaluated', 'Reason']
      .map(h => el('th', { scope: 'col', text: h })))),
    el('tbody', {}, study.runs.map(runRow))));
}

async function loadRunDetails() {
  const queue = [...study.runs.map(r => r.runId)];
  const worker = async () => {
    while (queue.length) {
      const runId = queue.shift();
      try { runDetails.set(runId, await api(`/api/runs/${encodeURIComponent(runId)}`)); } catch (e) { /* shown as missing */ }
    }
  };
  await Promise.all([1, 2, 3, 4].map(worker));
}

function renderCurves() {
  const metric = $('curve-metric').value;
  const label = { valLoss: 'validation loss', trainLoss: 'training loss', accuracy: 'accuracy',
    valAccuracy: 'validation accuracy', trainAccuracy: 'training accuracy' }[metric];
  // "accuracy": per seed its validation line and, dashed, its training line
  const lines = metric === 'accuracy' ? [['valAccuracy', ''], ['trainAccuracy', ' training']] : [[metric, '']];
  const box = $('curves');
  resetCharts(box);
  for (const c of study.configurations) {
    const series = c.runIds.map(rid => runDetails.get(rid)).filter(d => d && d.progress.length)
      .flatMap(d => lines.map(([field, suffix], i) => ({ label: `seed ${d.seed}${suffix}`, dash: i ? [6, 3] : undefined,
        points: d.progress.map(p => [p.epoch, p[field]]) })));
    if (series.length) lineChart(box, c.label, 'epoch', label, series);
  }
  if (!box.children.length) box.append(el('p', { class: 'muted', text: 'No epoch finished yet.' }));
}

function renderReliability() {
  const box = $('reliability');
  resetCharts(box);
  for (const c of study.configurations) {
    const series = c.runIds.map(rid => runDetails.get(rid))
      .filter(d => d && d.evaluation && d.evaluation.reliability && d.evaluation.reliability.length)
      .map(d => ({ label: `seed ${d.seed}`, points: d.evaluation.reliability.filter(b => b.count > 0)
        .map(b => [b.meanConfidence, b.accuracy]) }));
    if (!series.length) continue;
    series.push({ label: 'perfect calibration', colour: '#999999', dash: [4, 4], points: [[0, 0], [1, 1]] });
    lineChart(box, c.label, 'confidence', 'accuracy', series,
      { scales: { x: { time: false, range: [0, 1] }, y: { range: [0, 1] } } });
  }
  if (!box.children.length) box.append(el('p', { class: 'muted', text: 'No run evaluated yet.' }));
}

/** fgsm/<eps>_decrease metrics of the comparison as [eps, metric name], by ε. */
function fgsmMetrics() {
  return comparison.metrics.map(m => { const x = /^fgsm\/([0-9.]+)_decrease$/.exec(m); return x ? [Number(x[1]), m] : null; })
    .filter(Boolean).sort((a, b) => a[0] - b[0]);
}

function renderFgsm() {
  const box = $('fgsm');
  resetCharts(box);
  const eps = fgsmMetrics();
  const series = comparison.configurations.filter(row => eps.some(([, m]) => row.metrics[m]))
    .map(row => ({ label: row.label, points: eps.filter(([, m]) => row.metrics[m]).map(([e, m]) => [e, row.metrics[m].mean]) }));
  if (eps.length < 2 || !series.length) {
    box.append(el('p', { class: 'muted', text: eps.length < 2
      ? 'The evaluations have fewer than two FGSM step sizes (softcifar.evaluator.fgsm-epsilons).' : 'No run evaluated yet.' }));
    return;
  }
  lineChart(box, 'accuracy decrease by ε', 'ε', 'accuracy decrease', series);
}

async function loadAll() {
  [study, comparison] = await Promise.all([api(`/api/studies/${encodeURIComponent(id)}`),
    api(`/api/studies/${encodeURIComponent(id)}/comparison`)]);
  // no columns yet (the page opened before any evaluation) are filled in once metrics exist, unless the reader
  // unticked them all
  if (chosen === null || (!chosen.length && !columnsTouched) || !chosen.every(m => comparison.metrics.includes(m))) {
    chosen = chooseDefaultColumns(comparison.metrics);
  }
  renderHeader(); renderColumns(); renderComparison(); renderPairs(); renderRuns(); renderFgsm();
  await loadRunDetails();
  renderCurves(); renderReliability();
}

// live: progress updates the run's row at once; anything else reloads the data (debounced), never the page
let reload = null;
function scheduleReload() {
  clearTimeout(reload);
  reload = setTimeout(() => loadAll().catch(e => showError($('notice'), e)), 400);
}

function follow() {
  const source = new EventSource(`/api/studies/${encodeURIComponent(id)}/events`);
  source.onmessage = message => {
    const e = JSON.parse(message.data);
    if (e.type === 'subscribed' || !e.runId) return;
    const row = document.querySelector(`tr[data-run="${CSS.escape(e.runId)}"]`);
    if (row && e.status) {
      const status = row.querySelector('[data-field=status]');
      status.textContent = e.status; status.className = `status-${e.status}`;
    }
    if (row && e.epoch !== null && e.epoch !== undefined) {
      row.querySelector('[data-field=epoch]').textContent = e.epochs ? `${e.epoch}/${e.epochs}` : String(e.epoch);
      row.querySelector('[data-field=eta]').textContent = e.status === 'RUNNING' ? fmtSeconds(e.etaSeconds) : '';
    }
    scheduleReload();
  };
  source.onerror = () => { $('notice').replaceChildren(el('div', { class: 'message', text: 'Live updates interrupted; reconnecting…' })); };
  source.onopen = () => $('notice').replaceChildren();
}

async function act(button, path, what) {
  if (!window.confirm(`${what}?`)) return;
  button.disabled = true;
  try {
    const answer = await api(path, { method: 'POST' });
    const n = (answer.cancelled || answer.retried || []).length;
    $('notice').replaceChildren(el('div', { class: 'message', role: 'status', text: `${what}: ${n} run(s).` }));
    scheduleReload();
  } catch (e) {
    showError($('notice'), e);
  } finally {
    button.disabled = false;
  }
}

if (!id) {
  showError($('comparison'), new Error('no study id: open this page as /study.html?id=STUDY'));
} else {
  $('cancel').addEventListener('click', () => act($('cancel'), `/api/studies/${encodeURIComponent(id)}/cancel`, 'Cancel the study'));
  $('retry').addEventListener('click', () => act($('retry'), `/api/studies/${encodeURIComponent(id)}/retry`, 'Retry failed runs'));
  $('curve-metric').addEventListener('change', renderCurves);
  loadAll().then(follow).catch(e => showError($('comparison'), e));
}
