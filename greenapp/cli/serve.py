"""``greenapp serve`` and ``greenapp token``."""

import argparse
import os
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

from granian import Granian
from granian.constants import Interfaces
from rich.console import Console
from rich.progress import Progress

from greenapp.services.demo import FIRST_DEMO_USER, demo_people, is_seeded, seed_demo
from greenapp.settings import Settings
from greenapp.store.factors.build import build_factor_db, factor_set_version
from greenapp.store.factors.reader import load_factor_set, open_factor_db, read_factor_set_info
from greenapp.store.factors.source_tables import table_files
from greenapp.store.opening import open_store
from greenapp.web.app import context_for
from greenapp.web.auth import make_token


def register(commands: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    serve = commands.add_parser("serve", help="run the HTTP service")
    serve.add_argument("--demo", action="store_true", help="use a demo store with 90 days of data")
    serve.add_argument("--host", help="address to listen on (default: $GREENAPP_HOST)")
    serve.add_argument("--port", type=int, help="port (default: $GREENAPP_PORT)")
    serve.add_argument(
        "--workers", type=int, help="server processes (default: $GREENAPP_WORKERS; >1 needs "
        "GREENAPP_DATABASE_URL)",
    )  # fmt: skip
    serve.set_defaults(run=run_serve)

    token = commands.add_parser("token", help="print a bearer token for USER, for local use")
    token.add_argument("user", metavar="USER")
    token.set_defaults(run=run_token)


def run_token(args: argparse.Namespace, settings: Settings) -> int:
    try:
        print(make_token(settings, args.user))
    except ValueError as error:
        Console(stderr=True).print(f"[red]{error}[/]")
        return 2
    return 0


def run_serve(args: argparse.Namespace, settings: Settings) -> int:
    console = Console(soft_wrap=True, highlight=False)
    if not args.demo and not settings.jwt_secret:
        Console(stderr=True).print(
            "[red]greenapp serve needs GREENAPP_JWT_SECRET[/]: the key the app's login service "
            "signs people's tokens with (at least 32 characters). For a try-out, "
            "greenapp serve --demo makes one and keeps it in the data directory."
        )
        return 2
    if settings.jwt_secret and len(settings.jwt_secret) < 32:
        Console(stderr=True).print("[red]GREENAPP_JWT_SECRET must be at least 32 characters[/]")
        return 2
    if args.demo:
        settings = replace(settings, db=settings.data_dir / "demo.duckdb")
    settings = replace(settings, host=args.host or settings.host, port=args.port or settings.port,
                       workers=args.workers or settings.workers)  # fmt: skip
    ensure_factor_db(settings, console)
    if args.demo:
        _seed(settings, console)
        _print_demo_help(settings, console)
    os.environ.update(_environment(settings))
    Granian(
        "greenapp.web.asgi:app_from_env",
        address=settings.host,
        port=settings.port,
        interface=Interfaces.ASGI,
        factory=True,
        workers=settings.workers,  # more than one only on PostgreSQL (see Settings)
        respawn_failed_workers=True,
        log_access=False,
    ).serve()
    return 0


def ensure_factor_db(settings: Settings, console: Console) -> None:
    """Build the factor database when it is missing or older than the source tables."""
    wanted = factor_set_version(settings.factor_sources, table_files(settings.factor_sources))
    if settings.factors_db.is_file():
        with open_factor_db(settings.factors_db) as connection:
            if read_factor_set_info(connection).version == wanted:
                return
    result = build_factor_db(settings.factor_sources, settings.factors_db)
    console.print(f"built factor database {result.path} (version {result.version})")


def _seed(settings: Settings, console: Console) -> None:
    store = open_store(settings)
    where = settings.db if settings.database_url is None else "PostgreSQL"
    try:
        if is_seeded(store):
            console.print(f"demo store: {where} (already seeded)")
            return
        ctx = context_for(settings, load_factor_set(settings.factors_db).table)
        with Progress(console=console, transient=True) as progress:
            task = progress.add_task("seeding demo people", total=len(demo_people()))
            seeded = seed_demo(
                store, ctx, datetime.now(UTC).date(), lambda _: progress.advance(task)
            )
        key_file = _demo_key_file(settings)
        key_file.write_text(seeded.partner_key)
        key_file.chmod(0o600)
        console.print(
            f"demo store: {where} ({seeded.days} days of steps, {seeded.donations} donations)"
        )
    finally:
        store.close()


def _print_demo_help(settings: Settings, console: Console) -> None:
    base = f"http://{settings.host}:{settings.port}"
    token = make_token(settings, FIRST_DEMO_USER)
    console.print(f"\ngreenapp demo on {base}  (API docs: {base}/schema)\n")
    console.print(f"a token for demo user {FIRST_DEMO_USER}:")
    console.print(f"  export TOKEN={token}")
    console.print("try:")
    console.print(
        f"  curl -H \"Authorization: Bearer $TOKEN\" '{base}/api/v1/me/footprint?period=week'"
    )
    console.print(f"  curl '{base}/api/v1/factors?region=GB&mode=car'")
    console.print(f"  curl '{base}/api/v1/projects'")
    console.print("a token for anyone else: .venv/bin/greenapp token USER")
    key_file = _demo_key_file(settings)
    if key_file.is_file():
        console.print("the demo partner's API key (for /api/v1/partner/..., and with the reviewer")
        console.print("role for /api/v1/review/appeals):")
        console.print(f"  export PARTNER_KEY={key_file.read_text().strip()}")
    console.print()


def _demo_key_file(settings: Settings) -> Path:
    return settings.data_dir / "demo-partner-key"


def _environment(settings: Settings) -> dict[str, str]:
    """Hand the resolved settings to the server's worker process."""
    return {
        "GREENAPP_DATA_DIR": str(settings.data_dir),
        "GREENAPP_DB": str(settings.db),
        "GREENAPP_FACTORS_DB": str(settings.factors_db),
        "GREENAPP_FACTOR_SOURCES": str(settings.factor_sources),
        "GREENAPP_JWT_SECRET": settings.token_secret(),
    }
