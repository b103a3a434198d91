"""The query package: what the KPI engine, the pre-aggregates and the lifecycle views read through
(``source``: the Source kinds; ``connection``: DuckDB; ``dimensions``: filter-to-column)."""
