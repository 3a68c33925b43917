"""Write the sample CSV files a student can download from Home and upload again.

Deterministic: run ``.venv/bin/python tools/make_samples.py`` and the files in
``samples/`` come out byte for byte the same.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from gmm_core import load_preset  # noqa: E402

SAMPLES = ROOT / "samples"


def customers() -> pd.DataFrame:
    """Income, spending score and purchases per month of 400 shop customers."""
    data = load_preset("customers", 400, 7)
    rng = np.random.default_rng(7)
    # Big spenders come often, careful ones rarely: a third, correlated column.
    per_segment = np.array([1.5, 6.0, 3.5, 1.0, 7.5])[data.labels]
    frequency = np.clip(rng.normal(per_segment, 0.8), 0.2, None)
    return pd.DataFrame(
        {
            "annual income (k$)": data.X[:, 0].round(1),
            "spending score (1-100)": data.X[:, 1].round(0).astype(int),
            "purchases per month": frequency.round(1),
            "segment": [data.label_names[k] for k in data.labels],
        }
    )


def heights() -> pd.DataFrame:
    """Heights of 300 children, teenagers and adults, with their age group."""
    data = load_preset("heights", 300, 3)
    return pd.DataFrame(
        {
            "height (cm)": data.X[:, 0].round(1),
            "age group": [data.label_names[k] for k in data.labels],
        }
    )


def old_faithful() -> pd.DataFrame:
    """The 272 eruptions of Old Faithful shipped with Fogmap."""
    data = load_preset("old_faithful", None, 0)
    return pd.DataFrame(data.X, columns=list(data.feature_names))


def main() -> None:
    SAMPLES.mkdir(exist_ok=True)
    for name, make in (
        ("customers", customers),
        ("heights", heights),
        ("old_faithful", old_faithful),
    ):
        make().to_csv(SAMPLES / f"{name}.csv", index=False, lineterminator="\n")
        print(f"wrote samples/{name}.csv")


if __name__ == "__main__":
    main()
