"""Choosing K in words: which K each criterion prefers, and why BIC stops where it does.

Words from the numbers of :mod:`gmm_app.choosing_k.model` (Markdown strings); the
penalties come from :func:`gmm_core.bic_penalty` and :func:`gmm_core.aic_penalty`.
Every sentence that describes the numbers is chosen by them: a fit that "never
gets worse" is said only when it does not, a curve that "keeps rising" only when
it does (``tests/app/test_choosing_k_words.py`` checks each against the numbers).
No Streamlit, no Plotly.
"""

from __future__ import annotations

from collections.abc import Sequence

from gmm_app.choosing_k.model import TypeSweep
from gmm_app.words import and_list, plural, score, type_label
from gmm_core import aic_penalty, bic_penalty
from gmm_core.selection import POINTS_PER_NUMBER


def log_l(value: float) -> str:
    """A log-likelihood for text, to the table's two decimals: "−1,470.50"."""
    return f"{value:,.2f}".replace("-", "−")


def _hills(k: int) -> str:
    """ "hill" or "hills", as K needs."""
    return plural(k, "hill", show_n=False)


def _penalty_words(n_samples: int, more_hills: bool) -> str:
    """Why the two criteria differ; ``more_hills``: AIC's pick has more hills."""
    ln_n = bic_penalty(1, n_samples)
    if ln_n > aic_penalty(1):
        lets_in = "more hills" if more_hills else "more parameters"
        return (
            f"AIC's penalty is lighter (2 per parameter, against BIC's "
            f"ln N = ln {n_samples:,} ≈ {ln_n:.1f}), so it lets {lets_in} in"
        )
    return (
        f"with only {n_samples} points BIC's penalty (ln N ≈ {ln_n:.1f} per "
        "parameter) is lighter than AIC's 2"
    )


def _pair_words(bic_k: int, aic_k: int, n_samples: int) -> str:
    """ "BIC prefers 3 hills, AIC prefers 4: ..." or "both prefer 3"."""
    if bic_k == aic_k:
        return f"**BIC and AIC both prefer {bic_k} {_hills(bic_k)}.**"
    return (
        f"**BIC prefers {bic_k} {_hills(bic_k)}, AIC prefers {aic_k}:** "
        f"{_penalty_words(n_samples, aic_k > bic_k)}."
    )


def _icl_words(icl_k: int, bic_k: int) -> str:
    if icl_k == bic_k:
        return (
            f"ICL agrees on {plural(icl_k, 'hill')}: charging for points that sit "
            "between hills does not change the pick."
        )
    if icl_k < bic_k:
        return (
            f"ICL prefers {plural(icl_k, 'hill')}: "
            "besides BIC's penalty it charges for points "
            "that sit between hills, so it merges hills that overlap."
        )
    return (
        f"ICL prefers {plural(icl_k, 'hill')}, more than BIC: its charge for points "
        f"between hills is smaller there than at {bic_k}, where hills overlap more."
    )


def _overall(sweeps: Sequence[TypeSweep], name: str) -> TypeSweep:
    """The sweep holding the lowest value of criterion ``name`` over every type."""
    return min(sweeps, key=lambda s: float(s.criteria[name].best.min()))


def _across_types(sweeps: Sequence[TypeSweep], show_icl: bool) -> list[str]:
    """The headline over several covariance types, then a line per type."""
    n = sweeps[0].n_samples
    bic_s, aic_s = _overall(sweeps, "BIC"), _overall(sweeps, "AIC")
    bic_t, bic_k = bic_s.covariance_type, bic_s.best_k("BIC")
    aic_t, aic_k = aic_s.covariance_type, aic_s.best_k("AIC")
    across = f"Across {len(sweeps)} covariance types"
    if (bic_t, bic_k) == (aic_t, aic_k):
        head = f"**{across}, BIC and AIC both prefer {bic_k} {bic_t} {_hills(bic_k)}.**"
    else:
        head = (
            f"**{across}, BIC prefers {bic_k} {bic_t} {_hills(bic_k)}, "
            f"AIC prefers {aic_k} {aic_t} {_hills(aic_k)}.**"
        )
        p_bic = int(bic_s.n_parameters[bic_s.index(bic_k)])
        p_aic = int(aic_s.n_parameters[aic_s.index(aic_k)])
        if p_aic != p_bic:
            words = _penalty_words(n, aic_k > bic_k)
            head += f" {words[0].upper()}{words[1:]}."
    paragraphs = [head]
    if show_icl:
        icl_s = _overall(sweeps, "ICL")
        icl_k = icl_s.best_k("ICL")
        paragraphs.append(
            f"ICL prefers {icl_k} {icl_s.covariance_type} {_hills(icl_k)}: it also "
            "charges for points that sit between hills."
        )
    per_type = []
    for s in sweeps:
        picks = f"BIC {s.best_k('BIC')}, AIC {s.best_k('AIC')}"
        if show_icl:
            picks += f", ICL {s.best_k('ICL')}"
        per_type.append(f"- {type_label(s.covariance_type)}: {picks}")
    paragraphs.append("\n".join(per_type))
    return paragraphs


