"""Storage: SQLAlchemy 2 tables, migrations and repositories for SQLite (embedded default) and PostgreSQL."""
