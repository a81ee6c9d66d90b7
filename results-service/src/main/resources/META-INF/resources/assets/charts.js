// Charts with uPlot (served from its webjar): training curves and reliability diagrams.
import { COLOURS, el } from './common.js';

const WIDTH = 420;
const HEIGHT = 260;

let drawn = []; // [chart, target]: resized with the window

function widthFor(target) {
  return Math.max(240, Math.min(WIDTH, (target.clientWidth || WIDTH) - 24));
}

let resizing = null;
window.addEventListener('resize', () => {
  clearTimeout(resizing);
  resizing = setTimeout(() => drawn.forEach(([chart, target]) => chart.setSize({ width: widthFor(target), height: HEIGHT })), 100);
});

// every chart on the page by its title, with the data it plots ([xs, ys per series]) — tests read them back
window.softcifarCharts = window.softcifarCharts || {};

/** Empties a chart box before it is drawn again: its uPlot instances destroyed, forgotten by resizing and tests. */
export function resetCharts(target) {
  drawn.filter(([, t]) => t === target).forEach(([chart]) => chart.destroy());
  drawn = drawn.filter(([, t]) => t !== target);
  Object.keys(window.softcifarCharts).filter(k => k.startsWith(`${target.id}/`))
    .forEach(k => delete window.softcifarCharts[k]);
  target.replaceChildren();
}

/** One line per series over a shared x; series: [{label, points: [[x, y], ...]}]. */
export function lineChart(target, title, xLabel, yLabel, series, extra = {}) {
  const xs = [...new Set(series.flatMap(s => s.points.map(p => p[0])))].sort((a, b) => a - b);
  const data = [xs, ...series.map(s => {
    const byX = new Map(s.points);
    return xs.map(x => (byX.has(x) ? byX.get(x) : null));
  })];
  const box = el('div', { class: 'chart', role: 'figure', 'aria-label': title, 'data-chart': title },
    el('h3', { text: title }));
  target.append(box);
  const width = widthFor(target);
  const opts = {
    width, height: HEIGHT,
    scales: { x: { time: false }, ...(extra.scales || {}) },
    axes: [{ label: xLabel }, { label: yLabel }],
    series: [{ label: xLabel }, ...series.map((s, i) => ({
      label: s.label, stroke: s.colour || COLOURS[i % COLOURS.length], width: 2, spanGaps: true,
      dash: s.dash, points: { show: xs.length < 30 },
    }))],
  };
  // eslint-disable-next-line no-undef
  const chart = new uPlot(opts, data, box);
  drawn.push([chart, target]);
  window.softcifarCharts[`${target.id}/${title}`] = { series: series.map(s => s.label), data: chart.data };
  return chart;
}
