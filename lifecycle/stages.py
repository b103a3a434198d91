"""Stage KPIs over time: response, conversion, win rate, churn, win-back, cross-sell per period.

The KPI engine computes them from the catalogue's declared formulas (``kpis.engine.compute``,
``config/kpis.yaml``); each KPI's stage is the catalogue's ``stage`` of that KPI (its first, when
it declares several). There is no second formula here: the view is the engine's numbers, in a
tidy frame ``kpi``, ``stage``, ``period``, ``value``, ``numerator``, ``denominator``, rows with no
denominator dropped, sorted by KPI (the order of ``KPIS``) then period.
"""
from __future__ import annotations

import pandas as pd

from core.query import Filters, Granularity
from kpis.catalogue import Catalogue, load_catalogue
from kpis.engine import compute
from lifecycle.source import SourceLike

KPIS = ("campaign_response_rate", "campaign_conversion_rate", "win_rate", "churn_rate", "win_back_rate",
        "cross_sell_rate")
COLUMNS = ["kpi", "stage", "period", "value", "numerator", "denominator"]


def stage_kpis(source: SourceLike, filters: Filters | None = None,
               granularity: Granularity | str = Granularity.MONTH, catalogue: Catalogue | None = None
               ) -> pd.DataFrame:
    """Tidy: one row per KPI and period with a denominator, sorted by KPI then period."""
    catalogue = catalogue or load_catalogue()
    raw = compute(source, list(KPIS), period=Granularity(granularity), filters=filters or Filters(),
                  catalogue=catalogue)
    stage = {k: catalogue.get(k).stages[0].value for k in KPIS}
    order = {k: i for i, k in enumerate(KPIS)}
    out = pd.DataFrame({
        "kpi": raw["kpi"].astype("string"),
        "stage": raw["kpi"].map(stage).astype("string"),
        "period": raw["period"].astype("string"),
        "numerator": raw["numerator"].astype("float64"),
        "denominator": raw["denominator"].astype("float64"),
    })
    out = out[out["denominator"] > 0]
    out["value"] = out["numerator"] / out["denominator"]
    out = out.assign(_o=out["kpi"].map(order)).sort_values(["_o", "period"], kind="stable").drop(columns="_o")
    return out[COLUMNS].reset_index(drop=True)
