"""Reading raw values that may be missing: None, pandas.NA, NaN and non-numbers all become None."""
from __future__ import annotations

import math

from pandas import NA as _NA  # pandas NA must not reach float()


def as_float(value: object) -> float | None:
    """``value`` as a float, or None when it is missing or not a number."""
    if value is None or value is _NA:
        return None
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return None if math.isnan(number) else number


