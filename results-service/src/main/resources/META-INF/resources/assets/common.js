// Shared helpers of the results pages: fetching the API, formatting numbers, building elements.
// A state-changing call repeats the session's CSRF token (cookie softcifar_csrf, set at sign-in) in X-CSRF-Token.
export async function api(path, options = {}) {
  const headers = { Accept: 'application/json', ...(options.headers || {}) };
  const csrf = document.cookie.split('; ').find(c => c.startsWith('softcifar_csrf='));
  if (csrf && (options.method || 'GET') !== 'GET') headers['X-CSRF-Token'] = decodeURIComponent(csrf.slice(15));
  const response = await fetch(path, { ...options, headers });
  const text = await response.text();
  let body = null;
  try { body = text ? JSON.parse(text) : null; } catch (e) { body = { error: text }; }
  if (!response.ok) {
    const problems = body && body.problems ? body.problems.map(p => `${p.field}: ${p.message}`).join('; ') : '';
    throw new Error(`${response.status} ${(body && body.error) || response.statusText}${problems ? ' — ' + problems : ''}`);
  }
  return body;
}

export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === null || v === undefined || v === false) continue;
    if (k === 'class') node.className = v;
    else if (k === 'text') node.textContent = v;
    else if (k.startsWith('on')) node.addEventListener(k.slice(2), v);
    else node.setAttribute(k, v === true ? '' : v);
  }
  for (const c of children.flat()) {
    if (c === null || c === undefined || c === false) continue;
    node.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return node;
}

/** A stored value shown as the metric catalogue says (display: {scale, decimals, unit}). */
export function fmt(value, display, decimals) {
  if (value === null || value === undefined || !Number.isFinite(value)) return '—';
  const d = display || { scale: 1, decimals: 4 };
  return (value * d.scale).toFixed(decimals === undefined ? d.decimals : decimals);
}

export function fmtSeconds(s) {
  if (s === null || s === undefined || !Number.isFinite(s)) return '—';
  if (s < 90) return `${Math.round(s)} s`;
  if (s < 5400) return `${Math.round(s / 60)} min`;
  return `${(s / 3600).toFixed(1)} h`;
}

export function param(name) {
  return new URLSearchParams(window.location.search).get(name);
}

export function showError(where, error) {
  where.replaceChildren(el('div', { class: 'message error', role: 'alert', text: String(error.message || error) }));
}

/** Overall status of a study from its run counts by status. */
export function studyStatus(byStatus, runs) {
  const n = k => (byStatus && byStatus[k]) || 0;
  if (runs === 0) return 'PENDING';
  if (n('RUNNING') + n('REQUESTED') + n('PENDING') > 0) return n('RUNNING') > 0 ? 'RUNNING' : 'WAITING';
  if (n('FAILED') > 0) return 'FAILED';
  if (n('CANCELLED') === runs) return 'CANCELLED';
  return 'FINISHED';
}

/** Distinct colours for series (colour-blind-friendly, Okabe–Ito). */
export const COLOURS = ['#0072B2', '#D55E00', '#009E73', '#CC79A7', '#E69F00', '#56B4E9', '#000000', '#F0E442'];
