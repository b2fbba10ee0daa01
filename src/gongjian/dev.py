"""`gongjian dev`: the embedded default on one machine, all services in one process on port 8000."""

from __future__ import annotations

import asyncio
import logging
import signal
from contextlib import ExitStack
from types import FrameType

import uvicorn

from gongjian.assembly import (
    DATABASE_NAME,
    PlatformSettings,
    migrate,
    seed_and_admin,
    service_settings,
    with_development_key,
)
from gongjian.clock_file import FileClock
from gongjian.gateway import Gateway
from gongjian.infra.kafka import KafkaBroker
from gongjian.infra.postgres import EmbeddedPostgres
from gongjian.services import SERVICES
from gongjian.web import built_console
from gongjian_shared.clock import Clock, SystemClock
from gongjian_shared.observability.logs import configure_logging
from gongjian_shared.observability.tracing import configure_tracing

logger = logging.getLogger("gongjian")


def _exit_cleanly(signum: int, frame: FrameType | None) -> None:
    raise SystemExit(0)


def dev_clock(platform: PlatformSettings) -> Clock:
    if platform.dev_clock_file is None:
        return SystemClock()
    print(f"Clock: moved by {platform.dev_clock_file} (GONGJIAN_DEV_CLOCK_FILE)")
    return FileClock(platform.dev_clock_file)


def run_dev(platform: PlatformSettings) -> int:
    # uvicorn re-raises SIGTERM after its graceful shutdown; turn it into SystemExit so the embedded
    # servers below are stopped on the way out.
    signal.signal(signal.SIGTERM, _exit_cleanly)
    # one persistent Ed25519 key in the state directory: projects-api signs with it, the others get its public half
    platform = with_development_key(platform)
    configure_logging(platform.log)  # readable text unless GONGJIAN_LOG__FORMAT=json
    configure_tracing(platform.tracing, "gongjian")
    with ExitStack() as stack:
        if platform.database is not None:
            database_url = platform.database.url.get_secret_value()
            print("PostgreSQL: external server from GONGJIAN_DATABASE__URL")
        else:
            postgres = EmbeddedPostgres(platform.state_dir / "postgres", port=platform.postgres_port)
            postgres.start()
            stack.callback(postgres.stop)
            postgres.create_database(DATABASE_NAME)
            database_url = postgres.url(DATABASE_NAME)
            print(
                f"PostgreSQL {postgres.version}: embedded, 127.0.0.1:{postgres.port}, data in {postgres.data_dir}"
            )
        bootstrap = platform.kafka.bootstrap
        if platform.bus == "kafka" and bootstrap is None:
            broker = KafkaBroker(platform.state_dir / "kafka")
            broker.start()
            stack.callback(broker.stop)
            bootstrap = broker.bootstrap_servers
            print(f"Kafka {broker.version}: started by the project on {bootstrap}")
        settings = {
            entry.name: service_settings(entry, database_url, platform, bootstrap) for entry in SERVICES
        }
        asyncio.run(migrate(settings))
        boot = asyncio.run(
            seed_and_admin(settings["projects-api"], platform.admin_password, force_seed=False)
        )
        if boot.seeded:
            print(
                f"Seed data loaded: {boot.seeded.units_created} units, {boot.seeded.targets_created} targets of 2019"
            )
        if boot.admin_password:
            print(f"Created the account 'admin' with the generated password: {boot.admin_password}")
            print("  (printed once; set GONGJIAN_ADMIN_PASSWORD to choose it)")
        web = built_console(platform.web_dist)
        clock = dev_clock(platform)
        gateway = Gateway(
            {entry.name: entry.create_app(settings[entry.name], clock) for entry in SERVICES}, web
        )
        base = f"http://{platform.host}:{platform.port}"
        print(f"Gongjian is serving on {base} (bus: {platform.bus})")
        if web is not None:
            print(f"  web console: {base}/    (built files in {web})")
        else:
            print(
                f"  web console: not built ({platform.web_dist}/index.html is missing): serving the API only"
            )
        print(f"  API docs: {base}/docs    health: {base}/healthz")
        print(f"  log in:   curl -X POST {base}/api/v1/auth/token -d 'username=admin&password=...'")
        config = uvicorn.Config(
            gateway,
            host=platform.host,
            port=platform.port,
            log_level="info",
            log_config=None,
            access_log=not platform.log.requests,
            lifespan="on",
        )
        uvicorn.Server(config).run()
    return 0
