"""Writes optuna-contour.json: the interpolated grid of Optuna 3.1's contour plot (Debian's python3-optuna; its
matplotlib backend's _calculate_griddata: a 100 x 100 grid over the trials' range padded 5 %, each trial's value set
at its nearest grid point, the rest filled by Plotly's Laplace interpolation) on fixed completed trials, for
ContourGridTests. Two cases: two float parameters, and a float against a categorical one.

usage: /usr/bin/python3 optuna_contour.py > optuna-contour.json"""
import json
import math

import numpy as np
import optuna
from optuna.visualization._contour import _get_contour_subplot_info
from optuna.visualization.matplotlib._contour import _calculate_griddata

optuna.logging.set_verbosity(optuna.logging.WARNING)


def case(x_name, y_name, trials_params, values, distributions):
    study = optuna.create_study(direction="maximize")
    for params, value in zip(trials_params, values):
        study.add_trial(optuna.trial.create_trial(params=params, distributions=distributions, value=value))
    trials = study.get_trials(states=(optuna.trial.TrialState.COMPLETE,))
    info = _get_contour_subplot_info(trials, x_name, y_name, None)
    xi, yi, zi, _, x_labels, _, y_labels, _, _ = _calculate_griddata(info.xaxis, info.yaxis, info.z_values)
    return {
        "x": x_name,
        "y": y_name,
        "trials": [{"params": p, "value": v} for p, v in zip(trials_params, values)],
        "x_grid": list(xi), "y_grid": list(yi),
        "x_labels": x_labels, "y_labels": y_labels,
        # z[y][x], every 3rd row and column (the grid is 100 x 100), to keep the file small
        "z_every_3rd": [[float(zi[j, i]) for i in range(0, 100, 3)] for j in range(0, 100, 3)],
    }


rng = np.random.default_rng(7)
n = 15
a = rng.uniform(0, 1, n)
b = rng.uniform(-2, 3, n)
c = rng.choice(["adamw", "lamb", "sgd"], n)
values = [float(math.sin(3 * x) + 0.3 * y) for x, y in zip(a, b)]
floats = {"a": optuna.distributions.FloatDistribution(0, 1), "b": optuna.distributions.FloatDistribution(-2, 3)}
mixed = {"a": floats["a"], "c": optuna.distributions.CategoricalDistribution(["adamw", "lamb", "sgd"])}
cases = [
    case("a", "b", [{"a": float(x), "b": float(y)} for x, y in zip(a, b)], values, floats),
    case("a", "c", [{"a": float(x), "c": str(z)} for x, z in zip(a, c)], [float(math.sin(3 * x)) + (z == "lamb") for x, z in zip(a, c)], mixed),
]
print(json.dumps({"optuna": optuna.__version__, "cases": cases}))
