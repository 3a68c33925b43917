"""Dense backgrounds as one small picture instead of a grid of numbers (no Streamlit).

A 110 x 110 heatmap sends 12,100 numbers per background and asks Plotly to colour
them in the browser, on every chart that has one. The same colours, computed here
and sent as one PNG (a ``data:`` URI in a layout image, ``layer="below"``), are a
few kilobytes and draw as a single ``<image>``: the browser stretches the picture
over the grid's cells, smoothing the steps between them.

The PNG is written by Pillow (which Streamlit itself uses for images).
"""

from __future__ import annotations

import base64
import io
from collections.abc import Sequence

import numpy as np
from PIL import Image

# (stop, "#RRGGBB") pairs, as Plotly writes a colour scale.
ColourScale = Sequence[tuple[float, str]] | Sequence[list]


def _rgb(hex_colour: str) -> tuple[int, int, int]:
    h = hex_colour.lstrip("#")
    return int(h[0:2], 16), int(h[2:4], 16), int(h[4:6], 16)


def png_bytes(rgba: np.ndarray) -> bytes:
    """An RGBA picture as PNG bytes (Pillow's encoder).

    Parameters
    ----------
    rgba : ndarray of uint8, shape (H, W, 4)
        Row 0 is the top of the picture.

    Returns
    -------
    bytes
        A PNG, 8-bit RGBA.
    """
    out = io.BytesIO()
    Image.fromarray(np.ascontiguousarray(rgba, dtype=np.uint8), "RGBA").save(
        out, format="PNG"
    )
    return out.getvalue()


def png_data_uri(rgba: np.ndarray) -> str:
    """``data:image/png;base64,...`` of :func:`png_bytes`.

    Parameters
    ----------
    rgba : ndarray of uint8, shape (H, W, 4)

    Returns
    -------
    str
    """
    return "data:image/png;base64," + base64.b64encode(png_bytes(rgba)).decode()


def scale_colours(
    values: np.ndarray,
    scale: ColourScale,
    vmin: float,
    vmax: float,
    alpha: float = 1.0,
) -> np.ndarray:
    """Colour ``values`` through a Plotly colour scale, as Plotly would (linear RGB).

    Parameters
    ----------
    values : ndarray of shape (H, G)
        NaN cells are left transparent.
    scale : sequence of (float, str)
        Stops from 0 to 1 with ``#RRGGBB`` colours.
    vmin, vmax : float
        The values at the scale's ends (``zmin``, ``zmax``); values outside are
        clipped.
    alpha : float
        Opacity of every coloured cell (a heatmap's ``opacity``).

    Returns
    -------
    ndarray of uint8, shape (H, G, 4)
    """
    values = np.asarray(values, dtype=np.float64)
    span = vmax - vmin if vmax > vmin else 1.0
    t = np.clip((np.nan_to_num(values, nan=vmin) - vmin) / span, 0.0, 1.0)
    stops = np.array([float(s) for s, _ in scale])
    colours = np.array([_rgb(c) for _, c in scale], dtype=np.float64)
    rgba = np.empty((*values.shape, 4), dtype=np.uint8)
    for channel in range(3):
        rgba[..., channel] = np.rint(np.interp(t, stops, colours[:, channel]))
    rgba[..., 3] = np.where(np.isnan(values), 0, round(255 * alpha))
    return rgba


def label_colours(
    labels: np.ndarray, palette: Sequence[str], alpha: float
) -> np.ndarray:
    """Tint every cell with its label's colour at ``alpha``.

    Parameters
    ----------
    labels : ndarray of int, shape (H, G)
        Each cell's label, 0 to len(palette) - 1; others are left transparent.
    palette : sequence of str
        ``#RRGGBB`` per label.
    alpha : float

    Returns
    -------
    ndarray of uint8, shape (H, G, 4)
    """
    labels = np.asarray(labels)
    table = np.zeros((len(palette) + 1, 4), dtype=np.uint8)
    for k, hex_colour in enumerate(palette):
        table[k] = (*_rgb(hex_colour), round(255 * alpha))
    safe = np.where((labels >= 0) & (labels < len(palette)), labels, len(palette))
    return table[safe.astype(int)]


def mask_colours(mask: np.ndarray, hex_colour: str, alpha: float) -> np.ndarray:
    """Shade the cells where ``mask`` is true with one colour; the rest see-through.

    Parameters
    ----------
    mask : ndarray of bool, shape (H, G)
    hex_colour : str
        ``#RRGGBB``.
    alpha : float
        Opacity of the shaded cells.

    Returns
    -------
    ndarray of uint8, shape (H, G, 4)
    """
    mask = np.asarray(mask, dtype=bool)
    rgba = np.zeros((*mask.shape, 4), dtype=np.uint8)
    rgba[mask] = (*_rgb(hex_colour), round(255 * alpha))
    return rgba


def grid_image(
    xs: np.ndarray, ys: np.ndarray, rgba: np.ndarray, *, name: str = ""
) -> dict:
    """A layout image covering the grid's cells, under every trace.

    Cells are centred on the grid's points, as a heatmap draws them: the picture
    spans half a cell beyond the first and last points.

    Parameters
    ----------
    xs : ndarray of shape (G,)
        Grid columns, increasing.
    ys : ndarray of shape (H,)
        Grid rows, increasing (row 0 of ``rgba`` is ``ys[0]``, the bottom).
    rgba : ndarray of uint8, shape (H, G, 4)
    name : str
        The image's name in the layout (tests find a background by it).

    Returns
    -------
    dict
        A ``layout.images`` entry on axes x and y.
    """
    dx = (xs[-1] - xs[0]) / max(len(xs) - 1, 1)
    dy = (ys[-1] - ys[0]) / max(len(ys) - 1, 1)
    return dict(
        source=png_data_uri(rgba[::-1]),  # a picture's first row is its top
        xref="x",
        yref="y",
        x=float(xs[0] - dx / 2),
        y=float(ys[-1] + dy / 2),
        sizex=float(xs[-1] - xs[0] + dx),
        sizey=float(ys[-1] - ys[0] + dy),
        xanchor="left",
        yanchor="top",
        sizing="stretch",
        layer="below",
        name=name,
    )
