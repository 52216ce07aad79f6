'use strict';

const studyName = decodeURIComponent(location.pathname.split('/').pop());
const api = '/api/studies/' + encodeURIComponent(studyName);
let current = null;
let selected = null;
let sort = { key: 'rank', ascending: true };

function ranked(doc) {
  const sign = doc.study.direction === 'maximize' ? -1 : 1;
  const scored = doc.trials.filter(finished).sort((a, b) => sign * (a.value - b.value) || a.number - b.number);
  const rest = doc.trials.filter(t => !finished(t)).sort((a, b) => a.number - b.number);
  return [...scored, ...rest].map((t, i) => ({ trial: t, rank: finished(t) ? i + 1 : null }));
}

function paramText(params) {
  return Object.keys(params).sort().map(k => `${k}=${fmt(params[k], 3)}`).join(' ');
}

const sortValue = {
  rank: r => r.rank ?? Infinity, number: r => r.trial.number, value: r => r.trial.value ?? -Infinity,
  state: r => r.trial.state, epochs: r => r.trial.epochs.length, device: r => r.trial.device ?? '',
  params: r => paramText(r.trial.params), reason: r => r.trial.reason ?? '',
};

function renderLeaderboard(doc) {
  const rows = ranked(doc);
  const key = sortValue[sort.key];
  rows.sort((a, b) => {
    const x = key(a), y = key(b);
    return (x < y ? -1 : x > y ? 1 : 0) * (sort.ascending ? 1 : -1) || a.trial.number - b.trial.number;
  });
  const body = document.querySelector('#leaderboard tbody');
  body.replaceChildren();
  for (const { trial: t, rank } of rows) {
    const tr = row([
      rank ?? '-', t.number, fmt(t.value), el('td', t.state, 'state-' + t.state), t.epochs.length,
      t.device ? `${t.silo ?? ''} ${t.device}`.trim() : '-', paramText(t.params), el('td', t.reason ?? '', 'reason'),
    ]);
    tr.dataset.trial = t.number;
    if (t.number === selected) tr.classList.add('selected');
    tr.addEventListener('click', () => { selected = t.number; render(current); });
    body.appendChild(tr);
  }
  for (const th of document.querySelectorAll('#leaderboard th')) {
    th.classList.toggle('asc', th.dataset.key === sort.key && sort.ascending);
    th.classList.toggle('desc', th.dataset.key === sort.key && !sort.ascending);
  }
}

function renderDetail(doc) {
  const trial = doc.trials.find(t => t.number === selected);
  document.getElementById('trial-detail').hidden = !trial;
  if (!trial) return;
  document.getElementById('detail-number').textContent = trial.number;
  document.getElementById('detail-state').textContent = trial.state;
  document.getElementById('detail-reason').textContent = trial.reason ?? '-';
  // A DeiT trial keeps its best epoch's weights from its first epoch on (read from the silo that ran it).
  const downloads = doc.study.runner === 'deit' && trial.epochs.length > 0;
  document.getElementById('detail-downloads').hidden = !downloads;
  if (downloads) {
    document.getElementById('detail-weights').href = `${api}/trials/${trial.number}/weights`;
    document.getElementById('detail-card').href = `${api}/trials/${trial.number}/card`;
  }
  const body = document.querySelector('#epochs tbody');
  body.replaceChildren(...trial.epochs.map(e =>
    row([e.epoch, fmt(e.top1), fmt(e.top5), fmt(e.loss), fmt(e.train_loss), fmt(e.images_per_second, 4), fmt(e.seconds, 3)])));
  loadLog(trial);
}

