"""The `gongjian` command."""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import sys

from gongjian.platform import DATABASE_NAME, PlatformSettings, migrate, seed_and_admin, service_settings
from gongjian.services import SERVICES


def _platform_database_url(platform: PlatformSettings) -> str:
    if platform.database is not None:
        return platform.database.url.get_secret_value()
    from gongjian.infra.postgres import EmbeddedPostgres

    postgres = EmbeddedPostgres(platform.state_dir / "postgres", port=platform.postgres_port)
    postgres.start()
    postgres.create_database(DATABASE_NAME)
    return postgres.url(DATABASE_NAME)


def _cmd_dev(args: argparse.Namespace) -> int:
    from gongjian.dev import run_dev

    platform = PlatformSettings()
    if args.bus:
        platform = platform.model_copy(update={"bus": args.bus})
    if args.port:
        platform = platform.model_copy(update={"port": args.port})
    return run_dev(platform)


def _cmd_migrate(_: argparse.Namespace) -> int:
    platform = PlatformSettings()
    url = _platform_database_url(platform)
    settings = {entry.name: service_settings(entry, url, platform, None) for entry in SERVICES}
    asyncio.run(migrate(settings))
    print("migrated: " + ", ".join(entry.name for entry in SERVICES))
    return 0


def _cmd_seed(_: argparse.Namespace) -> int:
    platform = PlatformSettings()
    url = _platform_database_url(platform)
    settings = {entry.name: service_settings(entry, url, platform, None) for entry in SERVICES}
    asyncio.run(migrate(settings))
    boot = asyncio.run(seed_and_admin(settings["projects-api"], platform.admin_password, force_seed=True))
    assert boot.seeded is not None
    print(f"seeded: {boot.seeded.units_created} new units, {boot.seeded.targets_created} new targets")
    if boot.admin_password:
        print(f"created the account 'admin' with the generated password: {boot.admin_password}")
    return 0


def _cmd_events(args: argparse.Namespace) -> int:
    from gongjian_shared.events.schemas import SCHEMA_DIR, render_schemas, write_schemas

    if args.write:
        write_schemas()
        print(f"wrote {SCHEMA_DIR}")
    else:
        json.dump(render_schemas(), sys.stdout, indent=2, ensure_ascii=False)
        print()
    return 0


def _cmd_score(rest: list[str]) -> int:
    from gongjian_scoring.assessment.cli import main as score_main

    return score_main(rest)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="gongjian", description="Gongjian (攻坚): key construction projects"
    )
    commands = parser.add_subparsers(dest="command", required=True)
    dev = commands.add_parser("dev", help="run the platform on the embedded default (port 8000)")
    dev.add_argument("--bus", choices=["embedded", "kafka"])
    dev.add_argument("--port", type=int)
    dev.set_defaults(handler=_cmd_dev)
    commands.add_parser("migrate", help="migrate every service's schema").set_defaults(handler=_cmd_migrate)
    commands.add_parser("seed", help="load the units and 2019 targets of Annexes 1 and 2").set_defaults(
        handler=_cmd_seed
    )
    events = commands.add_parser("events", help="print the event contracts as JSON Schema")
    events.add_argument("--write", action="store_true", help="rewrite the checked-in schema files")
    events.set_defaults(handler=_cmd_events)
    commands.add_parser(
        "score", help="score a facts document offline (see gongjian score --help)", add_help=False
    )
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    if argv[:1] == ["score"]:
        return _cmd_score(argv[1:])
    args = build_parser().parse_args(argv)
    result: int = args.handler(args)
    return result


if __name__ == "__main__":
    raise SystemExit(main())
