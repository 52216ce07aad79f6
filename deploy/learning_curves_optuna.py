"""Optuna's TPE + HyperbandPruner (and TPE without pruning) on the crossing-learning-curves function of
`deit-tune bench samplers --learning-curves` (LearningCurveBenchmark.cs): median simple regret of the best completed
trial after each budget of epochs spent, over seeds. Prints one JSON line per (sampler, pruner, epochs).

usage: python3 deploy/learning_curves_optuna.py [--epochs 270,540,1080 --seeds 10]   (needs python3-optuna)"""
import argparse
import json
import math
import statistics
import warnings

import optuna

warnings.filterwarnings("ignore")
optuna.logging.set_verbosity(optuna.logging.ERROR)
MAX_EPOCHS, MINIMUM = 27, 0.1
ap = argparse.ArgumentParser()
ap.add_argument("--epochs", default="270,540,1080")
ap.add_argument("--seeds", type=int, default=10)
a = ap.parse_args()
budgets = [int(e) for e in a.epochs.split(",")]


def value(x1, x2, epoch):
    final = MINIMUM + (x1 - 0.7) ** 2 + (x2 - 0.3) ** 2
    return final + math.exp(-epoch * (3 * (1 - x1) ** 2 + 0.05))


def run(seed, pruner):
    study = optuna.create_study(sampler=optuna.samplers.TPESampler(seed=seed), pruner=pruner)
    spent, best, curve = 0, math.inf, []
    while spent < max(budgets):
        trial = study.ask()
        x1, x2 = trial.suggest_float("x1", 0, 1), trial.suggest_float("x2", 0, 1)
        pruned = False
        for epoch in range(1, MAX_EPOCHS + 1):
            v = value(x1, x2, epoch)
            trial.report(v, epoch)
            spent += 1
            if epoch < MAX_EPOCHS and trial.should_prune():
                pruned = True
                break
        if pruned:
            study.tell(trial, state=optuna.trial.TrialState.PRUNED)
        else:
            study.tell(trial, v)
            best = min(best, v)
        curve.append((spent, best))
    return [min([b for e, b in curve if e <= budget] + [math.inf]) - MINIMUM for budget in budgets]


for name, make in [("none", lambda: optuna.pruners.NopPruner()),
                   ("hyperband", lambda: optuna.pruners.HyperbandPruner(min_resource=1, max_resource=MAX_EPOCHS, reduction_factor=3))]:
    runs = [run(seed, make()) for seed in range(a.seeds)]
    for i, budget in enumerate(budgets):
        print(json.dumps({"function": "crossing_curves", "sampler": "optuna-tpe", "pruner": name, "epochs": budget,
                          "seeds": a.seeds, "median_regret": statistics.median(r[i] for r in runs)}), flush=True)
