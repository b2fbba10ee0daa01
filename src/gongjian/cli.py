"""The `gongjian` command."""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import sys
from datetime import date

from gongjian.assembly import DATABASE_NAME, PlatformSettings, migrate, seed_and_admin, service_settings
from gongjian.serve import (
    SettingsError,
    load_settings,
    migrate_service,
    render_gateway_routes,
    run_relay,
    serve_health_gateway,
    serve_service,
)
from gongjian.services import SERVICES, service
from gongjian_shared.settings import BaseServiceSettings

SERVICE_NAMES = [entry.name for entry in SERVICES]


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


def _all_service_settings(platform: PlatformSettings) -> dict[str, BaseServiceSettings]:
    """Every service on its own {PREFIX}DATABASE__URL where one is set, the platform's server otherwise."""
    if all(f"{entry.env_prefix}DATABASE__URL" in os.environ for entry in SERVICES):
        # Every service names its own server (docker-compose): no platform database, none embedded.
        url = ""
    else:
        url = _platform_database_url(platform)
    return {entry.name: service_settings(entry, url, platform, None) for entry in SERVICES}


def _cmd_migrate(_: argparse.Namespace) -> int:
    settings = _all_service_settings(PlatformSettings())
    asyncio.run(migrate(settings))
    print("migrated: " + ", ".join(entry.name for entry in SERVICES))
    return 0


def _cmd_seed(_: argparse.Namespace) -> int:
    platform = PlatformSettings()
    settings = _all_service_settings(platform)
    asyncio.run(migrate(settings))
    boot = asyncio.run(seed_and_admin(settings["projects-api"], platform.admin_password, force_seed=True))
    assert boot.seeded is not None
    print(f"seeded: {boot.seeded.units_created} new units, {boot.seeded.targets_created} new targets")
    if boot.admin_password:
        print(f"created the account 'admin' with the generated password: {boot.admin_password}")
    return 0


def _projects_settings() -> BaseServiceSettings:
    platform = PlatformSettings()
    settings = _all_service_settings(platform)
    asyncio.run(migrate(settings))
    return settings["projects-api"]


def _print_problem(exc: Exception) -> int:
    from gongjian_shared.errors import ProblemError

    if not isinstance(exc, ProblemError):
        raise exc
    print(f"refused: {exc.title} ({exc.title_zh}){': ' + exc.detail if exc.detail else ''}", file=sys.stderr)
    for error in exc.errors:
        print(f"  {error.field}: {error.message} / {error.message_zh}", file=sys.stderr)
    return 1


def _cmd_accounts(args: argparse.Namespace) -> int:
    """`gongjian accounts create|reset-password|disable|import`: operators' account commands."""
    from pathlib import Path

    from gongjian_projects.accounts import commands

    settings = _projects_settings()
    try:
        if args.action == "create":
            created = asyncio.run(
                commands.create_account(
                    settings,
                    username=args.username,
                    display_name=args.display_name,
                    unit=args.unit,
                    roles=args.role,
                    password=args.password,
                    email=args.email,
                    phone=args.phone,
                )
            )
            print(f"created {created.username} ({created.account_id}); one-time password: {created.password}")
        elif args.action == "reset-password":
            created = asyncio.run(commands.reset_password(settings, args.username))
            print(f"reset {created.username}; one-time password: {created.password}")
        elif args.action == "disable":
            account_id = asyncio.run(commands.disable(settings, args.username))
            print(f"disabled {args.username} ({account_id}); its tokens no longer hold")
        else:
            imported = asyncio.run(commands.import_file(settings, Path(args.file).read_bytes()))
            for row in imported:
                print(f"{row.username}\t{row.password}")
            print(f"imported {len(imported)} accounts; give each person their one-time password")
    except Exception as exc:
        return _print_problem(exc)
    return 0


