"""A throwaway PostgreSQL server for the tests: Debian's binaries, a cluster in a temporary
directory, listening on 127.0.0.1 only; one fresh database per test, copied from a migrated
template."""

import os
import shutil
import socket
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import psycopg
from psycopg import sql

from greenapp.store.postgres.store import PostgresActivityStore

BIN_DIRS = sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True)
TEMPLATE = "greenapp_template"


def binaries() -> Path | None:
    """The newest installed PostgreSQL's bin directory (./run test installs it), if any."""
    return next((d for d in BIN_DIRS if (d / "initdb").is_file()), None)


def free_port() -> int:
    """A port on 127.0.0.1 that nothing listens on now (for the servers the tests start)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _as_postgres(command: list[str]) -> list[str]:
    """initdb and the server refuse to run as root; as root, run them as the postgres user."""
    return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else command


@contextmanager
def cluster(durable: bool = False) -> Iterator[str]:
    """Start a server in a new temporary directory; yield the URL of its ``postgres`` database.
    Only a ``durable`` one syncs its commits to disk, as a production server does.

    The directory is made here rather than by pytest, whose folders only their owner may enter:
    as root the server runs as the postgres user, which must own its files."""
    found = binaries()
    assert found, "PostgreSQL is installed by ./run test (apt-get install postgresql)"
    directory = Path(tempfile.mkdtemp(prefix="greenapp-postgres-"))
    data, sockets = directory / "data", directory / "sockets"
    for d in (data, sockets):
        d.mkdir()
    if os.geteuid() == 0:
        for d in (directory, data, sockets):
            shutil.chown(d, "postgres", "postgres")
    subprocess.run(_as_postgres([str(found / "initdb"), "-D", str(data), "-U", "greenapp",
                                 "--auth=trust", "-E", "UTF8", "--no-sync"]),
                   check=True, capture_output=True)  # fmt: skip
    port = free_port()
    options = f"-c listen_addresses=127.0.0.1 -p {port} -k {sockets} -c max_connections=300"
    if not durable:  # the tests do not test PostgreSQL's durability; this keeps them fast
        options += " -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
    subprocess.run(_as_postgres([str(found / "pg_ctl"), "-D", str(data), "-o", options, "-w",
                                 "-l", str(directory / "server.log"), "start"]),
                   check=True, capture_output=True)  # fmt: skip
    try:
        yield f"postgresql://greenapp@127.0.0.1:{port}/postgres"
    finally:
        subprocess.run(_as_postgres([str(found / "pg_ctl"), "-D", str(data), "-m", "immediate",
                                     "stop"]), check=False, capture_output=True)  # fmt: skip
        shutil.rmtree(directory, ignore_errors=True)


def with_database(url: str, name: str) -> str:
    return url.rsplit("/", 1)[0] + f"/{name}"


def make_template(server_url: str) -> None:
    """A database with every migration applied, for fresh databases to be copied from."""
    with psycopg.connect(server_url, autocommit=True) as admin:
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(TEMPLATE)))
    PostgresActivityStore(with_database(server_url, TEMPLATE), pool_size=1).close()


def fresh_database(server_url: str) -> str:
    """A new, migrated, empty database; returns its URL."""
    name = f"t_{uuid.uuid4().hex[:16]}"
    with psycopg.connect(server_url, autocommit=True) as admin:
        admin.execute(
            sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(
                sql.Identifier(name), sql.Identifier(TEMPLATE)
            )
        )
    return with_database(server_url, name)
