"""CRM data: the canonical schema, reading exports, mapping, validation, quality, demo data."""
