"""What a half-step says, in words (no Streamlit, no Plotly): the narration of the
last E- or M-step, why the trace ended, and the hills' parameters as plain text.
"""

from __future__ import annotations

import math

import numpy as np

from gmm_app.stepper.model import (
    CollapseRise,
    View,
    data_spread,
    hill_width,
    hills_stacked,
    top_gap,
)
from gmm_app.words import (
    hill_name,
    hill_names,
    hill_title,
    plural,
    point_text,
    share_percent,
)
from gmm_core import EMStep, GMMParams


def _direction(delta: np.ndarray) -> str:
    """A movement in words: "0.8 units right", "1.2 units up and left"."""
    if not np.any(np.abs(delta) > 1e-12):
        return "did not move"
    if delta.shape[0] == 1:
        size = abs(float(delta[0]))
        return f"{size:.2g} units {'right' if delta[0] > 0 else 'left'}"
    dx, dy = float(delta[0]), float(delta[1])
    size = math.hypot(dx, dy)
    words = []
    if abs(dy) > 0.38 * size:
        words.append("up" if dy > 0 else "down")
    if abs(dx) > 0.38 * size:
        words.append("right" if dx > 0 else "left")
    return f"{size:.2g} units {' and '.join(words)}"


def narrate(view: View, init_name: str = "") -> str:
    """What the last half-step did, in a sentence or three.

    Parameters
    ----------
    view : View
    init_name : str
        How the guess was made, completing "K hills placed ..." (e.g. "by
        k-means++").

    Returns
    -------
    str
        Markdown.
    """
    k = view.params.n_components
    if view.phase == "guess":
        how = f" {init_name}" if init_name else ""
        return (
            f"**The guess.** {k} hills placed{how}. No point has been asked yet: "
            "take the first E-step to see who belongs where." + _stacked_guess(view)
        )
    resp = view.resp
    assert resp is not None
    if view.phase == "e":
        top = np.sort(resp, axis=1)[:, ::-1]
        doubt = int(np.argmin(top[:, 0] - (top[:, 1] if k > 1 else 0.0)))
        shares = " / ".join(
            f"{resp[doubt, j]:.0%} {hill_name(int(j))}"
            for j in np.argsort(resp[doubt])[::-1][: min(k, 2)]
        )
        if view.previous_resp is None:
            moved = "Every point now has its shares of each hill."
        else:
            n = len(view.changed)
            moved = (
                "No point changed its most likely hill."
                if n == 0
                else f"{plural(n, 'point')} changed "
                f"{'their' if n != 1 else 'its'} most likely hill."
            )
        if k == 1:
            sure = ""
        elif f"{top[doubt, 0]:.0%}" == "100%":  # even the least sure is sure
            sure = " Every point is sure of its hill."
        else:
            sure = f" The most uncertain point is #{doubt} at {shares}."
        return f"**E-step {view.iteration}: who belongs where?** {moved}{sure}"
    before = view.previous_params
    assert before is not None
    after = view.params
    move = np.linalg.norm(after.means - before.means, axis=1)
    grow = after.weights - before.weights
    sentences = [_narrowed(view, k) for k in view.step.collapsed]
    j = int(np.argmax(move))
    if move[j] <= 1e-12:
        sentences.append("No hill moved.")
    else:
        sentences.append(
            f"{hill_title(j)} moved most: "
            f"{_direction(after.means[j, :2] - before.means[j, :2])}."
        )
    g = int(np.argmax(np.abs(grow)))
    if abs(grow[g]) >= 0.005:
        was, now = f"{before.weights[g]:.0%}", f"{after.weights[g]:.0%}"
        if was == now:
            sentences.append(f"{hill_title(g)} stayed at {now} of the data.")
        else:
            verb = "grew" if grow[g] > 0 else "shrank"
            sentences.append(f"{hill_title(g)} {verb} from {was} to {now} of the data.")
    lls = view.log_likelihoods
    t = view.iteration
    sentences.append(
        f"Log-likelihood per point: {lls[t - 1]:.4f} → {lls[t]:.4f} "
        f"({lls[t] - lls[t - 1]:+.2g})."
    )
    return (
        f"**M-step {t}: move and reshape the hills.** "
        + " ".join(sentences)
        + _stuck(view)
    )


def _stacked_guess(view: View) -> str:
    """At a guess whose hills are nearly one hill: say so, with the numbers."""
    params = view.params
    if not hills_stacked(params, data_spread(view)):
        return ""
    return (
        f" All {params.n_components} tops start within {top_gap(params.means):.2g} "
        f"of each other, on hills about {data_spread(view):.2g} wide: nearly one "
        "hill drawn several times, so every point will give each almost the same "
        "share."
    )


