"""KPIs: the catalogue (``config/kpis.yaml``), safe formulas, the DuckDB engine and a pandas reference."""
