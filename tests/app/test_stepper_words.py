"""What the EM stepper says and works out (issue 17): the narration's weights and
sure points, and an E-step line that checks on a calculator."""

from __future__ import annotations

import dataclasses
import math
import re

import numpy as np
import pytest

from gmm_app.stepper import equations, model, narration
from gmm_app.words import sci_from_log
from gmm_core import COVARIANCE_TYPES, em_steps, initialize, load_preset
from gmm_core.mixture import weighted_log_prob


def test_a_weight_that_prints_the_same_stayed(blobs_trace) -> None:
    X, trace = blobs_trace
    view = model.view_at(X, trace, 2)  # M-step 1
    same = dataclasses.replace(view.params, weights=np.array([0.434, 0.3, 0.266]))
    before = dataclasses.replace(same, weights=np.array([0.428, 0.303, 0.269]))
    lls = view.log_likelihoods
    tail = (
        f"Log-likelihood per point: {lls[0]:.4f} → {lls[1]:.4f} "
        f"({lls[1] - lls[0]:+.2g})."
    )
    head = "**M-step 1: move and reshape the hills.** No hill moved."
    stayed = dataclasses.replace(view, params=same, previous_params=before)
    assert narration.narrate(stayed) == (
        f"{head} Hill A stayed at 43% of the data. {tail}"
    )
    grew = dataclasses.replace(
        stayed, params=dataclasses.replace(same, weights=np.array([0.45, 0.3, 0.25]))
    )
    assert narration.narrate(grew) == (
        f"{head} Hill A grew from 43% to 45% of the data. {tail}"
    )


def _e_step(view: model.View, resp: list[list[float]]) -> str:
    return narration.narrate(
        dataclasses.replace(view, resp=np.array(resp), previous_resp=None)
    )


def test_no_uncertain_point_when_every_point_is_sure(blobs_trace) -> None:
    X, trace = blobs_trace
    view = model.view_at(X, trace, 1)  # E-step 1
    head = (
        "**E-step 1: who belongs where?** Every point now has its shares of each hill."
    )
    sure = [[1.0, 0.0, 0.0], [0.996, 0.004, 0.0], [0.0, 0.001, 0.999]]
    assert _e_step(view, sure) == f"{head} Every point is sure of its hill."
    unsure = [[1.0, 0.0, 0.0], [0.4, 0.6, 0.0], [0.0, 0.001, 0.999]]
    assert _e_step(view, unsure) == (
        f"{head} The most uncertain point is #1 at 60% hill B / 40% hill A."
    )


_NUMBER = r"(-?[\d.]+(?:e[+-]?\d+)?)(?: \\times 10\^\{(-?\d+)\})?"
_LINE = re.compile(rf"= {_NUMBER} \\times {_NUMBER} = {_NUMBER}$")


def _log(mantissa: str, exponent: str | None) -> float:
    return math.log(float(mantissa)) + int(exponent or 0) * math.log(10)


@pytest.mark.parametrize("covariance_type", COVARIANCE_TYPES)
def test_weight_times_density_checks_on_a_calculator(covariance_type) -> None:
    X = load_preset("blobs", 200, 0).X
    trace = list(
        em_steps(
            X, initialize(X, 3, covariance_type=covariance_type, seed=0), max_iter=4
        )
    )
    for step in (trace[0], trace[-1]):
        for i in (0, 9, 17, 123, 199):
            lines = equations.responsibility_steps(X[i], i, step.params)
            wlp = weighted_log_prob(X[i : i + 1], step.params)[0]
            for k, line in enumerate(lines[1:4]):  # "weight × density = product"
                match = _LINE.search(line)
                assert match, line
                product = line.rsplit(" = ", 1)[1]
                assert product == sci_from_log(float(wlp[k]))  # what EM computed
                # the shown factors' product, rounded as the product is shown
                log_product = _log(*match.group(1, 2)) + _log(*match.group(3, 4))
                assert sci_from_log(log_product) == product, line
