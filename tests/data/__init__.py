"""Import, mapping, validation, demo data and dataset store tests."""
