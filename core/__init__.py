"""Shared, Streamlit-free building blocks: errors, the one YAML loader, texts, settings, formats."""