def support_words(s: TypeSweep, k: int, who: str, *, advice: bool = True) -> str | None:
    """A caveat when K hills of this type ask more than the data can support.

    Parameters
    ----------
    s : TypeSweep
    k : int
        A K of the sweep.
    who : str
        Whose choice K is ("BIC's pick", "The fit drawn"...).
    advice : bool
        End with what to try instead (said once per type).

    Returns
    -------
    str or None
        Markdown; None when the points support K.
    """
    if s.supports(k):
        return None
    i = s.index(k)
    need = int(s.points_needed[i])
    ctype = s.covariance_type
    words = (
        f"**{who}, {k} {ctype} {_hills(k)}, asks more than {s.n_samples:,} points "
        f"can support:** its {int(s.n_parameters[i]):,} free parameters include "
        f"{need // POINTS_PER_NUMBER:,} numbers for the hills' centres and shapes, "
        f"which want {need:,} points ({POINTS_PER_NUMBER} per number). Those "
        "numbers are guesses, and another sample would give other ones."
    )
    if not advice:
        return words
    if not s.supported.any():
        return (
            f"{words} Even {plural(int(s.ks[0]), ctype + ' hill')} wants "
            f"{int(s.points_needed[0]):,} points, so every K of this type is "
            "greyed out on the chart: try a simpler covariance type, or fewer "
            "features."
        )
    simpler = "" if ctype == "spherical" else " or a simpler covariance type"
    return (
        f"{words} The greyed K on the chart are beyond the data; fewer "
        f"hills{simpler} rest on firmer ground."
    )


def _support_paragraphs(sweeps: Sequence[TypeSweep], show_icl: bool) -> list[str]:
    """A caveat for every criterion's pick that lands on an unsupported K."""
    out = []
    names = ("BIC", "AIC", "ICL") if show_icl else ("BIC", "AIC")
    for s in sweeps if len(sweeps) == 1 else [_overall(sweeps, n) for n in names]:
        picks: dict[int, list[str]] = {}
        for name in names:
            if len(sweeps) == 1 or _overall(sweeps, name) is s:
                picks.setdefault(s.best_k(name), []).append(f"{name}'s")
        advised = False
        for k, who in picks.items():
            words = support_words(s, k, f"{and_list(who)} pick", advice=not advised)
            if words:
                out.append(words)
                advised = True
    return list(dict.fromkeys(out))


def verdict(
    sweeps: Sequence[TypeSweep],
    *,
    true_k: int | None,
    show_icl: bool,
    k_max: int,
) -> str:
    """The best K by each criterion, in words (Markdown).

    With several covariance types, the headline names the best (type, K) over
    all of them, and a line per type follows. A pick on a K the data cannot
    support (:func:`support_words`) is named with its caveat.

    Parameters
    ----------
    sweeps : sequence of TypeSweep
        At least one.
    true_k : int or None
        The number of groups the data was drawn from, when known.
    show_icl : bool
    k_max : int
        The largest K tried.

    Returns
    -------
    str
    """
    if len(sweeps) == 1:
        s = sweeps[0]
        bic_k, aic_k = s.best_k("BIC"), s.best_k("AIC")
        paragraphs = [_pair_words(bic_k, aic_k, s.n_samples)]
        if show_icl:
            paragraphs.append(_icl_words(s.best_k("ICL"), bic_k))
    else:
        paragraphs = _across_types(sweeps, show_icl)
    paragraphs += _support_paragraphs(sweeps, show_icl)
    if true_k is not None:
        paragraphs.append(
            f"The data was drawn from **{true_k} groups** (the dashed line)."
            if true_k <= k_max
            else f"The data was drawn from {true_k} groups, more than the largest "
            "K tried."
        )
    edge = [s for s in sweeps if s.best_k("BIC") == s.ks.max() == k_max and k_max > 1]
    if edge:
        paragraphs.append(
            f"BIC is still falling at K = {k_max} "
            f"({', '.join(s.covariance_type for s in edge)}): the best K may lie "
            "beyond the largest one tried."
        )
    return "\n\n".join(paragraphs)


def collapsed_words(sweeps: Sequence[TypeSweep]) -> str | None:
    """Which K were left off because every restart collapsed, or None.

    Parameters
    ----------
    sweeps : sequence of TypeSweep

    Returns
    -------
    str or None
        A sentence naming each type's collapsed K; None when there are none.
    """
    collapsed = [
        f"K = {', '.join(str(k) for k in s.collapsed_ks)} ({s.covariance_type})"
        for s in sweeps
        if s.collapsed_ks
    ]
    if not collapsed:
        return None
    return (
        f"Left off: {'; '.join(collapsed)}. Every restart there collapsed (a "
        "hill shrank onto too few points), so its likelihood means nothing."
    )


