"""The EM stepper's run as a scikit-learn script a student pastes into Python
(no Streamlit, no Plotly: text only).

The script rebuilds the data (the preset's own generator call with its seed, or
``pd.read_csv`` of the student's file with the same columns and scaling), fits
``sklearn.mixture.GaussianMixture`` from the page's starting hills (iteration 0
of its trace, as literal arrays) with the page's ``tol`` and ``reg_covar``, and
prints the final mean log-likelihood and means: the numbers of the page's last
step.

Fogmap keeps the parameters of the first step whose gain is below ``tol``;
scikit-learn checks ``tol`` one M-step later. So the script asks for exactly the
page's number of iterations (``max_iter = T``), which lands on the page's final
step, and says why in a comment.
"""

from __future__ import annotations

import textwrap

import numpy as np

from gmm_core import Dataset, EMStep, GMMParams
from gmm_core.datasets import GAUSSIAN_GROUPS, SKLEARN_GENERATORS, Origin

_WIDTH = 88


def literal(values: np.ndarray | list | tuple, indent: int = 0) -> str:
    """A numpy array as Python source that rebuilds it exactly.

    Parameters
    ----------
    values : array-like of any shape
    indent : int
        Spaces before continuation lines.

    Returns
    -------
    str
        ``np.array([...])`` with the shortest digits that round-trip each float.
    """
    array = np.asarray(values, dtype=np.float64)
    if np.all(array == np.round(array)) and np.all(np.abs(array) < 1e15):
        array = array.astype(np.int64)  # 79 rather than 79.0
    body = np.array2string(
        array,
        separator=", ",
        # repr: the shortest digits that give the same float back, unpadded.
        formatter={"float_kind": lambda v: repr(float(v))},
        threshold=np.inf,  # type: ignore[arg-type]
        max_line_width=_WIDTH - indent - 10,
    )
    lines = body.splitlines()
    pad = " " * (indent + len("np.array("))
    return "np.array(" + ("\n" + pad).join(lines) + ")"


def precisions(params: GMMParams) -> np.ndarray:
    """The precisions scikit-learn's ``precisions_init`` takes, in its layout.

    Parameters
    ----------
    params : GMMParams

    Returns
    -------
    ndarray
        full (K, D, D), tied (D, D): the inverse covariances (made exactly
        symmetric); diag (K, D), spherical (K,): one over the variances.
    """
    cov = np.asarray(params.covariances, dtype=np.float64)
    if params.covariance_type in ("full", "tied"):
        inverse = np.linalg.inv(cov)
        return (inverse + np.swapaxes(inverse, -1, -2)) / 2
    return 1.0 / cov


def _generator_lines(origin: Origin, n_features: int) -> list[str]:
    """The numpy calls of a Gaussian-groups preset, one group a line."""
    recipe = GAUSSIAN_GROUPS[origin.preset]
    n = recipe.fixed_n or origin.n_samples
    lines = [
        f"rng = np.random.default_rng({origin.seed})",
        "X = np.vstack(",
        "    [",
    ]
    for centre, spread, count in zip(
        recipe.centres, recipe.spreads, recipe.counts(n), strict=True
    ):
        lines.append(
            f"        rng.normal({list(centre)}, {list(spread)}, "
            f"size=({int(count)}, {n_features})),"
        )
    lines += ["    ]", ")", f"X = X[rng.permutation({n})]  # shuffled"]
    if recipe.rotation is not None:
        rotation = [list(row) for row in recipe.rotation]
        lines.append(f"X = X @ np.array({rotation}).T  # rotated")
    if recipe.standardised:
        lines.append("X = (X - X.mean(axis=0)) / X.std(axis=0)  # standardised")
    for d, (low, high) in enumerate(recipe.clip or ()):
        lines.append(f"X[:, {d}] = np.clip(X[:, {d}], {low}, {high})")
    return lines


def _preset_lines(data: Dataset, origin: Origin) -> tuple[list[str], list[str]]:
    """Imports and lines that make a preset's data ``X`` again."""
    key = origin.preset
    if key in GAUSSIAN_GROUPS:
        return [], _generator_lines(origin, data.n_features)
    if key in SKLEARN_GENERATORS:
        name, settings = SKLEARN_GENERATORS[key]
        extra = "".join(f", {k}={v!r}" for k, v in settings.items())
        call = (
            f"{name}(n_samples={origin.n_samples}{extra}, random_state={origin.seed})"
        )
        return [f"from sklearn.datasets import {name}"], [f"X, _ = {call}"]
    if key == "iris":
        return ["from sklearn.datasets import load_iris"], [
            "X = load_iris().data[:, :2]  # sepal length and width (cm)"
        ]
    # Shipped data (Old Faithful): its numbers, column by column.
    own = data.unscaled or data
    lines = ["# Fogmap's copy of the data, column by column."]
    names = []
    for d, feature in enumerate(own.feature_names):
        name = f"column_{d + 1}"
        names.append(name)
        lines.append(f"# {name}: {feature}")
        lines.append(f"{name} = {literal(own.X[:, d], indent=len(name) + 3)}")
    lines.append(f"X = np.column_stack([{', '.join(names)}])")
    return [], lines


