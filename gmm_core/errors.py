"""Errors the app can show to a student as they are."""

from __future__ import annotations

import numpy as np


class FogmapError(ValueError):
    """Something about the data or the settings that the student can fix.

    The message is written for the student: what went wrong and what to do.
    """


def plural(n: int, word: str, *, show_n: bool = True) -> str:
    """A count and its noun: "1 hill", "3 hills", "1,204 rows".

    With ``show_n=False`` only the noun, in the form the count needs: "hills".
    The one way Fogmap counts things in words (``gmm_app.words`` re-exports it).
    """
    noun = word if n == 1 else f"{word}s"
    return f"{n:,} {noun}" if show_n else noun


def check_data(X: np.ndarray) -> np.ndarray:
    """Check that ``X`` is a non-empty 2-D array of finite numbers.

    Parameters
    ----------
    X : ndarray of shape (N, D)

    Returns
    -------
    ndarray of shape (N, D), float64

    Raises
    ------
    FogmapError
        If ``X`` is empty or holds NaN or infinity.
    """
    X = np.asarray(X, dtype=np.float64)
    if X.ndim != 2 or X.shape[0] == 0 or X.shape[1] == 0:
        raise FogmapError("There is no data to fit: the table has no rows or columns.")
    if not np.all(np.isfinite(X)):
        bad = int((~np.isfinite(X)).any(axis=1).sum())
        raise FogmapError(
            f"{bad} row(s) hold a missing or infinite value. Remove them (or let "
            "Fogmap drop them when it reads your file) and try again."
        )
    return X
