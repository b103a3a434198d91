"""What the filter bar offers: the values of each slice dimension and the date range of a dataset.

One query session on the source (the Parquet files in DuckDB, or a live source's database: the
same SQL through ``Query.run``); the UI caches the answer per client and dataset version
(``usecases.datasets.choices``).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import pandas as pd

from lifecycle.source import Source
from sources.source import as_source

# dimension name (as in core.query.Filters) -> SQL selecting its distinct values
_DIMENSIONS = {
    "channel": "SELECT channel FROM campaign_contacts UNION SELECT channel FROM orders "
               "UNION SELECT acquisition_channel FROM customers",
    "segment": "SELECT segment FROM customers",
    "region": "SELECT region FROM customers",
    "campaign_id": "SELECT campaign_id FROM campaigns UNION SELECT campaign_id FROM campaign_contacts",
}
_DATES = ("SELECT min(d), max(d) FROM (SELECT order_date AS d FROM orders UNION ALL "
          "SELECT contacted_at FROM campaign_contacts UNION ALL SELECT created_at FROM customers) AS dates")


@dataclass(frozen=True)
class FilterChoices:
    values: dict = field(default_factory=dict)   # dimension -> tuple of values, sorted
    first_day: date | None = None
    last_day: date | None = None
    campaign_names: dict = field(default_factory=dict)  # campaign_id -> name

    def of(self, dimension: str) -> tuple[str, ...]:
        return tuple(self.values.get(dimension, ()))


def filter_choices(source: Source) -> FilterChoices:
    """The distinct values per dimension (NULLs and blanks dropped) and the first and last day."""
    with as_source(source).open(typed=True) as query:
        values = {}
        for name, sql in _DIMENSIONS.items():
            rows = query.run(f"SELECT DISTINCT v FROM ({sql}) AS t(v) WHERE v IS NOT NULL AND trim(v) <> '' "
                             "ORDER BY v")
            values[name] = tuple(str(v) for v in rows.iloc[:, 0])
        first, last = query.run(_DATES).iloc[0]
        names = query.run("SELECT campaign_id, any_value(name) FROM campaigns WHERE campaign_id IS NOT NULL "
                          "GROUP BY campaign_id")
    return FilterChoices(values, _day(first), _day(last),
                         {str(k): str(v) for k, v in names.itertuples(index=False) if isinstance(v, str) and v})


def _day(value) -> date | None:
    if value is None or pd.isna(value):
        return None
    return pd.Timestamp(value).date()