def _accounts_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    from gongjian_shared.auth import Role

    accounts = commands.add_parser("accounts", help="create, reset, disable or import accounts (账号)")
    actions = accounts.add_subparsers(dest="action", required=True)
    create = actions.add_parser("create", help="create a person's account; prints its one-time password")
    create.add_argument("--username", required=True)
    create.add_argument("--display-name", required=True)
    create.add_argument("--unit", help="the unit's name or id")
    create.add_argument(
        "--role", action="append", required=True, choices=[r.value for r in Role if r is not Role.SERVICE]
    )
    create.add_argument("--password", help="the initial password (generated when omitted)")
    create.add_argument("--email")
    create.add_argument("--phone")
    reset = actions.add_parser("reset-password", help="a new one-time password for USERNAME")
    reset.add_argument("username")
    disable = actions.add_parser("disable", help="disable USERNAME: its tokens stop holding")
    disable.add_argument("username")
    imports = actions.add_parser(
        "import", help="import accounts from an xlsx file (用户名/姓名/单位/角色/邮箱/手机)"
    )
    imports.add_argument("file")
    accounts.set_defaults(handler=_cmd_accounts)


def _cmd_recompute(args: argparse.Namespace) -> int:
    from gongjian_scoring.scores.service import recompute_all
    from gongjian_scoring.settings import ScoringSettings

    settings = _all_service_settings(PlatformSettings())["scoring-worker"]
    assert isinstance(settings, ScoringSettings)
    reports = asyncio.run(
        recompute_all(settings, rule_set_id=args.rule_set, year=args.year, as_of=args.as_of)
    )
    for report in reports:
        print(
            f"{report.rule_set_id} v{report.rule_set_version}: {report.units} units, "
            f"{report.snapshots_written} snapshots written, {report.events_emitted} score-updated events, "
            f"{report.seconds:.2f}s"
        )
    return 0


def _cmd_backup(args: argparse.Namespace) -> int:
    from pathlib import Path

    from gongjian.backup import BackupError, backup
    from gongjian.infra.postgres import default_bin_dir

    settings = _all_service_settings(PlatformSettings())
    try:
        manifest = backup(settings, Path(args.folder), default_bin_dir())
    except BackupError as exc:
        print(f"backup failed: {exc}", file=sys.stderr)
        return 1
    for name, facts in manifest["services"].items():
        print(
            f"{name}: schema {facts['schema']} at {', '.join(facts['alembic_revisions'])} in {facts['file']}"
        )
    print(f"backed up {len(manifest['files'])} files into {args.folder} ({manifest['pg_dump']})")
    return 0


def _cmd_restore(args: argparse.Namespace) -> int:
    from pathlib import Path

    from gongjian.backup import BackupError, restore
    from gongjian.infra.postgres import default_bin_dir

    settings = _all_service_settings(PlatformSettings())
    try:
        notes = restore(settings, Path(args.folder), default_bin_dir(), replace=args.replace)
    except BackupError as exc:
        print(f"restore failed: {exc}", file=sys.stderr)
        return 1
    asyncio.run(migrate(settings))
    for note in notes:
        print(note)
    print("migrated every schema to head; start the platform")
    return 0


