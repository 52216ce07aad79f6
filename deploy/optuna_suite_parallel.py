"""Optuna (Debian's python3-optuna, 3.1) on the public suite with asynchronous workers, simulated as `deit-tune bench
samplers --workers` simulates ours: each trial takes 1 + U(0, 1) time units; when a worker finishes, its value is told
and the worker asks for the next trial while the others stay running; the regret after n trials is that of the best of
the first n to finish. TPE runs with constant_liar=True (Optuna's advice for parallel studies; without it running
trials are invisible to it), CMA-ES as it comes. Prints one JSON line per (function, sampler, workers, trials), the
lines `deit-tune bench samplers --peer` reads; 1 worker gives optuna_suite.py's sequential figures.

usage: python3 deploy/optuna_suite_parallel.py [--trials 40,100 --seeds 10 --workers 1,4,8
                                               --samplers tpe,tpe-mv,cmaes --functions branin,...]
       (needs: apt-get install python3-optuna; reads suite.py from --suite-dir, default ../shared/peers)"""
import argparse
import heapq
import json
import os
import random
import statistics
import sys
import warnings

ap = argparse.ArgumentParser()
ap.add_argument("--trials", default="40,100")
ap.add_argument("--seeds", type=int, default=10)
ap.add_argument("--workers", default="1,4,8")
ap.add_argument("--samplers", default="tpe,tpe-mv,cmaes")
ap.add_argument("--functions", default=None)
ap.add_argument("--suite-dir", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "shared", "peers"))
a = ap.parse_args()
sys.path.insert(0, a.suite_dir)

import optuna  # noqa: E402
from suite import SUITE  # noqa: E402

warnings.filterwarnings("ignore")
optuna.logging.set_verbosity(optuna.logging.ERROR)
budgets = [int(t) for t in a.trials.split(",")]


def sampler(name, seed):
    return {"tpe": lambda: optuna.samplers.TPESampler(seed=seed, constant_liar=True),
            "tpe-mv": lambda: optuna.samplers.TPESampler(seed=seed, multivariate=True, group=True, constant_liar=True),
            "cmaes": lambda: optuna.samplers.CmaEsSampler(seed=seed, warn_independent_sampling=False)}[name]()


def suggest(trial, spec):
    p = {}
    for s in spec:
        name, kind, lo, hi, log = s[:5]
        cond = s[6] if len(s) > 6 else None
        if cond and p.get(cond[0]) != cond[1]:
            continue
        p[name] = (trial.suggest_categorical(name, s[5]) if kind == "cat" else
                   trial.suggest_int(name, lo, hi, log=log) if kind == "int" else trial.suggest_float(name, lo, hi, log=log))
    return p


def regret_curve(spec, f, minimum, sname, seed, workers, n):
    """The regret of the best finished trial after each of n finished trials, with `workers` trials in flight."""
    study = optuna.create_study(sampler=sampler(sname, seed))
    durations = random.Random(seed)
    running, values, asked, now = [], [], 0, 0.0
    while len(values) < n:
        while len(running) < workers and asked < n:
            trial = study.ask()
            value = f(suggest(trial, spec))
            heapq.heappush(running, (now + 1 + durations.random(), asked, trial, value))
            asked += 1
        now, _, trial, value = heapq.heappop(running)
        study.tell(trial, value)
        values.append(value)
    best, curve = float("inf"), []
    for value in values:
        best = min(best, value)
        curve.append(best - minimum)
    return curve


for fname in (a.functions or ",".join(SUITE)).split(","):
    spec, f, minimum = SUITE[fname]
    for sname in a.samplers.split(","):
        if sname == "cmaes" and any(s[1] == "cat" for s in spec):
            continue
        for workers in [int(w) for w in a.workers.split(",")]:
            curves = [regret_curve(spec, f, minimum, sname, seed, workers, max(budgets)) for seed in range(a.seeds)]
            for b in budgets:
                r = [c[b - 1] for c in curves]
                print(json.dumps({"function": fname, "sampler": f"optuna-{sname}", "workers": workers, "trials": b,
                                  "seeds": a.seeds, "median_regret": statistics.median(r), "mean_regret": statistics.mean(r),
                                  "per_seed": r}), flush=True)
