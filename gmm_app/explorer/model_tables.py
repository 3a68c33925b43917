"""What the explorer says about points and hills: words, tables, the selection.

Island names, whole percents, fog sentences, the recipe sentence, the points a
selection on the map holds, the soft-assignment table and the CSV export. No
Streamlit, no Plotly: numpy, pandas, :mod:`gmm_app.words` and :mod:`gmm_core`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from gmm_app.explorer.model import Analysis
from gmm_app.plotting.events import as_int, customdata_rows
from gmm_app.words import hill_name, island_name
from gmm_core import Dataset, GMMParams, soft_assignment_table
from gmm_core.mixture import e_step


def whole_percents(shares: np.ndarray) -> np.ndarray:
    """Shares as whole percents that add up to exactly 100 (largest remainder).

    Parameters
    ----------
    shares : ndarray of shape (K,)
        Non-negative; they are normalised to sum to 1.

    Returns
    -------
    ndarray of int, shape (K,)
        Summing to 100 (all 0 for an empty, zero or non-finite input).
    """
    shares = np.asarray(shares, dtype=np.float64).reshape(-1)
    total = shares.sum()
    if shares.size == 0 or not np.isfinite(total) or total <= 0:
        return np.zeros(shares.size, dtype=int)
    exact = 100.0 * shares / total
    whole = np.floor(exact).astype(int)
    missing = 100 - int(whole.sum())
    # Largest remainders first; ties go to the bigger share, then the first hill.
    order = np.lexsort((np.arange(exact.size), -exact, -(exact - whole)))
    whole[order[:missing]] += 1
    return whole


def recipe_sentence(weights: np.ndarray, names: list[str] | None = None) -> str:
    """The mixing weights in words, largest first, adding up to exactly 100%.

    Parameters
    ----------
    weights : ndarray of shape (K,)
    names : list of str, optional
        Default: hill A, hill B, ...

    Returns
    -------
    str
        "40% hill A, 35% hill B, 25% hill C".
    """
    percents = whole_percents(weights)
    names = names or [hill_name(k) for k in range(len(percents))]
    order = sorted(range(len(percents)), key=lambda k: (-weights[k], k))
    return ", ".join(f"{percents[k]}% {names[k]}" for k in order)


def selected_points(event: object, n_points: int) -> np.ndarray:
    """Row numbers of the points a box, lasso or click selected on the map.

    Point traces carry the row number first in ``customdata``. Plotly hands a row
    of a typed-array ``customdata`` back as a dict keyed "0", "1", ..., a plain
    one as a list, and a single column as a bare number: all are read here.
    Traces without ``customdata`` (hill tops, outlier rings) are ignored.

    Parameters
    ----------
    event : object
        The value of ``st.plotly_chart(..., on_select="rerun")`` (an object with
        a ``selection`` attribute, or a dict with a ``"selection"`` key).
    n_points : int
        Rows outside 0..n_points-1 (a selection left over from other data) are
        dropped.

    Returns
    -------
    ndarray of int, shape (M,)
        Sorted, without repeats.
    """
    rows = (as_int(row[0]) for row in customdata_rows(event))
    found = {i for i in rows if i is not None and 0 <= i < n_points}
    return np.array(sorted(found), dtype=int)


def soft_table(
    data: Dataset,
    an: Analysis,
    probs: np.ndarray,
    outliers: np.ndarray,
    rows: np.ndarray,
) -> pd.DataFrame:
    """One row per point: features, one probability column per hill, and more.

    Parameters
    ----------
    data : Dataset
    an : Analysis
    probs : ndarray of shape (N, K)
        Soft assignments at the current fog.
    outliers : ndarray of int, shape (M,)
    rows : ndarray of int, shape (R,)
        The points to list.

    Returns
    -------
    pandas.DataFrame
        R rows. Columns: point, the features, likeliest hill, P(hill A) ...,
        K-Means island, log-density, outlier.
    """
    k = an.n_components
    hill_columns = [f"P({hill_name(j)})" for j in range(k)]
    fixed = {"point", "likeliest hill", "K-Means island", "log-density", "outlier"}
    taken = fixed | set(hill_columns)
    table: dict[str, object] = {"point": rows}
    for d, name in enumerate(data.feature_names):
        column = str(name)
        while column in taken:
            column += " (feature)"
        taken.add(column)
        table[column] = data.X[rows, d]
    table["likeliest hill"] = [hill_name(int(j)) for j in an.labels[rows]]
    for j, column in enumerate(hill_columns):
        table[column] = probs[rows, j]
    table["K-Means island"] = [island_name(int(j)) for j in an.kmeans_labels[rows]]
    table["log-density"] = an.log_density[rows]
    table["outlier"] = np.isin(rows, outliers)
    return pd.DataFrame(table)


def export_csv(data: Dataset, params: GMMParams, threshold: float) -> bytes:
    """Every row of the data with its hills' probabilities, as CSV bytes.

    Streamlit calls this only when the student clicks the download button.

    Parameters
    ----------
    data : Dataset
        The active data: every row, not the sample the page fitted.
    params : GMMParams
        The fitted mixture.
    threshold : float
        The outlier cut: rows with a lower log-density are flagged.

    Returns
    -------
    bytes
        UTF-8 CSV (with a byte-order mark, so spreadsheets read accents).
    """
    log_density, probabilities = e_step(data.X, params)
    names = [hill_name(k) for k in range(params.n_components)]
    table = soft_assignment_table(
        data, probabilities, log_density, log_density < threshold, names
    )
    return table.to_csv(index=False).encode("utf-8-sig")
