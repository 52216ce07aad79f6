'use strict';

function renderStudies(studies) {
  const body = document.querySelector('#studies tbody');
  body.replaceChildren();
  document.getElementById('empty').hidden = studies.length > 0;
  for (const s of studies) {
    const link = el('a', s.name);
    link.href = '/studies/' + encodeURIComponent(s.name);
    const name = el('td'); name.appendChild(link);
    const state = el('td', s.state, 'state-' + s.state);
    const progress = `${s.trials_finished}/${s.trial_budget} finished` + (s.trials_created > s.trials_finished ? `, ${s.trials_created - s.trials_finished} running` : '');
    const best = s.best_value === null ? '-' : `${fmt(s.best_value)} (trial ${s.best_trial})`;
    const busy = `${s.devices_busy} now · ${(100 * s.device_busy_fraction).toFixed(0)}% overall`;
    const tr = row([name, state, progress, best, busy, `${s.sampler} / ${s.pruner}`, when(s.started_at)]);
    tr.dataset.study = s.name;
    body.appendChild(tr);
  }
  document.body.dataset.loaded = 'true';
}

follow('/api/events', renderStudies);