def _file_lines(data: Dataset) -> tuple[list[str], list[str]]:
    """Imports and lines that read the student's file into ``X``.

    The file is read with the options Fogmap found (delimiter, header, decimal
    commas, encoding), and the columns are taken by position, as Fogmap named
    some of them itself (a file without a header, a blank or repeated name).
    """
    own = data.unscaled or data
    options = {"encoding": "utf-8", "sep": ",", "header": 0, **dict(own.read_options)}
    arguments = ", ".join(f"{key}={value!r}" for key, value in options.items())
    lines = [
        "frame = pd.read_csv(",
        f"    {own.name!r},",
        *textwrap.wrap(
            f"{arguments}, skipinitialspace=True, index_col=False, "
            "on_bad_lines='skip',",
            _WIDTH,
            initial_indent="    ",
            subsequent_indent="    ",
            break_long_words=False,
        ),
        ")",
    ]
    for note in own.notes:
        lines += textwrap.wrap(
            f"Fogmap's note on reading it: {note}",
            _WIDTH,
            initial_indent="# ",
            subsequent_indent="#   ",
        )
    read_columns = list(own.table.columns) if own.table is not None else []
    positions = [
        read_columns.index(name) if name in read_columns else i
        for i, name in enumerate(own.feature_names)
    ]
    names = ", ".join(repr(name) for name in own.feature_names)
    lines += textwrap.wrap(
        f"Fogmap's columns, by position: {names}.",
        _WIDTH,
        initial_indent="# ",
        subsequent_indent="# ",
    )
    lines += [
        f"columns = {literal(positions, indent=len('columns = '))}",
        "values = frame.iloc[:, columns].apply(pd.to_numeric, errors='coerce')",
        "# Rows with a gap or text in a number column are left out, as Fogmap does.",
        "X = values[np.isfinite(values).all(axis=1)].to_numpy(dtype=float)",
    ]
    return ["import pandas as pd"], lines


def data_lines(data: Dataset) -> tuple[list[str], list[str]]:
    """Imports and lines that make the page's data as ``X``, shape (N, D).

    Parameters
    ----------
    data : Dataset
        The data the page fits: a preset's (``origin`` set) or a file's,
        maybe standardised, maybe a seeded sample.

    Returns
    -------
    imports, lines : list of str
    """
    origin = data.origin or (data.unscaled.origin if data.unscaled else None)
    if origin is not None:
        imports, lines = _preset_lines(data, origin)
        what = (data.unscaled or data).name
        lines.insert(0, f"# The data: Fogmap's preset {what!r}.")
    else:
        imports, lines = _file_lines(data)
        lines.insert(0, "# The data: your file (put it next to this script).")
    if data.is_standardised:
        lines.append(
            "X = (X - X.mean(axis=0)) / X.std(axis=0)  # Standardise the columns"
        )
    if data.sample_of is not None:
        lines += [
            f"# The page fits a seeded sample of {data.n_samples} of the "
            f"{data.sample_of} rows.",
            f"keep = np.random.default_rng(0).choice(len(X), {data.n_samples}, "
            "replace=False)",
            "X = X[np.sort(keep)]",
        ]
    return imports, lines


def sklearn_script(
    data: Dataset, trace: tuple[EMStep, ...], *, reg_covar: float, tol: float
) -> str:
    """A short script that rebuilds the data and fits scikit-learn's
    ``GaussianMixture`` from the page's start to the page's last step.

    Parameters
    ----------
    data : Dataset
        The data the trace was fitted to, X of shape (N, D).
    trace : tuple of EMStep
        The page's trace: iteration 0 is the start, the last step the end.
    reg_covar, tol : float
        As on screen.

    Returns
    -------
    str
        Python source: it prints ``mean log-likelihood per point: <value>`` and
        the means (one row per hill), the numbers of ``trace[-1]``.
    """
    start = trace[0].params
    T = len(trace) - 1
    imports, lines = data_lines(data)
    header = [
        "# Fogmap's EM stepper run, rebuilt in scikit-learn.",
        "import warnings",
        "",
        "import numpy as np",
        *imports,
        "from sklearn.exceptions import ConvergenceWarning",
        "from sklearn.mixture import GaussianMixture",
        "",
    ]
    end = trace[-1]
    why = {
        "converged": f"it gained less than tol = {tol:g} per point",
        "max_iter": "it reached the most iterations allowed",
        "collapsed": "a hill collapsed",
    }.get(end.stop_reason or "", "the trace ended")
    fit = [
        "",
        "# The page's starting hills (iteration 0), as literal arrays.",
        f"weights_init = {literal(start.weights, indent=15)}",
        f"means_init = {literal(start.means, indent=13)}",
        "# The inverse of each starting covariance.",
        f"precisions_init = {literal(precisions(start), indent=18)}",
        "",
        f"# The page stopped after {T} iterations: {why}.",
        "# Fogmap keeps the first step that gains less than tol; scikit-learn",
        "# checks tol one M-step later and would take one step more. Asking for",
        f"# exactly the page's number of iterations (max_iter={T}) lands on the",
        "# page's final step.",
        "gm = GaussianMixture(",
        f"    n_components={start.n_components},",
        f"    covariance_type={start.covariance_type!r},",
        f"    tol={tol!r},",
        f"    reg_covar={reg_covar!r},",
        f"    max_iter={T},",
        "    weights_init=weights_init,",
        "    means_init=means_init,",
        "    precisions_init=precisions_init,",
        ")",
        "with warnings.catch_warnings():",
        "    # scikit-learn warns it has not converged: it stops at max_iter on",
        "    # purpose here, on the page's last step. Only that warning is silenced.",
        "    warnings.simplefilter('ignore', ConvergenceWarning)",
        "    gm.fit(X)",
        "",
        "print('mean log-likelihood per point:', round(gm.score(X), 8))",
        "print('means (one row per hill):')",
        "print(gm.means_.round(8))",
    ]
    if end.stop_reason == "collapsed":
        fit[1:1] = [
            "# This run collapsed: scikit-learn stops with an error where Fogmap",
            "# floors the hill. Raise reg_covar on the page to compare numbers.",
        ]
    text = "\n".join([*header, *lines, *fit]) + "\n"
    return textwrap.dedent(text)
