"""Writes optuna-edf.json: Optuna 3.1's empirical distribution plot (Debian's python3-optuna; _get_edf_info: for each
study, the share of its completed trials whose value is at most x, at 100 points numpy.linspace'd from the lowest to
the highest value over all studies) on fixed trials of two studies, for EmpiricalDistributionTests. The second study
has a pruned, a failed and a NaN trial, which the plot leaves out, and values equal to grid points at both ends.

usage: /usr/bin/python3 optuna_edf.py > optuna-edf.json"""
import json

import numpy as np
import optuna
from optuna.distributions import FloatDistribution
from optuna.trial import TrialState, create_trial
from optuna.visualization._edf import _get_edf_info

optuna.logging.set_verbosity(optuna.logging.WARNING)
rng = np.random.default_rng(11)
x = {"x": FloatDistribution(0, 1)}


def study(name, values, others=()):
    s = optuna.create_study(study_name=name, direction="maximize")
    for v in values:
        s.add_trial(create_trial(params={"x": 0.5}, distributions=x, value=float(v)))
    for state, v in others:
        s.add_trial(create_trial(params={"x": 0.5}, distributions=x, state=state, value=v, intermediate_values={1: 0.99}))
    return s


a_values = [float(v) for v in rng.uniform(0.1, 0.6, 20)]
b_values = [0.05, 0.05, 0.3, 0.45, 0.7, 0.7] + [float(v) for v in rng.uniform(0.2, 0.5, 9)]
a = study("gp", a_values)
b = study("tpe", b_values, [(TrialState.PRUNED, None), (TrialState.FAIL, None)])
b.add_trial(create_trial(params={"x": 0.5}, distributions=x, value=float("nan")))  # a NaN value: Optuna stores it as FAIL
info = _get_edf_info([a, b])
print(json.dumps({
    "studies": [{"name": "gp", "values": a_values}, {"name": "tpe", "values": b_values}],
    "x": [float(v) for v in info.x_values],
    "lines": [{"study": line.study_name, "y": [float(v) for v in line.y_values]} for line in info.lines],
}, indent=1))
