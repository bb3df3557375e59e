"""The factor database: built from the cited CSV source tables, read-only at run time."""
