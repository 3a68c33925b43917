"""Covariance shapes' "Check yourself" questions: numbers and words (no Streamlit).

Every question is built from the four fits on screen (their parameters, counts and
scores), so its answer follows the data, K and the seed. The panel that asks them
is :mod:`gmm_app.shapes.checks_panel`.

Aimed at what students of mixtures get wrong:

* **how many free parameters does diag have here?** (what a type costs: the other
  types' counts are the wrong answers);
* **which type wins by BIC on this data?** (more freedom always fits at least as
  well, but BIC charges for it);
* **are the tied hills identical?** (one shared shape, yet each its own top and
  weight);
* **do the spherical hills all have the same width?** (a spherical GMM is not
  K-Means: each hill has its own width and weight);
* **is the collapsed type, propped up by reg_covar, the better fit?** (a
  collapsed hill's huge likelihood is a singularity, not a great fit; asked about
  the "What goes wrong" demo when it shows one).
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from gmm_app.questions import Check
from gmm_app.shapes.model import REG_COVAR, TYPES, TypeFit
from gmm_app.words import (
    hill_name,
    hill_names,
    plural,
    point_text,
    score,
    share_percent,
)
from gmm_core import bic_penalty
from gmm_core.shapes import narrowest_variance, parameter_count

# Spherical hills whose widths differ less than this (widest over narrowest
# standard deviation) count as "the same width".
SAME_WIDTH = 1.1


def _ln_l(fit: TypeFit | str) -> float:
    """ln L per point of a fit (-inf for one that failed)."""
    return fit.mean_log_likelihood if isinstance(fit, TypeFit) else -np.inf


def _usable(fits: Mapping[str, TypeFit | str]) -> dict[str, TypeFit]:
    return {
        t: f for t, f in fits.items() if isinstance(f, TypeFit) and not f.did_collapse
    }


###############################################################################
# The questions


def parameters_check(n_components: int, n_features: int, asked: str = "diag") -> Check:
    """How many free parameters does type ``asked`` have with K hills in D features?

    The options are the four types' counts (fewest first; equal counts once).

    Parameters
    ----------
    n_components : int
        K.
    n_features : int
        D.
    asked : {"full", "tied", "diag", "spherical"}

    Returns
    -------
    Check
    """
    k, d = int(n_components), int(n_features)
    counts = {t: parameter_count(k, d, t) for t in TYPES}  # type: ignore[arg-type]
    totals = sorted({c.total for c in counts.values()})
    mine = counts[asked]
    whose = {total: [t for t in TYPES if counts[t].total == total] for total in totals}
    wrong = tuple(
        ""
        if total == mine.total
        else f"{total} is what {' and '.join(whose[total])} "
        f"{'costs' if len(whose[total]) == 1 else 'cost'} here."
        for total in totals
    )
    covariance = {
        "spherical": f"{k} variances (one per hill)",
        "diag": f"{k} × {d} = {mine.covariance} variances (one per feature per hill)",
        "full": f"{k} × {d}·{d + 1}/2 = {mine.covariance} covariance numbers",
        "tied": f"{d}·{d + 1}/2 = {mine.covariance} numbers of one shared covariance",
    }[asked]
    return Check(
        key="check_cs_params",
        prompt=f"With K = {k} hills and D = {d} "
        f"{'feature' if d == 1 else 'features'}, how many free parameters does "
        f"**{asked}** have?",
        options=tuple(str(t) for t in totals),
        answers=(totals.index(mine.total),),
        why=(
            f"{asked}: {covariance} + {k} × {d} = {mine.means} mean coordinates + "
            f"{mine.weights} free {'weight' if mine.weights == 1 else 'weights'} "
            f"(the {k} weights sum to 1) = **{mine.total}**.",
        ),
        wrong=wrong,
    )


def bic_check(fits: Mapping[str, TypeFit | str]) -> Check | None:
    """Which covariance type has the lowest BIC on this data?

    Parameters
    ----------
    fits : mapping of str to TypeFit or str
        The four fits on screen (a str where a fit failed).

    Returns
    -------
    Check or None
        None when fewer than two types fitted without collapsing.
    """
    ok = _usable(fits)
    if len(ok) < 2:
        return None
    bic = {t: f.criteria.bic for t, f in ok.items()}
    best = min(bic.values())
    slack = 1e-6 * max(1.0, abs(best))
    options = tuple(t for t in TYPES if t in ok)
    answers = tuple(i for i, t in enumerate(options) if bic[t] <= best + slack)
    winner = options[answers[0]]
    scores = ", ".join(f"{t} {score(bic[t])}" for t in options)
    lnl = {t: f.criteria.log_likelihood for t, f in ok.items()}
    richest = max(options, key=lambda t: lnl[t])
    n = ok[winner].criteria.n_samples
    wrong = []
    for t in options:
        if t == richest and t != winner:
            extra = ok[t].criteria.n_parameters - ok[winner].criteria.n_parameters
            gain = lnl[t] - lnl[winner]
            wrong.append(
                f"{t} fits best (ln L {score(lnl[t])} against {score(lnl[winner])}), "
                f"but its {plural(extra, 'extra parameter')} cost "
                f"{score(bic_penalty(extra, n))} in BIC and the fit gains only "
                f"{score(2 * gain)}."
            )
        else:
            wrong.append("")
    return Check(
        key="check_cs_bic",
        prompt="Which covariance type wins by **BIC** (the lowest) on this data?",
        options=options,
        answers=answers,
        why=(
            f"BIC here: {scores}. Lowest: **{winner}**.",
            "BIC = −2 ln L + p ln N: more freedom always fits at least as well, "
            f"but each parameter costs ln N = {bic_penalty(1, n):.2f}.",
        ),
        wrong=tuple(wrong),
    )


def tied_check(fit: TypeFit | str) -> Check | None:
    """Are the tied hills identical?

    Parameters
    ----------
    fit : TypeFit or str
        The tied fit on screen.

    Returns
    -------
    Check or None
        None for one hill, or when the tied fit failed.
    """
    if not isinstance(fit, TypeFit) or fit.params.n_components < 2:
        return None
    p = fit.params
    spread = float(np.sqrt(np.trace(np.atleast_2d(p.covariances))))
    apart = float(
        max(np.linalg.norm(a - b) for a in p.means for b in p.means)
    )  # the two tops furthest apart
    same = apart <= 1e-6 * max(spread, 1e-12) and np.ptp(p.weights) < 1e-3
    tops = "; ".join(
        f"{hill_name(k)} at {point_text(m)}, weight {share_percent(float(w))}"
        for k, (m, w) in enumerate(zip(p.means, p.weights, strict=True))
    )
    return Check(
        key="check_cs_tied",
        prompt="**tied** hills share one covariance. Are the tied hills here "
        "identical?",
        options=(
            "Yes: one covariance, so one and the same hill",
            "No: the same shape, but each its own top and weight",
        ),
        answers=(0 if same else 1,),
        why=(
            f"The tied hills: {tops}.",
            "Tied shares only the width and tilt: the same hill shape, moved to "
            "different places and mixed in different amounts.",
        ),
        wrong=("Look at where the tied panel's hill tops are.", ""),
    )


def spherical_check(fit: TypeFit | str) -> Check | None:
    """Do all the spherical hills have the same width?

    Parameters
    ----------
    fit : TypeFit or str
        The spherical fit on screen.

    Returns
    -------
    Check or None
        None for one hill, or when the spherical fit failed.
    """
    if not isinstance(fit, TypeFit) or fit.params.n_components < 2:
        return None
    p = fit.params
    sds = np.sqrt(np.asarray(p.covariances, dtype=float))
    same = float(sds.max() / sds.min()) < SAME_WIDTH if sds.min() > 0 else False
    widths = ", ".join(
        f"{hill_name(k)} {sd:.3g} (weight {share_percent(float(w))})"
        for k, (sd, w) in enumerate(zip(sds, p.weights, strict=True))
    )
    return Check(
        key="check_cs_round",
        prompt="**spherical** hills are round, like the clusters K-Means is often "
        "pictured with. Do the spherical hills here all have the same width?",
        options=("Yes, all the same width", "No, each its own width"),
        answers=(0 if same else 1,),
        why=(
            f"Their widths (standard deviations): {widths}.",
            "Each spherical hill learns its own width and weight; K-Means has "
            "neither and gives every point to the nearest centre. A spherical "
            "GMM is not K-Means.",
        ),
        wrong=("", ""),
    )


def collapse_check(
    results: Mapping[tuple[str, float], TypeFit | str],
) -> Check | None:
    """Is the type that collapsed, propped up by reg_covar, the better fit?

    Asked when the demo shows the trap: a type that collapsed without reg_covar
    scores a higher ln L per point with it than a type that never collapsed.

    Parameters
    ----------
    results : mapping of (str, float) to TypeFit or str
        The demo's fits by (covariance type, reg_covar), reg_covar 0 and
        :data:`~gmm_app.shapes.model.REG_COVAR`
        (:func:`gmm_app.shapes.caches.demo_fits`).

    Returns
    -------
    Check or None
        None when the demo does not show the trap.
    """

    def fitted(t: str, reg: float) -> TypeFit | None:
        f = results.get((t, reg))
        return f if isinstance(f, TypeFit) else None

    propped = [
        t
        for t in TYPES
        if (bad := fitted(t, 0.0)) is not None
        and bad.did_collapse
        and (fixed := fitted(t, REG_COVAR)) is not None
        and not fixed.did_collapse
    ]
    sound = [
        t for t in TYPES if (f := fitted(t, 0.0)) is not None and not f.did_collapse
    ]
    if not propped or not sound:
        return None
    with_floor = {t: results[t, REG_COVAR] for t in propped}
    without = {t: results[t, 0.0] for t in sound}
    a = max(propped, key=lambda t: _ln_l(with_floor[t]))
    b = max(sound, key=lambda t: _ln_l(without[t]))
    high, low, broke = with_floor[a], without[b], results[a, 0.0]
    assert isinstance(high, TypeFit) and isinstance(low, TypeFit)
    assert isinstance(broke, TypeFit)
    if high.mean_log_likelihood <= low.mean_log_likelihood:
        return None
    return Check(
        key="check_cs_collapse",
        prompt=f"In the demo above, **{a}** with reg_covar = {REG_COVAR:g} scores "
        f"ln L per point **{high.mean_log_likelihood:.2f}**, above **{b}**'s "
        f"**{low.mean_log_likelihood:.2f}** ({b} never collapsed). Is {a} the "
        "better fit?",
        options=(
            "Yes: a higher likelihood is a better fit",
            "No: its likelihood comes from a hill squeezed flat",
        ),
        answers=(1,),
        why=(
            f"Without reg_covar, {a} collapsed at iteration {broke.n_iter}: "
            f"{hill_names(broke.collapsed)} lost all width in some direction and "
            "the likelihood ran off to infinity.",
            f"With it, {a}'s narrowest variance is "
            f"{narrowest_variance(high.params):.2g}: the floor reg_covar sets, not "
            "a width the data has. A collapsed hill's huge likelihood is a "
            "singularity, not a great fit.",
        ),
        wrong=(
            "Likelihoods only compare fits whose hills all keep some width.",
            "",
        ),
    )


def shapes_checks(
    fits: Mapping[str, TypeFit | str], n_components: int, n_features: int
) -> list[Check]:
    """The page's questions for the four fits on screen (those that can be asked).

    Parameters
    ----------
    fits : mapping of str to TypeFit or str
    n_components : int
    n_features : int

    Returns
    -------
    list of Check
    """
    checks = [
        parameters_check(n_components, n_features),
        bic_check(fits),
        tied_check(fits.get("tied", "")),
        spherical_check(fits.get("spherical", "")),
    ]
    return [c for c in checks if c is not None]
