"""Words the pages share: hill names, the fog sentence, safe text (no Streamlit)."""

from __future__ import annotations

import re
import string

import numpy as np

_MARKDOWN_SPECIALS = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:])")


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
        Shares below this are left out.

    Returns
    -------
    str
    """
    order = np.argsort(resp_row)[::-1]
    parts = [
        f"{resp_row[k]:.0%} {hill_name(int(k))}"
        for k in order
        if resp_row[k] >= min_share or k == order[0]
    ]
    return ", ".join(parts)


def md_escape(text: str) -> str:
    """Escape Markdown so text from a student's file shows literally."""
    return _MARKDOWN_SPECIALS.sub(r"\\\1", str(text))