// The end of the selected trial's log (what its process printed), fetched again when the trial moves on.
let logKey = null;
async function loadLog(trial) {
  const key = `${trial.number}|${trial.state}|${trial.attempt}|${trial.epochs.length}`;
  if (key === logKey) return;
  logKey = key;
  const response = await fetch(`${api}/trials/${trial.number}/log?lines=200`, { credentials: 'same-origin' });
  const log = await response.json();
  if (key !== logKey) return;
  const lines = log.lines ?? [];
  document.getElementById('detail-log').textContent = lines.join('\n');
  document.getElementById('detail-log-note').textContent = log.missing ?? `last ${lines.length} lines of ${log.path}`;
  document.body.dataset.logTrial = trial.number;
}

// Paper studies: one table per report entry ({title, columns, rows}); absent for other studies.
function renderReport(doc) {
  const section = document.getElementById('report');
  section.hidden = !doc.report;
  if (!doc.report) return;
  const holder = document.getElementById('report-tables');
  holder.replaceChildren();
  for (const table of doc.report.tables ?? []) {
    holder.appendChild(el('h3', table.title));
    const grid = el('table', null, 'grid');
    grid.appendChild(row(table.columns.map(c => el('th', c))));
    for (const cells of table.rows) grid.appendChild(row(cells.map(c => fmt(c))));
    holder.appendChild(grid);
  }
}

function render(doc) {
  if (!doc) {
    showError(`no study named '${studyName}'`);
    return;
  }
  current = doc;
  const s = doc.study;
  document.title = `${s.name} · deit-tune`;
  document.getElementById('name').textContent = s.name;
  const state = document.getElementById('state');
  state.textContent = s.state + (s.stop_reason ? ` (${s.stop_reason})` : '');
  state.className = 'state state-' + s.state;
  document.getElementById('progress').textContent =
    `${s.trials_finished}/${s.trial_budget} trials finished · best ${fmt(s.best_value)} · ${s.devices_busy} devices busy`;
  document.getElementById('metric-head').textContent = `${s.metric} (${s.direction})`;
  document.getElementById('stop').disabled = !(s.state === 'running');
  document.getElementById('resume').disabled = s.state === 'running' || s.state === 'finished';
  if (selected === null && doc.trials.length) selected = (ranked(doc)[0]).trial.number;
  renderLeaderboard(doc);
  renderDetail(doc);
  renderReport(doc);
  drawCharts(doc);
  document.body.dataset.totalEpochs = doc.trials.reduce((n, t) => n + t.epochs.length, 0);
  document.body.dataset.updates = Number(document.body.dataset.updates ?? 0) + 1;
  document.body.dataset.loaded = 'true';
}

function showError(text) {
  const error = document.getElementById('error');
  error.textContent = text;
  error.hidden = false;
}

function confirmed(text) {
  const dialog = document.getElementById('confirm');
  document.getElementById('confirm-text').textContent = text;
  dialog.showModal();
  return new Promise(resolve => dialog.addEventListener('close', () => resolve(dialog.returnValue === 'ok'), { once: true }));
}

async function act(action, question) {
  if (!(await confirmed(question))) return;
  const response = await fetch(`${api}/${action}`, { method: 'POST', credentials: 'same-origin' });
  if (!response.ok) {
    const body = await response.json().catch(() => ({ error: response.statusText }));
    showError(`${action} failed: ${body.error}`);
  }
}

document.getElementById('stop').addEventListener('click', () =>
  act('stop', `Stop study ${studyName}? Running trials are asked to stop; the study can be resumed.`));
document.getElementById('resume').addEventListener('click', () =>
  act('resume', `Resume study ${studyName}? Interrupted trials continue from their checkpoints.`));
for (const th of document.querySelectorAll('#leaderboard th')) {
  th.addEventListener('click', () => {
    sort = { key: th.dataset.key, ascending: sort.key === th.dataset.key ? !sort.ascending : true };
    if (current) renderLeaderboard(current);
  });
}

for (const [id, draw] of [['slice-param', drawSlice], ['contour-x', drawContour], ['contour-y', drawContour]]) {
  const select = document.getElementById(id);
  select.addEventListener('change', () => { select.dataset.picked = 'true'; if (current) draw(current); });
}

follow(api + '/events', render);
