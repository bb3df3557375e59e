"""``greenapp partner create NAME``: a partner and its first API key."""

import argparse

import duckdb
from rich.console import Console

from greenapp.cli.serve import ensure_factor_db
from greenapp.services.partners import create_partner
from greenapp.settings import Settings
from greenapp.store.activity.store import DuckDBActivityStore
from greenapp.store.factors.reader import load_factor_table
from greenapp.web.app import context_for


def register(commands: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    group = commands.add_parser("partner", help="manage sponsor and charity partners")
    actions = group.add_subparsers(dest="action", required=True, metavar="ACTION")
    create = actions.add_parser("create", help="create a partner and print its first API key")
    create.add_argument("name", metavar="NAME")
    create.set_defaults(run=run_create)


def run_create(args: argparse.Namespace, settings: Settings) -> int:
    console = Console(soft_wrap=True, highlight=False)
    ensure_factor_db(settings, console)
    try:
        store = DuckDBActivityStore(settings.db)
    except duckdb.IOException as error:
        Console(stderr=True).print(
            f"[red]cannot open {settings.db}: {error}[/]\n"
            "Only one process can write a DuckDB file: stop greenapp serve first, or issue "
            "more keys for an existing partner with POST /api/v1/partner/keys."
        )
        return 1
    try:
        ctx = context_for(settings, load_factor_table(settings.factors_db))
        partner, key = create_partner(store, ctx, args.name)
    finally:
        store.close()
    console.print(f"partner {partner.partner_id} ({partner.name}) in {settings.db}")
    console.print("API key (shown once; greenapp keeps only its digest):")
    print(key)
    return 0