def _backup_parsers(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    backup = commands.add_parser(
        "backup",
        help="dump every service's schema (one snapshot per database) and the evidence files into FOLDER",
    )
    backup.add_argument("folder", help="a new or empty folder")
    backup.set_defaults(handler=_cmd_backup)
    restore = commands.add_parser(
        "restore",
        help="restore a backup FOLDER into the configured databases and evidence stores, then migrate",
    )
    restore.add_argument("folder")
    restore.add_argument(
        "--replace",
        action="store_true",
        help="drop the services' schemas first when they already hold tables",
    )
    restore.set_defaults(handler=_cmd_restore)


def _cmd_serve(args: argparse.Namespace) -> int:
    entry = service(args.service)
    return serve_service(
        entry,
        load_settings(entry),
        args.host,
        args.port,
        forwarded_allow_ips=args.forwarded_allow_ips,
        workers=args.workers,
    )


def _cmd_relay(args: argparse.Namespace) -> int:
    entry = service(args.service)
    return asyncio.run(run_relay(entry, load_settings(entry)))


def _cmd_migrate_service(args: argparse.Namespace) -> int:
    entry = service(args.service)
    migrate_service(entry, load_settings(entry))
    print(f"migrated {entry.name}: schema {entry.spec.schema} at head")
    return 0


def _cmd_health_gateway(args: argparse.Namespace) -> int:
    return serve_health_gateway(dict(args.upstream), args.host, args.port, args.timeout)


def _cmd_gateway_routes(_: argparse.Namespace) -> int:
    sys.stdout.write(render_gateway_routes())
    return 0


def _positive(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        number = 0
    if number < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number of at least 1, got {value!r}")
    return number


def _upstream(value: str) -> tuple[str, str]:
    name, _, url = value.partition("=")
    if name not in SERVICE_NAMES or not url.startswith(("http://", "https://")):
        raise argparse.ArgumentTypeError(
            f"expected SERVICE=URL with SERVICE one of {', '.join(SERVICE_NAMES)}, e.g. "
            "projects-api=http://projects-api:8000"
        )
    return name, url


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
    from gongjian_scoring.engine.cli import main as score_main

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
    _accounts_parser(commands)
    _backup_parsers(commands)
    recompute = commands.add_parser("recompute", help="recompute every score sheet from the facts (全量重算)")
    recompute.add_argument("--rule-set", help="only this rule set, e.g. 2019-county")
    recompute.add_argument("--year", type=int)
    recompute.add_argument("--as-of", type=date.fromisoformat, help="the earliest date to score as of")
    recompute.set_defaults(handler=_cmd_recompute)
    serve = commands.add_parser("serve", help="serve one service's API in this process (docker-compose)")
    serve.add_argument("service", choices=SERVICE_NAMES)
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument(
        "--forwarded-allow-ips",
        default="127.0.0.1",
        help="proxies whose X-Forwarded-For gives the client address (the gateway); the per-address "
        "sign-in limit counts that address",
    )
    serve.add_argument(
        "--workers",
        type=_positive,
        default=os.environ.get("GONGJIAN_WORKERS", "1"),  # a string default goes through `type` too
        help="worker processes serving the service on the one port, each with the whole app (default "
        "GONGJIAN_WORKERS, else 1); about one per core",
    )
    serve.set_defaults(handler=_cmd_serve)
    relay = commands.add_parser("relay", help="publish one service's outbox to Kafka until SIGTERM")
    relay.add_argument("service", choices=SERVICE_NAMES)
    relay.set_defaults(handler=_cmd_relay)
    migrate_one = commands.add_parser(
        "migrate-service", help="migrate one service's schema on its own {PREFIX}DATABASE__URL"
    )
    migrate_one.add_argument("service", choices=SERVICE_NAMES)
    migrate_one.set_defaults(handler=_cmd_migrate_service)
    health = commands.add_parser(
        "health-gateway", help="answer /healthz with 200 only when every upstream's /readyz is ready"
    )
    health.add_argument("--upstream", type=_upstream, action="append", required=True, metavar="SERVICE=URL")
    health.add_argument("--host", default="127.0.0.1")
    health.add_argument("--port", type=int, default=8000)
    health.add_argument("--timeout", type=float, default=3.0, help="seconds per upstream /readyz")
    health.set_defaults(handler=_cmd_health_gateway)
    commands.add_parser(
        "gateway-routes", help="print the nginx routes of deploy/gateway/routes.conf"
    ).set_defaults(handler=_cmd_gateway_routes)
    events = commands.add_parser("events", help="print the event contracts as JSON Schema")
    events.add_argument(
        "--write", action="store_true", help="rewrite the checked-in schema files and asyncapi.json"
    )
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
    try:
        result: int = args.handler(args)
    except SettingsError as exc:
        print(exc, file=sys.stderr)
        return 2
    return result


if __name__ == "__main__":
    raise SystemExit(main())
