"""The stores: SQLite, SqlStore on SQLite and PostgreSQL, the store contract, attacks on rows."""
