"""Plotly chart builders (pure: no Streamlit). Each builder is a noun and returns a figure."""
