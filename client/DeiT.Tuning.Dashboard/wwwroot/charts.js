'use strict';
// The study page's charts, drawn by ECharts (bundled from npm at build time). Names reach ECharts as plain
// strings; tooltips are built as text by ECharts' own escaping (formatters below return escaped text only).

const STATE_COLORS = { completed: '#1a7f37', pruned: '#d4a72c', failed: '#cf222e', running: '#1f6feb', waiting: '#8c959f', asked: '#8c959f' };
// A filled ✕ marks where a pruned trial's curve was cut.
const CUT_SYMBOL = 'path://M2,0 L5,3 L8,0 L10,2 L7,5 L10,8 L8,10 L5,7 L2,10 L0,8 L3,5 L0,2 Z';

// Completed and pruned trials rank; a running trial's value is only its best epoch so far.
function finished(trial) {
  return trial.value !== null && (trial.state === 'completed' || trial.state === 'pruned');
}

const charts = {};
function chart(id) {
  if (!charts[id]) {
    charts[id] = echarts.init(document.getElementById(id), null, { renderer: 'canvas' });
    window.addEventListener('resize', () => charts[id].resize());
  }
  return charts[id];
}

function escapeText(text) {
  return echarts.format.encodeHTML(String(text));
}

function drawHistory(doc) {
  const maximize = doc.study.direction === 'maximize';
  const scored = doc.trials.filter(t => t.value !== null).sort((a, b) => a.number - b.number);
  let best = null;
  const bestLine = scored.filter(finished).map(t => {
    best = best === null ? t.value : (maximize ? Math.max(best, t.value) : Math.min(best, t.value));
    return [t.number, best];
  });
  chart('history').setOption({
    animation: false,
    grid: { left: 50, right: 20, top: 30, bottom: 40 },
    legend: { top: 0 },
    tooltip: { trigger: 'item', formatter: p => escapeText(`trial ${p.value[0]}: ${fmt(p.value[1])}`) },
    xAxis: { type: 'value', name: 'trial', nameLocation: 'middle', nameGap: 25, minInterval: 1 },
    yAxis: { type: 'value', name: doc.study.metric, scale: true },
    series: [
      { name: 'trial value', type: 'scatter', data: scored.map(t => ({ value: [t.number, t.value], itemStyle: { color: STATE_COLORS[t.state] } })) },
      { name: 'best so far', type: 'line', step: 'end', symbol: 'none', data: bestLine, lineStyle: { color: '#444' } },
    ],
  }, { notMerge: true });
}

function drawCurves(doc) {
  const metric = doc.study.metric;
  const series = doc.trials.filter(t => t.epochs.length > 0).map(t => {
    const pruned = t.state === 'pruned';
    const points = t.epochs.map(e => ({ value: [e.epoch, e[metric]] }));
    if (pruned) points[points.length - 1] = { value: points[points.length - 1].value, symbol: CUT_SYMBOL, symbolSize: 12 };
    return {
      name: `trial ${t.number}`, type: 'line', data: points, symbol: 'none', showSymbol: pruned,
      lineStyle: { width: 1.5, type: pruned ? 'dashed' : 'solid', color: STATE_COLORS[t.state] },
      itemStyle: { color: STATE_COLORS[t.state] },
    };
  });
  chart('curves').setOption({
    animation: false,
    grid: { left: 50, right: 20, top: 20, bottom: 40 },
    tooltip: { trigger: 'item', formatter: p => escapeText(`${p.seriesName}, epoch ${p.value[0]}: ${fmt(p.value[1])}`) },
    xAxis: { type: 'value', name: 'epoch', nameLocation: 'middle', nameGap: 25, minInterval: 1 },
    yAxis: { type: 'value', name: metric, scale: true },
    series,
  }, { notMerge: true });
}

function drawParallel(doc) {
  const scored = doc.trials.filter(t => t.value !== null);
  const names = [...new Set(scored.flatMap(t => Object.keys(t.params)))].sort();
  const axes = names.map((name, i) => {
    const values = scored.map(t => t.params[name]).filter(v => v !== undefined);
    const categorical = values.some(v => typeof v === 'string');
    return categorical
      ? { dim: i, name, type: 'category', data: [...new Set(values.map(String))].sort() }
      : { dim: i, name, type: 'value', scale: true };
  });
  axes.push({ dim: names.length, name: doc.study.metric, type: 'value', scale: true });
  const values = scored.map(t => t.value);
  chart('parallel').setOption({
    animation: false,
    parallel: { left: 40, right: 60, top: 40, bottom: 30 },
    parallelAxis: axes,
    visualMap: values.length ? { show: false, dimension: names.length, min: Math.min(...values), max: Math.max(...values), inRange: { color: ['#c6dbef', '#08306b'] } } : undefined,
    series: [{ type: 'parallel', lineStyle: { width: 1.5, opacity: 0.7 }, data: scored.map(t => [...names.map(n => t.params[n] ?? null), t.value]) }],
  }, { notMerge: true });
}

