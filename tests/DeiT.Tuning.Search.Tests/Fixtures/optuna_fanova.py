"""Writes optuna-fanova.json: fANOVA importances computed by Optuna 3.1 (Debian's python3-optuna, scikit-learn 1.2)
on fixed trials, for FanovaImportanceTests.

- "single_tree": one regression tree on every trial (no bootstrap, every feature at every node), stored node by node,
  and Optuna's fANOVA decomposition of it (each feature's main effect). Our tree grown on the same trials must split
  the rows the same way (scikit-learn breaks ties between features that split a node identically by a random
  feature order, so the split feature may differ on a tie, the partition not); our decomposition of scikit-learn's
  tree must equal Optuna's to rounding. Four continuous parameters, one on a log range (passed to Optuna in log space,
  as we encode it), of a function with a quadratic, a linear, a periodic and no effect; once at depth 64 and once at
  depth 3.
- "forest": Optuna's FanovaImportanceEvaluator (64 trees, bootstrap, seed 0) through a study with a categorical
  parameter, on a function whose true main-effect shares are known in closed form (0.5, 0.3, 0.2, 0).

usage: /usr/bin/python3 optuna_fanova.py > optuna-fanova.json"""
import json
import math

import numpy as np
import optuna
from optuna.importance import FanovaImportanceEvaluator, get_param_importances
from optuna.importance._fanova._fanova import _Fanova
from sklearn.ensemble import RandomForestRegressor

optuna.logging.set_verbosity(optuna.logging.WARNING)


def single_tree(rng, n, max_depth):
    x1, x2, x4 = rng.random(n), rng.random(n), rng.random(n)
    lr = np.exp(rng.uniform(math.log(1e-4), math.log(1e-1), n))
    y = 10 * (x1 - 0.5) ** 2 + 2 * x2 + np.sin(3 * np.log(lr)) + 0 * x4
    X = np.column_stack([x1, x2, np.log(lr), x4])
    bounds = np.array([[0, 1], [0, 1], [math.log(1e-4), math.log(1e-1)], [0, 1]], dtype=float)
    fanova = _Fanova(n_trees=1, max_depth=max_depth, min_samples_split=2, min_samples_leaf=1, seed=0)
    fanova._forest = RandomForestRegressor(n_estimators=1, bootstrap=False, max_depth=max_depth, random_state=0)
    fanova.fit(X, y, bounds, [np.array([i]) for i in range(4)])
    main = [fanova.get_importance(i)[0] for i in range(4)]
    tree = fanova._forest.estimators_[0].tree_
    return {
        "max_depth": max_depth,
        "params": ["x1", "x2", "lr", "x4"],
        "trials": [{"x1": a, "x2": b, "lr": c, "x4": d, "value": v} for a, b, c, d, v in zip(x1, x2, lr, x4, y)],
        "node_count": int(tree.node_count),
        "tree": {
            "feature": tree.feature.tolist(),
            "threshold": tree.threshold.tolist(),
            "left": tree.children_left.tolist(),
            "right": tree.children_right.tolist(),
            "value": tree.value[:, 0, 0].tolist(),
        },
        "main_effect": dict(zip(["x1", "x2", "lr", "x4"], main)),
    }


def forest(rng, n):
    effect = {"a": 0.0, "b": 1.0, "c": 0.0}
    study = optuna.create_study()
    dists = {
        "x1": optuna.distributions.FloatDistribution(0, 1),
        "x2": optuna.distributions.FloatDistribution(0, 1),
        "c": optuna.distributions.CategoricalDistribution(["a", "b", "c"]),
        "x4": optuna.distributions.FloatDistribution(0, 1),
    }
    trials = []
    for _ in range(n):
        p = {"x1": float(rng.random()), "x2": float(rng.random()), "c": str(rng.choice(["a", "b", "c"])), "x4": float(rng.random())}
        value = 10 * (p["x1"] - 0.5) ** 2 + 2 * p["x2"] + effect[p["c"]]
        study.add_trial(optuna.trial.create_trial(params=p, distributions=dists, value=value))
        trials.append({**p, "value": value})
    importances = get_param_importances(study, evaluator=FanovaImportanceEvaluator(seed=0))
    # Var(10 (x1 - 1/2)^2) = 100/180, Var(2 x2) = 4/12, Var(effect[c]) = 2/9 for uniform inputs; shares of their sum.
    variances = {"x1": 100 / 180, "x2": 4 / 12, "c": 2 / 9, "x4": 0.0}
    total = sum(variances.values())
    return {
        "trials": trials,
        "optuna": dict(importances),
        "truth": {k: v / total for k, v in variances.items()},
    }


rng = np.random.default_rng(7)
print(json.dumps({
    "optuna": optuna.__version__,
    "single_tree": [single_tree(rng, 60, 64), single_tree(rng, 60, 3)],
    "forest": forest(rng, 200),
}, indent=1))
