"""The lifecycle views by name: one call gives the frame of funnel, stages, cohorts, channels,
segments, sales or clv for a source and filters (the command line, the lifecycle page and the
benchmarks all ask for a view this way)."""
from __future__ import annotations

import pandas as pd

from core.query import Filters
from lifecycle import channels, clv, cohorts, funnel, stages

VIEWS = ("funnel", "stages", "cohorts", "channels", "segments", "sales", "clv")


def compute_view(source, view: str, filters: Filters, period: str = "month",
                 by: str = "acquisition_channel") -> pd.DataFrame:
    """The frame of one view of ``VIEWS``; ``period`` is the granularity of stages and sales,
    ``by`` the grouping of clv."""
    table = {
        "funnel": lambda: funnel.funnel(source, filters),
        "stages": lambda: stages.stage_kpis(source, filters, period),
        "cohorts": lambda: cohorts.cohort_retention(source, filters),
        "channels": lambda: channels.channel_economics(source, filters),
        "segments": lambda: channels.segment_channel(source, filters),
        "sales": lambda: channels.channel_sales(source, filters, period),
        "clv": lambda: clv.lifetime_value(source, filters, by),
    }
    return table[view]()