function drawImportance(doc) {
  const items = [...doc.importance].reverse();
  chart('importance').setOption({
    animation: false,
    title: items.length ? undefined : { text: 'needs 2 completed trials with different values', left: 'center', top: 'middle', textStyle: { fontSize: 13, color: '#6e7781' } },
    grid: { left: 120, right: 30, top: 10, bottom: 45 },
    tooltip: { trigger: 'item', formatter: p => escapeText(`${p.name}: ${fmt(p.value, 3)} (alone explains ${fmt(100 * items[p.dataIndex].main_effect, 1)} % of the variance)`) },
    xAxis: { type: 'value', max: 1, name: 'fANOVA importance', nameLocation: 'middle', nameGap: 25 },
    yAxis: { type: 'category', data: items.map(i => i.param) },
    series: [{ type: 'bar', data: items.map(i => i.score), itemStyle: { color: '#1f6feb' } }],
  }, { notMerge: true });
}

// A Gantt chart of the lease records: one row per device, one bar per lease (a trial attempt holding it).
function drawTimeline(doc) {
  const devices = [...new Set(doc.leases.map(l => `${l.silo} ${l.device}`))].sort();
  const now = Date.now();
  const data = doc.leases.map(l => ({
    value: [devices.indexOf(`${l.silo} ${l.device}`), Date.parse(l.acquired_at), l.released_at ? Date.parse(l.released_at) : now, l.trial, l.attempt],
    itemStyle: { color: STATE_COLORS[(doc.trials.find(t => t.number === l.trial) || {}).state] || '#8c959f' },
  }));
  chart('timeline').setOption({
    animation: false,
    grid: { left: 230, right: 20, top: 10, bottom: 30 },
    tooltip: { trigger: 'item', formatter: p => escapeText(`trial ${p.value[3]} (attempt ${p.value[4]}): ${((p.value[2] - p.value[1]) / 1000).toFixed(1)} s`) },
    xAxis: { type: 'time' },
    yAxis: { type: 'category', data: devices },
    series: [{
      type: 'custom', encode: { x: [1, 2], y: 0 }, data,
      renderItem: (params, api) => {
        const start = api.coord([api.value(1), api.value(0)]);
        const end = api.coord([api.value(2), api.value(0)]);
        const height = api.size([0, 1])[1] * 0.6;
        const shape = echarts.graphic.clipRectByRect(
          { x: start[0], y: start[1] - height / 2, width: Math.max(end[0] - start[0], 1), height },
          { x: params.coordSys.x, y: params.coordSys.y, width: params.coordSys.width, height: params.coordSys.height });
        return shape && {
          type: 'rect', shape, style: api.style(),
          textContent: { style: { text: String(api.value(3)), fill: '#fff', fontSize: 10 } }, textConfig: { position: 'inside' },
        };
      },
    }],
  }, { notMerge: true });
}

// Slice (Optuna's plot_slice): the value against one parameter, completed trials colored early → late, pruned ones
// as grey rings; a wide positive range reads on a log axis, choices in sorted order.
function drawSlice(doc) {
  const scored = doc.trials.filter(finished).sort((a, b) => a.number - b.number);
  const names = rankedParams(doc, scored);
  const select = document.getElementById('slice-param');
  fillSelect(select, names, names[0]);
  const name = select.value;
  const trials = scored.filter(t => t.params[name] !== undefined);
  const values = trials.map(t => t.params[name]);
  const choices = values.some(v => typeof v === 'string') ? [...new Set(values.map(String))].sort() : null;
  const numbers = choices ? [] : values;
  const log = !choices && numbers.length > 1 && Math.min(...numbers) > 0 && Math.max(...numbers) / Math.min(...numbers) > 100;
  const color = i => VIRIDIS[Math.round((trials.length > 1 ? i / (trials.length - 1) : 0.5) * (VIRIDIS.length - 1))];
  chart('slice').setOption({
    animation: false,
    grid: { left: 60, right: 20, top: 10, bottom: 45 },
    tooltip: { trigger: 'item', formatter: p => escapeText(`trial ${p.data.trial} (${p.data.state}): ${fmt(p.value[1])} at ${name}=${fmt(p.data.param, 4)}`) },
    xAxis: choices
      ? { type: 'category', data: choices, name, nameLocation: 'middle', nameGap: 28 }
      : { type: log ? 'log' : 'value', scale: true, name: name + (log ? ' (log)' : ''), nameLocation: 'middle', nameGap: 28 },
    yAxis: { type: 'value', name: doc.study.metric, scale: true },
    series: [{
      type: 'scatter', symbolSize: 9,
      data: trials.map((t, i) => ({
        value: [choices ? choices.indexOf(String(t.params[name])) : t.params[name], t.value], trial: t.number, state: t.state, param: t.params[name],
        itemStyle: t.state === 'pruned' ? { color: 'transparent', borderColor: '#8c959f', borderWidth: 1.5 } : { color: color(i) },
      })),
    }],
  }, { notMerge: true });
  document.body.dataset.slice = name;
}

// Contour (Optuna's plot_contour): the server interpolates the completed trials over the two chosen parameters
// (default: the two fANOVA ranks highest); fetched again only when the choice or the completed trials change.
const VIRIDIS = ['#440154', '#3b528b', '#21918c', '#5ec962', '#fde725'];
let contourKey = null;

