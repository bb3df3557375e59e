"""How greenapp's DuckDB files are written, so people's tools can open them."""

from typing import Final

# Files are written in the DuckDB 1.4 storage format: the duckdb CLI and the Python packages
# researchers and operators already have (1.4 or newer) open them, as does DuckDB 2.
STORAGE_VERSION: Final = "v1.4.0"
WRITE_CONFIG: Final[dict[str, str | bool | int | float | list[str]]] = {
    "storage_compatibility_version": STORAGE_VERSION
}
