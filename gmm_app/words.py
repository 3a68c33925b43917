"""Every label and formatter the pages share, once (no Streamlit, no Plotly).

Hill names, covariance-type labels, counts with plurals, milliseconds, numbers for
text and for LaTeX, the fog sentence and Markdown-safe text. A lesson that needs a
new way to say a number adds it here, so two pages never say the same thing two ways.

Imports: numpy, and :func:`gmm_core.errors.plural` (core messages count too).
"""

from __future__ import annotations

import math
import re
import string
from collections.abc import Sequence

import numpy as np

from gmm_core.errors import plural as plural  # the one home: messages need it too

_MARKDOWN_SPECIALS = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:])")
_LN10 = math.log(10.0)

# What each covariance type lets a hill be, in the explorer's words (simplest first).
COVARIANCE_PICTURES = {
    "spherical": "perfect domes",
    "diag": "oval domes, no tilt",
    "full": "any hill",
    "tied": "clone hills",
}


def hill_name(k: int) -> str:
    """The name of component ``k`` as students see it: hill A, hill B, ..."""
    letters = string.ascii_uppercase
    return f"hill {letters[k]}" if k < len(letters) else f"hill {k + 1}"


def hill_title(k: int) -> str:
    """``hill_name`` at the start of a sentence: Hill A, Hill B, ..."""
    name = hill_name(k)
    return name[0].upper() + name[1:]


def fog_sentence(resp_row: np.ndarray, min_share: float = 0.005) -> str:
    """A point's soft assignment in words: "72% hill A, 25% hill B, 3% hill C".

    Parameters
    ----------
    resp_row : ndarray of shape (K,)
        One point's responsibilities.
    min_share : float
        Shares below this are left out (except the largest).

    Returns
    -------
    str
    """
    return fog_sentences(np.asarray(resp_row)[None, :], min_share)[0]


def fog_sentences(probs: np.ndarray, min_share: float = 0.005) -> list[str]:
    """Every point's soft assignment in words, one sentence per row.

    Parameters
    ----------
    probs : ndarray of shape (N, K)
    min_share : float
        Shares below this are left out (except the largest).

    Returns
    -------
    list of str, length N
        "72% hill A, 25% hill B, 3% hill C".
    """
    order = np.argsort(probs, axis=1)[:, ::-1]
    ranked = np.take_along_axis(probs, order, axis=1)
    names = [hill_name(k) for k in range(probs.shape[1])]
    out = []
    for values, hills in zip(ranked.tolist(), order.tolist(), strict=True):
        parts = [f"{values[0]:.0%} {names[hills[0]]}"]
        parts += [
            f"{v:.0%} {names[h]}"
            for v, h in zip(values[1:], hills[1:], strict=True)
            if v >= min_share
        ]
        out.append(", ".join(parts))
    return out


def md_escape(text: str) -> str:
    """Escape Markdown so text from a student's file shows literally."""
    return _MARKDOWN_SPECIALS.sub(r"\\\1", str(text))


def type_label(covariance_type: str) -> str:
    """ "spherical: perfect domes", "full: any hill" and so on."""
    return f"{covariance_type}: {COVARIANCE_PICTURES[covariance_type]}"


def and_list(items: Sequence[str]) -> str:
    """Items in a sentence: "a", "a and b", "a, b and c"."""
    items = list(items)
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def hill_names(hills: Sequence[int]) -> str:
    """Hills in a sentence.

    "hill A", "hill A and hill C", "hill A, hill B and hill C".
    """
    return and_list([hill_name(k) for k in hills])


def island_name(k: int) -> str:
    """K-Means cluster ``k`` as the lessons call it: island A, island B, ..."""
    return "island" + hill_name(k).removeprefix("hill")


def point_text(point: np.ndarray | Sequence[float]) -> str:
    """A point or a vector for a caption or a table: "(1.23, -0.5)".

    Parameters
    ----------
    point : array-like of shape (D,)

    Returns
    -------
    str
    """
    return "(" + ", ".join(f"{a:.3g}" for a in np.atleast_1d(point)) + ")"


def milliseconds(seconds: float) -> str:
    """A duration for a caption: "12 ms", or "under 1 ms"."""
    return f"{seconds * 1000:.0f} ms" if seconds >= 0.001 else "under 1 ms"


def share_percent(share: float, most_decimals: int = 2) -> str:
    """A share as a percentage with the digits that keep it honest.

    Whole percents where they tell the truth ("72%"); more decimals where rounding
    would say 0% or 100% of something that is neither ("0.04%", "99.96%"); and
    "<0.01%" or ">99.99%" past ``most_decimals``.

    Parameters
    ----------
    share : float
        Between 0 and 1.
    most_decimals : int

    Returns
    -------
    str
    """
    percent = 100.0 * float(share)
    if not math.isfinite(percent):
        return "?%"
    if percent <= 0.0 or percent >= 100.0:
        return f"{min(max(percent, 0.0), 100.0):.0f}%"
    for decimals in range(most_decimals + 1):
        text = f"{percent:.{decimals}f}"
        if 0.0 < float(text) < 100.0:
            return f"{text}%"
    edge = 10.0**-most_decimals
    return f"<{edge:g}%" if percent < 50.0 else f">{100.0 - edge:.{most_decimals}f}%"


def score(value: float) -> str:
    """A criterion or log-likelihood for text: one decimal, thousands grouped."""
    return f"{value:,.1f}"


def tiny(value: float) -> str:
    """A setting such as tol or reg_covar as students type it: "1e-3", "0"."""
    return "0" if value == 0 else f"{value:.0e}".replace("e-0", "e-")


# LaTeX: numbers, vectors and matrices for st.latex and st.markdown's $...$.


def sci(value: float, digits: int = 3) -> str:
    """A number for LaTeX; tiny or huge ones as m × 10^e."""
    if value == 0 or not math.isfinite(value):
        return "0" if value == 0 else r"\infty"
    exponent = math.floor(math.log10(abs(value)))
    if -3 <= exponent <= 4:
        return f"{value:.{digits}g}"
    mantissa = value / 10**exponent
    return rf"{mantissa:.{digits}g} \times 10^{{{exponent}}}"


def sci_from_log(log_value: float, digits: int = 3) -> str:
    """``exp(log_value)`` for LaTeX, without underflowing for very small values."""
    if log_value > -600:
        return sci(math.exp(log_value), digits)
    log10 = log_value / _LN10
    exponent = math.floor(log10)
    return rf"{10 ** (log10 - exponent):.{digits}g} \times 10^{{{exponent}}}"


def vector(v: np.ndarray) -> str:
    """A column vector (or a scalar for one feature)."""
    v = np.atleast_1d(v)
    if v.size == 1:
        return sci(float(v[0]))
    return (
        r"\begin{pmatrix}" + r" \\ ".join(sci(float(a)) for a in v) + r"\end{pmatrix}"
    )


def matrix(m: np.ndarray) -> str:
    """A matrix (or a scalar for one feature)."""
    m = np.atleast_2d(m)
    if m.size == 1:
        return sci(float(m[0, 0]))
    rows = [" & ".join(sci(float(a)) for a in row) for row in m]
    return r"\begin{pmatrix}" + r" \\ ".join(rows) + r"\end{pmatrix}"


def aligned(lines: list[str]) -> str:
    """Several formulas as one block, one per line (one KaTeX render, not many)."""
    return r"\begin{gathered}" + r" \\[6pt] ".join(lines) + r"\end{gathered}"
