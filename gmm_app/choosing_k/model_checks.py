"""Choosing K's "Check yourself" questions: numbers and words (no Streamlit).

Every question is built from the sweep on screen (its log-likelihoods, parameter
counts and criteria), so its answer follows the data, the types, the K range and
the seed. The panel that asks them is :mod:`gmm_app.choosing_k.checks_panel`;
while the first is unanswered the page hides the criteria's stars and verdict.

Aimed at what students of mixtures get wrong:

* **which K will BIC pick?** (read the curve before the star says it);
* **which K fits best (highest log-likelihood)?** (more hills always fit at least
  as well, so the fit alone always asks for more: more hills are not better);
* **what does one more hill cost in BIC here?** (the charge per parameter, ln N,
  times the parameters a hill adds).
"""

from __future__ import annotations

import numpy as np

from gmm_app.choosing_k.model import TypeSweep
from gmm_app.questions import Check
from gmm_app.words import plural, score
from gmm_core import aic_penalty, bic_penalty


def _k_options(sweep: TypeSweep) -> tuple[str, ...]:
    return tuple(f"K = {int(k)}" for k in sweep.ks)


def _k_wrong(sweep: TypeSweep, notes: dict[int, str]) -> tuple[str, ...]:
    """What a wrong pick of each K hears (``""`` for the plain "not quite")."""
    return tuple(notes.get(i, "") for i in range(len(sweep.ks)))


###############################################################################
# The questions

BIC_KEY = "check_ck_bic"


def bic_k_check(sweep: TypeSweep) -> Check | None:
    """Which K will BIC pick for this type?

    Parameters
    ----------
    sweep : TypeSweep
        The first type on the chart.

    Returns
    -------
    Check or None
        None when the sweep has a single K.
    """
    if len(sweep.ks) < 2:
        return None
    bic = sweep.criteria["BIC"].best
    best = sweep.best_k("BIC")
    i = sweep.index(best)
    near = [j for j in (i - 1, i, i + 1) if 0 <= j < len(sweep.ks)]
    values = ", ".join(f"K = {int(sweep.ks[j])}: {score(float(bic[j]))}" for j in near)
    ll = sweep.log_likelihood
    top = int(np.argmax(ll))
    notes: dict[int, str] = {}
    if int(sweep.ks[top]) != best:
        notes[top] = (
            f"K = {int(sweep.ks[top])} fits best (highest ln L), but its "
            f"{int(sweep.n_parameters[top])} parameters cost "
            f"{score(float(sweep.bic_penalty[top]))} in BIC against "
            f"{score(float(sweep.bic_penalty[i]))} at K = {best}."
        )
    return Check(
        key=BIC_KEY,
        prompt=f"Look at the **BIC** line of **{sweep.covariance_type}**. Which K "
        "will BIC pick?",
        options=_k_options(sweep),
        answers=(i,),
        why=(
            f"BIC around its lowest: {values}. The lowest is at K = {best}.",
            "BIC = −2 ln L + p ln N: up to that K each extra hill buys more fit "
            "than its parameters cost; past it, less.",
        ),
        wrong=_k_wrong(sweep, notes),
    )


def likelihood_check(sweep: TypeSweep) -> Check | None:
    """Which K has the highest log-likelihood (the best fit before any charge)?

    Parameters
    ----------
    sweep : TypeSweep

    Returns
    -------
    Check or None
        None when the sweep has a single K.
    """
    if len(sweep.ks) < 2:
        return None
    ll = sweep.log_likelihood
    top = int(np.argmax(ll))
    k_top = int(sweep.ks[top])
    k_bic = sweep.best_k("BIC")
    why = [
        f"ln L is {score(float(ll[0]))} at K = {int(sweep.ks[0])} and "
        f"{score(float(ll[-1]))} at K = {int(sweep.ks[-1])}; highest at "
        f"K = {k_top} ({score(float(ll[top]))}).",
        "The best fit with more hills is always at least as good (a hill can "
        "be given weight 0), so the fit alone always asks for more hills. "
        f"BIC, which charges for them, picks K = {k_bic}.",
    ]
    falls = sweep.falls()
    if falls:
        k, before = falls[0]
        why.append(
            f"Where it dips (K = {k} below K = {before}), this run's restarts "
            "stopped on a worse local optimum: a better fit exists."
        )
    i_bic = sweep.index(k_bic)
    notes: dict[int, str] = {}
    if i_bic != top:
        notes[i_bic] = (
            f"K = {k_bic} is BIC's pick, the best trade; it does not fit best."
        )
    return Check(
        key="check_ck_fit",
        prompt=f"For **{sweep.covariance_type}**, which K has the **highest "
        "log-likelihood** ln L (the best fit, before any charge for parameters)?",
        options=_k_options(sweep),
        answers=(top,),
        why=tuple(why),
        wrong=_k_wrong(sweep, notes),
    )


def hill_cost_check(sweep: TypeSweep) -> Check | None:
    """What does one more hill add to BIC's charge here?

    Asked from the sweep's first K to the next: the parameters added times ln N.

    Parameters
    ----------
    sweep : TypeSweep

    Returns
    -------
    Check or None
        None when the sweep has a single K.
    """
    if len(sweep.ks) < 2:
        return None
    k0, k1 = int(sweep.ks[0]), int(sweep.ks[1])
    added = int(sweep.n_parameters[1] - sweep.n_parameters[0])
    n = sweep.n_samples
    bic = bic_penalty(added, n)
    aic = aic_penalty(added)
    per = bic_penalty(1, n)
    values = {score(bic): bic, score(aic): aic, f"{added:,}": float(added)}
    texts = list(values)  # BIC's, AIC's, the count (equal texts once)
    options = tuple(sorted(texts, key=values.__getitem__))  # smallest first
    hills = "one more hill" if k1 == k0 + 1 else f"{k1 - k0} more hills"
    wrong = tuple(
        ""
        if text == score(bic)
        else "That is AIC's charge: 2 per parameter."
        if text == score(aic)
        else "That is how many parameters it adds; BIC charges ln N for each."
        for text in options
    )
    return Check(
        key="check_ck_cost",
        prompt=f"Going from K = {k0} to K = {k1} **{sweep.covariance_type}** hills "
        f"on these {n:,} points, how much does **BIC's charge** for parameters "
        "grow?",
        options=options,
        answers=(options.index(score(bic)),),
        why=(
            f"{hills.capitalize()} adds {plural(added, 'free parameter')} "
            f"({int(sweep.n_parameters[0])} → {int(sweep.n_parameters[1])}). BIC "
            f"charges ln N = ln {n:,} = {per:.2f} for each: {added} × {per:.2f} = "
            f"{score(bic)}. AIC charges 2 each: {score(aic)}.",
            "The fit must improve −2 ln L by more than that for the extra hill to win.",
        ),
        wrong=wrong,
    )


def choosing_k_checks(sweeps: list[TypeSweep]) -> list[Check]:
    """The page's questions about the first type swept (those that can be asked).

    Parameters
    ----------
    sweeps : list of TypeSweep
        In the chart's order.

    Returns
    -------
    list of Check
    """
    if not sweeps:
        return []
    first = sweeps[0]
    checks = [bic_k_check(first), likelihood_check(first), hill_cost_check(first)]
    return [c for c in checks if c is not None]
