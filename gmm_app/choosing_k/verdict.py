"""Choosing K in words: which K each criterion prefers, and why BIC stops where it does.

Words from the numbers of :mod:`gmm_app.choosing_k.model` (Markdown strings); the
penalties come from :func:`gmm_core.bic_penalty` and :func:`gmm_core.aic_penalty`.
No Streamlit, no Plotly.
"""

from __future__ import annotations

from collections.abc import Sequence

from gmm_app.choosing_k.model import TypeSweep
from gmm_app.words import plural, score, type_label
from gmm_core import aic_penalty, bic_penalty


def _penalty_words(n_samples: int) -> str:
    ln_n = bic_penalty(1, n_samples)
    if ln_n > aic_penalty(1):
        return (
            f"AIC's penalty is lighter (2 per parameter, against BIC's "
            f"ln N = ln {n_samples:,} ≈ {ln_n:.1f}), so it lets more hills in"
        )
    return (
        f"with only {n_samples} points BIC's penalty (ln N ≈ {ln_n:.1f} per "
        "parameter) is lighter than AIC's 2"
    )


def _hills(k: int) -> str:
    """ "hill" or "hills", as K needs."""
    return plural(k, "hill", show_n=False)


def _pair_words(bic_k: int, aic_k: int, n_samples: int) -> str:
    """ "BIC prefers 3 hills, AIC prefers 4: ..." or "both prefer 3"."""
    if bic_k == aic_k:
        return f"**BIC and AIC both prefer {bic_k} {_hills(bic_k)}.**"
    return (
        f"**BIC prefers {bic_k} {_hills(bic_k)}, AIC prefers {aic_k}:** "
        f"{_penalty_words(n_samples)}."
    )


def _icl_words(icl_k: int, bic_k: int) -> str:
    if icl_k == bic_k:
        return (
            f"ICL agrees on {plural(icl_k, 'hill')}: "
            "the hills it finds are well separated."
        )
    return (
        f"ICL prefers {plural(icl_k, 'hill')}: "
        "besides BIC's penalty it charges for points "
        "that sit between hills, so it merges hills that overlap."
    )


def _across_types(sweeps: Sequence[TypeSweep], show_icl: bool) -> list[str]:
    """The headline over several covariance types, then a line per type."""
    n = sweeps[0].n_samples

    def overall(name: str) -> tuple[str, int]:
        best = min(sweeps, key=lambda s: float(s.criteria[name].best.min()))
        return best.covariance_type, best.best_k(name)

    (bic_t, bic_k), (aic_t, aic_k) = overall("BIC"), overall("AIC")
    across = f"Across {len(sweeps)} covariance types"
    if (bic_t, bic_k) == (aic_t, aic_k):
        head = f"**{across}, BIC and AIC both prefer {bic_k} {bic_t} {_hills(bic_k)}.**"
    else:
        head = (
            f"**{across}, BIC prefers {bic_k} {bic_t} {_hills(bic_k)}, "
            f"AIC prefers {aic_k} {aic_t} {_hills(aic_k)}.**"
        )
        if aic_k != bic_k:
            words = _penalty_words(n)
            head += f" {words[0].upper()}{words[1:]}."
    paragraphs = [head]
    if show_icl:
        icl_t, icl_k = overall("ICL")
        paragraphs.append(
            f"ICL prefers {icl_k} {icl_t} {_hills(icl_k)}: it also charges "
            "for points that sit between hills."
        )
    per_type = []
    for s in sweeps:
        picks = f"BIC {s.best_k('BIC')}, AIC {s.best_k('AIC')}"
        if show_icl:
            picks += f", ICL {s.best_k('ICL')}"
        per_type.append(f"- {type_label(s.covariance_type)}: {picks}")
    paragraphs.append("\n".join(per_type))
    return paragraphs


def verdict(
    sweeps: Sequence[TypeSweep],
    *,
    true_k: int | None,
    show_icl: bool,
    k_max: int,
) -> str:
    """The best K by each criterion, in words (Markdown).

    With several covariance types, the headline names the best (type, K) over
    all of them, and a line per type follows.

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
    if true_k is not None:
        paragraphs.append(
            f"The data was drawn from **{true_k} groups** (the dashed line)."
            if true_k <= k_max
            else f"The data was drawn from {true_k} groups, more than the largest "
            "K tried."
        )
    edge = [s for s in sweeps if s.best_k("BIC") == s.ks.max() and s.ks.max() > 1]
    if edge:
        paragraphs.append(
            f"BIC is still falling at K = {int(edge[0].ks.max())} "
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


def razor_words(s: TypeSweep) -> str:
    """Why BIC stops adding hills where it does, with this sweep's numbers.

    Parameters
    ----------
    s : TypeSweep

    Returns
    -------
    str
        Markdown.
    """
    intro = (
        "Grey: how badly the hills fit (−2 ln L), drawn from the best fit up. It "
        "only shrinks as hills are added: more hills always fit at least as well. "
        "Coloured: the price of the parameters, the same p for both criteria but "
        f"{s.bic_per_parameter:.1f} each under BIC (ln N) against 2 under AIC."
    )
    b = s.best_k("BIC")
    if b == s.ks.max() or len(s.ks) < 2:
        return intro
    i = s.index(b)
    gain = float(s.fit_term[i] - s.fit_term[i + 1])
    extra = int(s.n_parameters[i + 1] - s.n_parameters[i])
    k_next = int(s.ks[i + 1])
    verdict_aic = "worth it" if gain > aic_penalty(extra) else "not worth it either"
    return (
        f"{intro}\n\nFrom {plural(b, 'hill')} to {k_next}: the fit improves by "
        f"{score(gain)}, but {extra} more parameters cost "
        f"{score(bic_penalty(extra, s.n_samples))} under BIC (not worth it) and "
        f"{score(aic_penalty(extra))} under AIC ({verdict_aic})."
    )
