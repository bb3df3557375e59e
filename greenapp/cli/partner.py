"""``greenapp partner create NAME``: a partner and its first API key; and the reviewer role."""

import argparse

from rich.console import Console

from greenapp.cli._local import local_store
from greenapp.cli.serve import ensure_factor_db
from greenapp.domain.errors import DomainError
from greenapp.domain.partners import parse_key
from greenapp.services.partners import create_partner, grant_reviewer
from greenapp.settings import Settings
from greenapp.store.factors.reader import load_factor_table
from greenapp.web.app import context_for


def register(commands: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    group = commands.add_parser("partner", help="manage sponsor and charity partners")
    actions = group.add_subparsers(dest="action", required=True, metavar="ACTION")
    create = actions.add_parser("create", help="create a partner and print its first API key")
    create.add_argument("name", metavar="NAME")
    create.add_argument(
        "--reviewer", action="store_true", help="the key may also review appeals of flagged days"
    )
    create.set_defaults(run=run_create)
    grant = actions.add_parser(
        "grant-reviewer", help="let an API key review appeals of flagged days"
    )
    grant.add_argument("key_id", metavar="KEY_ID", help="the 12 characters after gak_")
    grant.set_defaults(run=run_grant_reviewer)


def run_create(args: argparse.Namespace, settings: Settings) -> int:
    console = Console(soft_wrap=True, highlight=False)
    ensure_factor_db(settings, console)
    store = local_store(
        settings, "issue more keys for an existing partner with POST /api/v1/partner/keys"
    )
    if store is None:
        return 1
    try:
        ctx = context_for(settings, load_factor_table(settings.factors_db))
        partner, key = create_partner(store, ctx, args.name, reviewer=args.reviewer)
    finally:
        store.close()
    where = settings.db if settings.database_url is None else "PostgreSQL"
    console.print(f"partner {partner.partner_id} ({partner.name}) in {where}")
    if args.reviewer:
        console.print("the key may review appeals of flagged days")
    console.print("API key (shown once; greenapp keeps only its digest):")
    print(key)
    return 0


def run_grant_reviewer(args: argparse.Namespace, settings: Settings) -> int:
    parsed = parse_key(args.key_id)  # a whole key works too; only its id is used
    key_id = parsed[0] if parsed else args.key_id
    store = local_store(settings, "grant the role later")
    if store is None:
        return 1
    try:
        grant_reviewer(store, key_id)
    except DomainError as error:
        Console(stderr=True).print(f"[red]{error.detail}[/]")
        return 1
    finally:
        store.close()
    Console(soft_wrap=True, highlight=False).print(f"key {key_id} may now review appeals")
    return 0
