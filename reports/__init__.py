"""Excel and PDF reports and the offline questionnaire round trip (see docs/reports.md)."""
