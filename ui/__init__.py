"""The Streamlit edge: page modules (``ui/pages/*_page.py``), ``widgets.py`` and ``state.py``."""
