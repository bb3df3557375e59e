"""The PostgreSQL activity store: the same schema, rules and units of work as the embedded DuckDB
store, for several stateless server processes sharing one database (see docs/deploy.md)."""