def fall_words(s: TypeSweep, n_init: int) -> str | None:
    """Where this run's fit got worse with more hills, and why; None if nowhere.

    Parameters
    ----------
    s : TypeSweep
    n_init : int
        The restarts at every K.

    Returns
    -------
    str or None
        Markdown naming each K whose ln L fell below a smaller K's.
    """
    falls = s.falls()
    if not falls:
        return None
    k, before = falls[0]
    ll = s.log_likelihood
    ks = and_list([str(f) for f, _ in falls])
    restarts = plural(n_init, "restart")
    return (
        f"**The fit got worse at K = {ks}.** The best possible fit can only improve "
        "as hills are added (an extra hill could always be given weight 0), but EM "
        f"climbs to the nearest top: with {restarts} at each K, this run found a "
        f"worse local optimum at K = {k} (ln L = {log_l(ll[s.index(k)])}, against "
        f"{log_l(ll[s.index(before)])} at K = {before}). The open rings on the "
        "charts mark it; more restarts or another seed may climb higher."
    )


def razor_words(s: TypeSweep, n_init: int = 1) -> str:
    """Why BIC stops adding hills where it does, with this sweep's numbers.

    Parameters
    ----------
    s : TypeSweep
    n_init : int
        The restarts at every K (named when the fit got worse).

    Returns
    -------
    str
        Markdown.
    """
    fell = fall_words(s, n_init)
    trend = (
        "In this run it never grows as hills are added: more hills fit at least as "
        "well."
        if fell is None
        else "It should never grow as hills are added, but here it does (below)."
    )
    intro = (
        f"Grey: how badly the hills fit (−2 ln L), drawn from the best fit up. "
        f"{trend} Coloured: the price of the parameters, the same p for both "
        f"criteria but {s.bic_per_parameter:.1f} each under BIC (ln N) against 2 "
        "under AIC."
    )
    paragraphs = [intro] if fell is None else [intro, fell]
    b = s.best_k("BIC")
    if b != s.ks.max() and len(s.ks) >= 2:
        i = s.index(b)
        gain = float(s.fit_term[i] - s.fit_term[i + 1])
        extra = int(s.n_parameters[i + 1] - s.n_parameters[i])
        k_next = int(s.ks[i + 1])
        if gain > 0:
            verdict_aic = (
                "worth it" if gain > aic_penalty(extra) else "not worth it either"
            )
            paragraphs.append(
                f"From {plural(b, 'hill')} to {k_next}: the fit improves by "
                f"{score(gain)}, but {extra} more parameters cost "
                f"{score(bic_penalty(extra, s.n_samples))} under BIC (not worth it) "
                f"and {score(aic_penalty(extra))} under AIC ({verdict_aic})."
            )
        else:
            paragraphs.append(
                f"From {plural(b, 'hill')} to {k_next}: the fit gets worse by "
                f"{score(-gain)} and {extra} more parameters cost more, so "
                f"{k_next} loses under every criterion."
            )
    return "\n\n".join(paragraphs)


def heldout_words(sweeps: Sequence[TypeSweep], n_fitting: int, n_out: int) -> str:
    """What the held-out chart shows, in words chosen by its numbers.

    Parameters
    ----------
    sweeps : sequence of TypeSweep
        From a held-out sweep (``heldout`` set).
    n_fitting, n_out : int
        Points fitted on, points held out.

    Returns
    -------
    str
        Markdown.
    """
    best = ", ".join(
        f"{s.covariance_type} at {plural(s.best_heldout_k(), 'hill')}" for s in sweeps
    )
    lines = [
        f"Fitted on {n_fitting:,} points and scored on the other {n_out:,}, which "
        f"the fit never saw, the mixture does best on new points with **{best}**."
    ]
    fell = [s for s in sweeps if s.falls()]
    if not fell:
        lines.append(
            "The dotted curves (the fitting points) never fall as hills are added."
        )
    else:
        where = "; ".join(
            f"K = {and_list([str(k) for k, _ in s.falls()])} ({s.covariance_type})"
            for s in fell
        )
        lines.append(
            "The dotted curves (the fitting points) should never fall as hills are "
            f"added, but this run's do at {where}: a worse local optimum there."
        )
    peaked = [s for s in sweeps if s.best_heldout_k() < int(s.ks.max())]
    rising = [s for s in sweeps if s.best_heldout_k() == int(s.ks.max())]
    if peaked:
        lines.append(
            "The solid ones (new points) are highest at "
            + ", ".join(
                f"K = {s.best_heldout_k()} ({s.covariance_type})" for s in peaked
            )
            + " and no higher at any larger K: beyond it, the extra hills fit "
            "quirks of the fitting points that new points do not share."
        )
    if rising:
        k_top = int(rising[0].ks.max())
        lines.append(
            f"The solid ones are still highest at the largest K, {k_top} "
            f"({', '.join(s.covariance_type for s in rising)}): more hills still "
            "help on new points, so the best K may lie beyond it."
        )
    return " ".join(lines)
