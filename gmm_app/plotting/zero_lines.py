"""Where a grid of numbers crosses zero, as lines (no Streamlit).

A border between two clusters is the zero line of one cluster's score minus the
best other's. Sent as a Plotly ``contour`` trace, that is the whole 110 x 110 grid
of numbers, and the browser traces the line itself on every redraw; traced here,
it is a few hundred points of a plain line trace.

contourpy (the tracer matplotlib uses) places each crossing of a grid edge by
linear interpolation, as Plotly's contours do, and joins the pieces into
polylines (so a dashed line stays dashed), one per connected line.
"""

from __future__ import annotations

import contourpy
import numpy as np


def zero_lines(xs: np.ndarray, ys: np.ndarray, z: np.ndarray) -> list[np.ndarray]:
    """The lines where ``z`` crosses zero (contourpy, matplotlib's contour tracer).

    Parameters
    ----------
    xs : ndarray of shape (G,)
        Grid columns, increasing.
    ys : ndarray of shape (H,)
        Grid rows, increasing.
    z : ndarray of shape (H, G)
        Values on the grid (finite).

    Returns
    -------
    list of ndarray of shape (M, 2)
        One polyline per connected line (a closed one ends where it starts);
        empty when ``z`` never changes sign.
    """
    z = np.asarray(z, dtype=np.float64)
    if z.ndim != 2 or min(z.shape) < 2:
        return []
    tracer = contourpy.contour_generator(
        np.asarray(xs, dtype=np.float64),
        np.asarray(ys, dtype=np.float64),
        z,
        line_type=contourpy.LineType.Separate,
    )
    return [np.asarray(line) for line in tracer.lines(0.0) if len(line) > 1]