def _stuck(view: View) -> str:
    """At the end of a run that stopped with its hills stacked: why so soon."""
    step = view.step
    if not (view.is_last and step.stop_reason == "converged"):
        return ""
    if not hills_stacked(step.params, data_spread(view)):
        return ""
    k = step.params.n_components
    lls = view.log_likelihoods
    gain = lls[view.iteration] - lls[view.iteration - 1]
    return (
        f"\n\n**Why so soon?** The {k} hills started as nearly the same hill: "
        f"their tops within {top_gap(view.trail[0]):.2g} of each other, each about "
        f"{data_spread(view):.2g} wide. Every point then gives each hill almost the "
        "same share, so the M-step barely moves them (their tops are now within "
        f"{top_gap(step.params.means):.2g}) and the log-likelihood per point gains "
        f"only {gain:+.2g}, less than `tol`: EM stops on a *saddle*, not on a "
        "hilltop. Random shares start every hill this way, because each hill "
        'averages the whole data; scikit-learn\'s `init_params="random"` stops '
        "here too. A smaller `tol` gives EM more steps to pull them apart; "
        "k-means++ starts them apart."
    )


def _narrowed(view: View, k: int) -> str:
    """How a hill that collapsed in this M-step narrowed."""
    before = view.previous_params
    assert before is not None
    return (
        f"{hill_title(k)} shrank onto "
        f"{share_percent(view.params.weights[k])} of the data: its width fell "
        f"from {hill_width(before, k):.2g} to {hill_width(view.params, k):.2g}."
    )


def stop_message(step: EMStep, tol: float, max_iter: int) -> str:
    """Why the trace ended, for the last position."""
    if step.stop_reason == "converged":
        return (
            f"**Converged** after {plural(step.iteration, 'iteration')}: the last "
            "step raised "
            f"the log-likelihood by less than the tolerance ({tol:g}). The map has "
            "stopped changing."
        )
    if step.stop_reason == "collapsed":
        names = hill_names(step.collapsed)
        k = step.collapsed[0]
        return (
            f"**Stopped: {names} collapsed** at iteration {step.iteration}. "
            f"{hill_title(k)} holds {share_percent(step.params.weights[k])} of the "
            f"data and is {hill_width(step.params, k):.2g} wide, too narrow to "
            "see. Narrower still, its density on its point would keep rising, and "
            "the likelihood with it, without limit (at width 0 it is infinite): a "
            "*singularity*, not a better map. So Fogmap stops here, and the "
            "log-likelihood chart ends at the last finite value, "
            f"{step.mean_log_likelihood:.4f} per point. Fixes: raise `reg_covar` "
            "(it keeps every hill a little wide), choose a simpler covariance type "
            "(spherical or tied), use fewer hills or more data."
        )
    return (
        f"**Stopped at the maximum of {plural(max_iter, 'iteration')}** before the "
        f"log-likelihood settled (tolerance {tol:g}). Raise the maximum to go on."
    )


###############################################################################
# Points and parameters in plain text


def _matrix_text(m: np.ndarray) -> str:
    return "[" + "; ".join(" ".join(f"{a:.3g}" for a in row) for row in m) + "]"


def _covariance_text(params: GMMParams, k: int) -> str:
    c = params.covariances
    if params.covariance_type == "full":
        return _matrix_text(c[k])
    if params.covariance_type == "tied":
        return "shared " + _matrix_text(c)
    if params.covariance_type == "diag":
        return "variances " + point_text(c[k])
    return f"variance {c[k]:.3g}"


def parameter_rows(params: GMMParams, before: GMMParams) -> list[dict[str, str]]:
    """Each hill's weight, mean and covariance, and the change since ``before``.

    Parameters
    ----------
    params : GMMParams
        The hills shown (K of them).
    before : GMMParams
        The hills one iteration earlier (the same ones at iteration 0).

    Returns
    -------
    list of dict
        K rows keyed "hill", "weight", "Δ weight", "mean", "Δ mean", "covariance".
    """
    return [
        {
            "hill": hill_name(k),
            "weight": f"{params.weights[k]:.1%}",
            "Δ weight": f"{params.weights[k] - before.weights[k]:+.1%}",
            "mean": point_text(params.means[k]),
            "Δ mean": point_text(params.means[k] - before.means[k]),
            "covariance": _covariance_text(params, k),
        }
        for k in range(params.n_components)
    ]


def collapse_rise_words(rise: CollapseRise) -> str:
    """The collapse lab's chart in words, from the chart's own numbers.

    Parameters
    ----------
    rise : CollapseRise

    Returns
    -------
    str
        Markdown.
    """
    name = hill_name(rise.hill)
    em_w, em_ll = rise.em_widths, rise.em_log_likelihoods
    last = len(em_w) - 1
    before = f" (one iteration earlier it was {em_w[-2]:.2g} wide)" if last >= 1 else ""
    return (
        f"EM stopped at iteration {last} with {name} {em_w[-1]:.2g} wide{before}, "
        f"at {em_ll[-1]:.4f} per point. Dotted: the same hills with {name} "
        f"narrowed on: at {rise.widths[-1]:.2g} wide the log-likelihood would be "
        f"{rise.log_likelihoods[-1]:.4f}, and every tenfold narrowing adds "
        f"{rise.per_decade:.4f} per point. A straight climb on this scale never "
        "levels off: at width 0 the likelihood is infinite. There is no top to "
        "reach, only a *singularity*."
    )
