"""Application services: the steps that combine storage and the pure core (bootstrap, import,
workshop, reports). Used by both the Streamlit pages and the command line."""
