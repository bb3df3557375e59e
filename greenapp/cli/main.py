"""The ``greenapp`` command."""

import argparse
import sys
from collections.abc import Sequence

from greenapp import __version__
from greenapp.cli import appeals, backup, factors, ingest, partner, research, serve
from greenapp.settings import Settings, SettingsError


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(
        prog="greenapp", description="Steps and low-carbon trips to kg CO2e avoided."
    )
    top.add_argument("--version", action="version", version=f"greenapp {__version__}")
    commands = top.add_subparsers(dest="command", required=True, metavar="COMMAND")
    serve.register(commands)
    partner.register(commands)
    appeals.register(commands)
    research.register(commands)
    ingest.register(commands)
    backup.register(commands)
    factors.register(commands)
    return top


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        settings = Settings.from_env()
    except SettingsError as error:
        print(f"greenapp: {error}", file=sys.stderr)
        return 2
    code: int = args.run(args, settings)
    return code


if __name__ == "__main__":
    sys.exit(main())
