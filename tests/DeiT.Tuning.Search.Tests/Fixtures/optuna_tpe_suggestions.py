"""Writes optuna-tpe-suggestions.json: for a fixed history (Optuna 3.1's own TPE, seed 3, 90 trials) on six-hump
camel and on the suite's mixed space, how Optuna's TPESampler distributes its next suggestion over 2,000 sampler seeds
(deciles of each float, frequencies of each integer and choice). The test draws as many suggestions from our TPE on
the same history and compares the distributions.

usage: /usr/bin/python3 optuna_tpe_suggestions.py ../../../../shared/peers > optuna-tpe-suggestions.json
(Debian's python3-optuna 3.1; the peers folder holds suite.py.)"""
import json
import sys

import numpy as np
import optuna

sys.path.insert(0, sys.argv[1])
from suite import SUITE  # noqa: E402

optuna.logging.set_verbosity(optuna.logging.WARNING)
SEEDS = 2000


def distribution(s):
    name, kind, lo, hi, log = s[:5]
    if kind == "cat":
        return optuna.distributions.CategoricalDistribution(s[5])
    if kind == "int":
        return optuna.distributions.IntDistribution(lo, hi, log=log)
    return optuna.distributions.FloatDistribution(lo, hi, log=log)


def active(s, params):
    cond = s[6] if len(s) > 6 else None
    return cond is None or params.get(cond[0]) == cond[1]


def case(name):
    spec, f, _ = SUITE[name]
    dists = {s[0]: distribution(s) for s in spec}

    def objective(trial):
        p = {}
        for s in spec:
            if active(s, p):
                p[s[0]] = trial._suggest(s[0], dists[s[0]])
        return f(p)

    history = optuna.create_study(sampler=optuna.samplers.TPESampler(seed=3))
    history.optimize(objective, n_trials=90)
    drawn = {s[0]: [] for s in spec}
    for seed in range(SEEDS):
        sampler = optuna.samplers.TPESampler(seed=seed)
        trial = history.ask()
        p = {}
        for s in spec:
            if active(s, p):
                p[s[0]] = sampler.sample_independent(history, trial, s[0], dists[s[0]])
                drawn[s[0]].append(p[s[0]])
        history.tell(trial, state=optuna.trial.TrialState.FAIL)
    summary = {}
    for s in spec:
        values = drawn[s[0]]
        if s[1] == "float":
            summary[s[0]] = {"count": len(values), "deciles": np.percentile(values, np.arange(10, 100, 10)).tolist()}
        else:
            keys = sorted(set(values), key=str)
            summary[s[0]] = {"count": len(values), "frequencies": {str(k): values.count(k) / len(values) for k in keys}}
    trials = [{"params": t.params, "value": t.value} for t in history.trials if t.state == optuna.trial.TrialState.COMPLETE]
    return {"function": name, "trials": trials, "suggestions": SEEDS, "optuna": optuna.__version__, "distribution": summary}


print(json.dumps([case("six_hump_camel"), case("mixed")]))
