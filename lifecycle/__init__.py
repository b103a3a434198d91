"""Customer-lifecycle analytics on canonical frames with DuckDB (docs/lifecycle.md)."""
