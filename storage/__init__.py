"""Storage behind one seam: SQLAlchemy Core tables, Alembic migrations, per-domain repositories,
and the column-wise dataset store. Every function takes the client id it works for."""
