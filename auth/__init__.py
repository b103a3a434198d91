"""Team mode: roles and the permission table (``roles``), password hashing and policy
(``passwords``), and the server-side checks every page and command makes (``guard``).
Pure: no Streamlit, no database; accounts are stored by ``storage.users``."""