// The parameters of these trials, the most important first (fANOVA's order), then the rest by name.
function rankedParams(doc, trials) {
  const names = [...new Set(trials.flatMap(t => Object.keys(t.params)))].sort();
  const ranked = doc.importance.map(i => i.param).filter(n => names.includes(n));
  return [...ranked, ...names.filter(n => !ranked.includes(n))];
}

// A select follows the importance ranking (preferred) until the user picks a value on it (study.js marks it picked).
function fillSelect(select, names, preferred) {
  const keep = select.dataset.picked && names.includes(select.value) ? select.value : preferred;
  if ([...select.options].map(o => o.value).join('\n') !== names.join('\n'))
    select.replaceChildren(...names.map(n => { const o = el('option', n); o.value = n; return o; }));
  select.value = keep ?? '';
}

async function drawContour(doc) {
  const completed = doc.trials.filter(t => t.state === 'completed' && t.value !== null);
  const names = rankedParams(doc, completed);
  const xs = document.getElementById('contour-x'), ys = document.getElementById('contour-y');
  fillSelect(xs, names, names[0]);
  fillSelect(ys, names, names.find(n => n !== xs.value));
  const note = document.getElementById('contour-note');
  const key = `${xs.value}|${ys.value}|${completed.map(t => t.number).join(',')}`;
  if (key === contourKey) return;
  contourKey = key;
  if (names.length < 2 || xs.value === ys.value) {
    note.textContent = names.length < 2 ? 'needs completed trials with two parameters' : 'choose two different parameters';
    chart('contour').clear();
    return;
  }
  const response = await fetch(`${api}/contour?x=${encodeURIComponent(xs.value)}&y=${encodeURIComponent(ys.value)}`, { credentials: 'same-origin' });
  const contour = await response.json();
  if (key !== contourKey) return; // a newer choice or trial overtook this answer
  if (!response.ok) {
    note.textContent = contour.error;
    chart('contour').clear();
    return;
  }
  note.textContent = `${contour.trials.length} completed trials, interpolated as Optuna's`;
  const { x, y, z } = contour;
  const dx = x.grid[1] - x.grid[0], dy = y.grid[1] - y.grid[0];
  const cells = [];
  z.forEach((values, j) => values.forEach((v, i) => cells.push([x.grid[i], y.grid[j], v])));
  const flat = z.flat();
  // Choices sit at 0…k−1 of a value axis (the grid spans between them); log ranges are plotted in log10.
  const axis = (a, d) => {
    const positions = a.choices.map((_, i) => i);
    return {
      type: 'value', name: a.param + (a.log ? ' (log)' : ''), nameLocation: 'middle', nameGap: 28,
      min: a.grid[0] - d / 2, max: a.grid[a.grid.length - 1] + d / 2, splitLine: { show: false },
      axisTick: a.choices.length ? { customValues: positions } : {},
      axisLabel: a.choices.length
        ? { customValues: positions, formatter: v => a.choices[Math.round(v)] ?? '' }
        : { showMinLabel: false, showMaxLabel: false, formatter: v => fmt(a.log ? Math.pow(10, v) : v, 3) },
    };
  };
  chart('contour').setOption({
    animation: false,
    grid: { left: 70, right: 90, top: 10, bottom: 45 },
    tooltip: { trigger: 'item', formatter: p => p.seriesIndex === 1 ? escapeText(`trial ${p.data[3]}: ${fmt(p.data[2])}`) : '' },
    xAxis: axis(x, dx),
    yAxis: axis(y, dy),
    visualMap: {
      type: 'continuous', seriesIndex: 0, dimension: 2, min: Math.min(...flat), max: Math.max(...flat), right: 0, top: 'middle',
      calculable: false, text: [doc.study.metric, ''], precision: 3,
      inRange: { color: doc.study.direction === 'maximize' ? VIRIDIS : [...VIRIDIS].reverse() },
    },
    series: [
      {
        type: 'custom', data: cells, silent: true, progressive: 0, // one pass: 10,000 cells, no extra canvas layers
        renderItem: (params, api) => {
          const from = api.coord([api.value(0) - dx / 2, api.value(1) + dy / 2]);
          const to = api.coord([api.value(0) + dx / 2, api.value(1) - dy / 2]);
          return { type: 'rect', shape: { x: from[0], y: from[1], width: to[0] - from[0] + 0.5, height: to[1] - from[1] + 0.5 }, style: { fill: api.visual('color') } };
        },
      },
      {
        type: 'scatter', data: contour.trials.map(t => [t.x, t.y, t.value, t.trial]), symbolSize: 7,
        itemStyle: { color: '#000', borderColor: '#bbb', borderWidth: 1.5 },
      },
    ],
  }, { notMerge: true });
  document.body.dataset.contour = `${x.param}×${y.param}`;
}

function drawCharts(doc) {
  drawHistory(doc);
  drawCurves(doc);
  drawParallel(doc);
  drawImportance(doc);
  drawTimeline(doc);
  drawSlice(doc);
  drawContour(doc);
}
