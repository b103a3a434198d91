"""Maturity assessment core: model schema and loader, scoring, explanation, roadmap, answer sheets.

Pure: imports core, pandas and numpy only (no Streamlit, no storage). See docs/maturity-models.md.
"""
