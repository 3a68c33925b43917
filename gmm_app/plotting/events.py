"""Reading what a student clicked or selected on a chart (Plotly, no Streamlit).

Fogmap's point traces carry what a point is in ``customdata`` (a map's points: the
row number first; Choosing K's curves: K and the panel). Plotly hands a selected
point's ``customdata`` back in three shapes: a row of a typed array (numpy
``customdata``) as a dict keyed "0", "1", ...; a plain row as a list; a single
column as a bare number. :func:`customdata_rows` reads all three, once for every
lesson.
"""

from __future__ import annotations

from collections.abc import Mapping


def _points(event: object) -> list:
    """The selected points of a chart event (attributes or keys, as given)."""
    selection = getattr(event, "selection", None)
    if selection is None and isinstance(event, Mapping):
        selection = event.get("selection")
    if isinstance(selection, Mapping):
        points = selection.get("points")
    else:
        points = getattr(selection, "points", None)
    return list(points) if isinstance(points, list | tuple) else []


def _as_row(data: object) -> list[object]:
    if isinstance(data, Mapping):
        keys = sorted(data, key=lambda k: int(k) if str(k).isdigit() else len(data))
        return [data[k] for k in keys]
    if isinstance(data, list | tuple):
        return list(data)
    return [data]


def customdata_rows(event: object) -> list[list[object]]:
    """The ``customdata`` of every point a click, box or lasso selected.

    Parameters
    ----------
    event : object
        What ``st.plotly_chart(..., on_select="rerun")`` returned (an object with
        a ``selection`` attribute, or a dict with a ``"selection"`` key), or None.

    Returns
    -------
    list of list
        One row per selected point that has ``customdata``, in the order Plotly
        gave them; points without it (hill tops, rings) are left out, and so
        are empty rows: every row has at least one value.
    """
    rows = []
    for point in _points(event):
        data = point.get("customdata") if isinstance(point, Mapping) else None
        row = _as_row(data) if data is not None else []
        if row:
            rows.append(row)
    return rows


def as_int(value: object) -> int | None:
    """``value`` as an int, or None when it is not a number."""
    try:
        return int(value)  # type: ignore[call-overload]
    except (TypeError, ValueError, OverflowError):
        return None
