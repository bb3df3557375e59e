"""``greenapp appeals list|decide``: the operator reviews appeals of flagged days."""

import argparse

from rich.console import Console
from rich.table import Table

from greenapp.cli._local import local_store
from greenapp.cli.serve import ensure_factor_db
from greenapp.domain.appeals import AppealRecord, Evidence
from greenapp.domain.errors import DomainError
from greenapp.services.appeals import OPERATOR, REVIEW_STATUSES, decide, review_queue
from greenapp.settings import Settings
from greenapp.store.factors.reader import load_factor_table
from greenapp.web.app import context_for

WHILE_SERVING = "review through the API with a reviewer's key (/api/v1/review/appeals)"


def register(commands: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    group = commands.add_parser("appeals", help="review appeals of flagged days")
    actions = group.add_subparsers(dest="action", required=True, metavar="ACTION")
    listing = actions.add_parser("list", help="appeals with their evidence, the oldest first")
    listing.add_argument("--status", choices=REVIEW_STATUSES, default="pending")
    listing.add_argument("--limit", type=int, default=100, help="at most this many (1-500)")
    listing.set_defaults(run=run_list)
    deciding = actions.add_parser("decide", help="accept or reject an appeal; decisions are final")
    deciding.add_argument("appeal_id", metavar="APPEAL_ID")
    outcome = deciding.add_mutually_exclusive_group(required=True)
    outcome.add_argument("--accept", dest="outcome", action="store_const", const="accepted")
    outcome.add_argument("--reject", dest="outcome", action="store_const", const="rejected")
    deciding.add_argument("--reason", required=True, help="told to the person (1-500 characters)")
    deciding.set_defaults(run=run_decide)


def run_list(args: argparse.Namespace, settings: Settings) -> int:
    store = local_store(settings, WHILE_SERVING)
    if store is None:
        return 1
    try:
        records = review_queue(store, args.status, args.limit)
    except DomainError as error:
        Console(stderr=True).print(f"[red]{error.detail}[/]")
        return 1
    finally:
        store.close()
    console = Console(soft_wrap=True, highlight=False)
    if not records:
        console.print(f"no {args.status} appeals" if args.status != "all" else "no appeals")
        return 0
    console.print(_table(records, args.status))
    return 0


def run_decide(args: argparse.Namespace, settings: Settings) -> int:
    console = Console(soft_wrap=True, highlight=False)
    ensure_factor_db(settings, console)
    store = local_store(settings, WHILE_SERVING)
    if store is None:
        return 1
    try:
        ctx = context_for(settings, load_factor_table(settings.factors_db))
        record = decide(store, ctx, args.appeal_id, args.outcome, args.reason, OPERATOR)
    except DomainError as error:
        Console(stderr=True).print(f"[red]{error.detail}[/]")
        return 1
    finally:
        store.close()
    console.print(f"appeal {args.appeal_id} of {record.appeal.day}: {record.status}")
    return 0


def _table(records: list[AppealRecord], status: str) -> Table:
    table = Table(title=f"appeals ({status}), the oldest first", show_lines=True)
    table.add_column("appeal", no_wrap=True)
    table.add_column("evidence: figures and the rules that fired", ratio=3)
    table.add_column("the person's reason, and the decision", ratio=2)
    for r in records:
        a, d = r.appeal, r.decision
        said = a.reason or "(erased)"
        decision = "pending" if d is None else f"{d.outcome} by {d.reviewer}: {d.reason}"
        table.add_row(
            f"{a.appeal_id}\nday {a.day}\nappealed {a.created_at:%Y-%m-%d %H:%M}",
            _evidence(a.evidence),
            f"{said}\n\n{decision}",
        )
    return table


def _evidence(e: Evidence) -> str:
    """The figures the step checks saw, then the rules that fired, as a reviewer reads them."""
    lines = [f"{e.steps:,} steps"]
    if e.device_distance_m is not None:
        lines.append(f"device distance {e.device_distance_m / 1000:,.2f} km")
    t = e.track
    if t is not None:
        hours = t.moving_seconds / 3600
        average = f"{t.distance_m / 1000 / hours:.1f} km/h average" if hours else "never moving"
        lines.append(
            f"track {t.distance_m / 1000:,.2f} km, {average}, {t.max_speed_kmh:g} km/h max"
        )
    return "\n".join(lines + [f"• {rule}" for rule in e.rules])
