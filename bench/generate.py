"""Synthetic registry data at province scale, bulk-loaded with COPY into the projects-api schema.

Rows go straight into `projects.units`, `projects.projects` and `projects.progress_reports` (binary COPY
through asyncpg): no events are written, so consumers' replicas do not see these rows. Load into a freshly
migrated database, once: names and codes are unique per load, not across loads.

    python -m bench.generate --dsn postgresql://gongjian@127.0.0.1:5432/bench --units 5000 --projects 100000
"""

from __future__ import annotations

import argparse
import asyncio
import random
import time
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

import asyncpg
from sqlalchemy import Table

from gongjian_projects.models import SCHEMA, ProgressReport, Project, ProjectIdentity, Unit

UNIT_KINDS = ("county", "zone", "department", "enterprise")
UNIT_KIND_WEIGHTS = (0.10, 0.05, 0.35, 0.50)
PROJECT_KINDS = ("key", "prephase", "planned", "attraction")
OTHER_KIND_WEIGHTS = (0.20, 0.30, 0.10)  # of prephase, planned and attraction, relative to one another
PLAN_CATEGORIES = ("new-start", "continuing", "completion")
# A fixed account id recorded as the reporter and acceptor: progress_reports has no foreign key to users.
SYNTHETIC_REPORTER = uuid.UUID("00000000-0000-4000-8000-00000000b0b0")
CENT = Decimal("0.01")


@dataclass(frozen=True)
class Scale:
    """How much to generate. `months` of accepted reports are written for every key project (重点项目),
    which make up `key_share` of the projects."""

    units: int = 5_000
    projects: int = 100_000
    months: int = 6
    year: int = 2019
    seed: int = 2019
    key_share: float = 0.4

    def __post_init__(self) -> None:
        if self.units < 1 or self.projects < 0 or not 0 <= self.months <= 12 or not 0 <= self.key_share <= 1:
            raise ValueError(
                "units >= 1, projects >= 0, 0 <= months <= 12 and 0 <= key_share <= 1 are required"
            )

    @property
    def kind_weights(self) -> tuple[float, ...]:
        others = sum(OTHER_KIND_WEIGHTS)
        return (self.key_share, *((1 - self.key_share) * weight / others for weight in OTHER_KIND_WEIGHTS))

    def describe(self) -> str:
        return f"{self.units:,} units, {self.projects:,} projects, {self.months} months of reports"


@dataclass
class Dataset:
    """What a load wrote: enough ids for benchmarks to pick requests from."""

    dsn: str
    scale: Scale
    unit_ids: list[uuid.UUID] = field(default_factory=list)
    project_ids: list[uuid.UUID] = field(default_factory=list)
    key_project_ids: list[uuid.UUID] = field(default_factory=list)
    reports: int = 0
    load_seconds: float = 0.0

    @property
    def database_url(self) -> str:
        """The SQLAlchemy URL services take (`DATABASE__URL`)."""
        return self.dsn.replace("postgresql://", "postgresql+asyncpg://", 1)

    def describe(self) -> str:
        return (
            f"{len(self.unit_ids):,} units, {len(self.project_ids):,} projects, {self.reports:,} reports "
            f"loaded in {self.load_seconds:.1f} s"
        )


def _money(rng: random.Random, low: float, high: float) -> Decimal:
    return Decimal(rng.uniform(low, high)).quantize(CENT)


def unit_rows(scale: Scale, rng: random.Random, ids: list[uuid.UUID]) -> Iterator[tuple[Any, ...]]:
    kinds = rng.choices(UNIT_KINDS, weights=UNIT_KIND_WEIGHTS, k=len(ids))
    for number, (unit_id, kind) in enumerate(zip(ids, kinds, strict=True)):
        admin_code = f"{610000 + number}" if kind in ("county", "zone") and number < 380_000 else None
        yield (unit_id, f"合成单位{number:06d}", kind, admin_code, None, False, 1)


UNIT_COLUMNS = ("id", "name", "kind", "admin_code", "parent_unit_id", "joint_meeting_member", "revision")


def project_rows(
    scale: Scale, rng: random.Random, unit_ids: Sequence[uuid.UUID], ids: list[uuid.UUID]
) -> Iterator[tuple[Any, ...]]:
    # A few units own many projects, most own a handful, as in the real registry.
    weights = [1.0 / (rank + 1) ** 0.7 for rank in range(len(unit_ids))]
    owners = rng.choices(unit_ids, weights=weights, k=len(ids))
    kinds = rng.choices(PROJECT_KINDS, weights=scale.kind_weights, k=len(ids))
    for number, (project_id, owner, kind) in enumerate(zip(ids, owners, kinds, strict=True)):
        total = _money(rng, 500, 500_000)
        start = date(scale.year, rng.randint(1, 9), rng.randint(1, 28))
        division = 610900 + (number // 1_000_000) % 90
        yield (
            project_id,
            scale.year,
            kind,
            f"合成项目{number:07d}",
            f"{scale.year}-{division:06d}-{rng.randint(1, 99):02d}-{rng.randint(1, 3):02d}-{number % 1_000_000:06d}",
            owner,
            rng.choice(PLAN_CATEGORIES) if kind == "key" else None,
            total,
            (total * Decimal(rng.uniform(0.1, 0.6))).quantize(CENT),
            start,
            start + timedelta(days=rng.randint(180, 1500)),
            "合成数据：道路、桥梁与配套设施建设",
            "planned",
            1,
        )


PROJECT_COLUMNS = (
    "id",
    "year",
    "kind",
    "name",
    "code",
    "unit_id",
    "plan_category",
    "total_investment_10k",
    "planned_investment_10k",
    "planned_start",
    "planned_completion",
    "construction_content",
    "status",
    "revision",
    "identity_id",
)
IDENTITY_COLUMNS = ("id", "code", "name", "unit_id")


def report_rows(
    scale: Scale, rng: random.Random, key_projects: Sequence[tuple[uuid.UUID, uuid.UUID, Decimal]]
) -> Iterator[tuple[Any, ...]]:
    for project_id, unit_id, total in key_projects:
        cumulative = Decimal(0)
        monthly_cap = total / Decimal(24)
        for month in range(1, scale.months + 1):
            completed = (monthly_cap * Decimal(rng.uniform(0.2, 1.0))).quantize(CENT)
            cumulative += completed
            submitted = datetime(scale.year, month, 25, 2, 0, tzinfo=UTC) + timedelta(
                hours=rng.randint(0, 200)
            )
            yield (
                uuid.UUID(int=rng.getrandbits(128), version=4),
                project_id,
                unit_id,
                scale.year,
                month,
                completed,
                cumulative,
                "按计划推进",
                Decimal(min(100, month * 8)).quantize(CENT),
                None,
                "accepted",
                False,
                SYNTHETIC_REPORTER,
                submitted,
                SYNTHETIC_REPORTER,
                submitted + timedelta(days=2),
            )


REPORT_COLUMNS = (
    "id",
    "project_id",
    "unit_id",
    "year",
    "month",
    "completed_10k",
    "cumulative_10k",
    "physical_progress",
    "image_progress_percent",
    "problems",
    "status",
    "late",
    "submitted_by",
    "submitted_at",
    "accepted_by",
    "accepted_at",
)

BATCH_ROWS = 50_000

# NOT NULL columns that PostgreSQL cannot fill itself (no default, not identity, not generated).
REQUIRED_COLUMNS = """
    SELECT attname FROM pg_attribute
    WHERE attrelid = $1::regclass AND attnum > 0 AND NOT attisdropped
      AND attnotnull AND NOT atthasdef AND attidentity = '' AND attgenerated = ''
"""


class GeneratorError(RuntimeError):
    """The schema has a required column the generator does not know how to fill."""


async def _constant_columns(
    connection: asyncpg.Connection, table: Table, given: Sequence[str]
) -> dict[str, Any]:
    """Required columns the generator does not write, filled with the model's scalar default as the ORM
    would, so a column added later by a migration does not break the load; one with no default stops it."""
    rows = await connection.fetch(REQUIRED_COLUMNS, f'"{table.schema}"."{table.name}"')
    constants: dict[str, Any] = {}
    for name in sorted({row["attname"] for row in rows} - set(given)):
        column = table.c.get(name)
        default = column.default if column is not None else None
        if default is None or not getattr(default, "is_scalar", False):
            raise GeneratorError(
                f"{table.name}.{name} is required and has no default: fill it in bench/generate.py"
            )
        constants[name] = getattr(default, "arg", None)
    return constants


async def _copy(
    connection: asyncpg.Connection, table: Table, columns: Sequence[str], rows: Iterator[tuple[Any, ...]]
) -> int:
    """COPY in batches, so memory stays flat however many rows are asked for."""
    constants = await _constant_columns(connection, table, columns)
    extra = tuple(constants.values())
    total = 0
    while True:
        batch = [row + extra for _, row in zip(range(BATCH_ROWS), rows, strict=False)]
        if not batch:
            return total
        await connection.copy_records_to_table(
            table.name, records=batch, columns=[*columns, *constants], schema_name=table.schema
        )
        total += len(batch)


async def _has_table(connection: asyncpg.Connection, table: Table) -> bool:
    return await connection.fetchval("SELECT to_regclass($1)", f'"{table.schema}"."{table.name}"') is not None


def _table(model: type[Any]) -> Table:
    table = model.__table__
    assert isinstance(table, Table)
    return table


async def load(dsn: str, scale: Scale) -> Dataset:
    """Generate and COPY `scale` into the migrated database at `dsn` (a plain postgresql:// URL)."""
    started = time.perf_counter()
    rng = random.Random(scale.seed)

    def new_ids(count: int) -> list[uuid.UUID]:
        return [uuid.UUID(int=rng.getrandbits(128), version=4) for _ in range(count)]

    dataset = Dataset(
        dsn=dsn, scale=scale, unit_ids=new_ids(scale.units), project_ids=new_ids(scale.projects)
    )
    connection = await asyncpg.connect(dsn, timeout=30)
    try:
        async with connection.transaction():
            await _copy(connection, _table(Unit), UNIT_COLUMNS, unit_rows(scale, rng, dataset.unit_ids))
            key_projects: list[tuple[uuid.UUID, uuid.UUID, Decimal]] = []

            rows = list(project_rows(scale, rng, dataset.unit_ids, dataset.project_ids))
            # each project one identity (its id, code, name, unit) holding its one plan entry; a schema from
            # before identities (projects 0014, as the upgrade test loads) has projects alone
            with_identities = await _has_table(connection, _table(ProjectIdentity))
            if with_identities:
                identities = ((row[0], row[4], row[3], row[5]) for row in rows)
                await _copy(connection, _table(ProjectIdentity), IDENTITY_COLUMNS, identities)

            def projects() -> Iterator[tuple[Any, ...]]:
                for row in rows:
                    if row[2] == "key":
                        key_projects.append((row[0], row[5], row[7]))
                    yield (*row, row[0]) if with_identities else row

            columns = PROJECT_COLUMNS if with_identities else PROJECT_COLUMNS[:-1]
            await _copy(connection, _table(Project), columns, projects())
            dataset.key_project_ids = [project_id for project_id, _, _ in key_projects]
            if scale.months:
                dataset.reports = await _copy(
                    connection, _table(ProgressReport), REPORT_COLUMNS, report_rows(scale, rng, key_projects)
                )
        for table in ("units", "projects", "progress_reports"):
            await connection.execute(f'ANALYZE "{SCHEMA}"."{table}"')
    finally:
        await connection.close()
    dataset.load_seconds = time.perf_counter() - started
    return dataset


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.generate", description=__doc__.splitlines()[0])
    parser.add_argument("--dsn", required=True, help="postgresql://... of a database migrated to head")
    defaults = Scale()
    parser.add_argument("--units", type=int, default=defaults.units)
    parser.add_argument("--projects", type=int, default=defaults.projects)
    parser.add_argument("--months", type=int, default=defaults.months)
    parser.add_argument("--year", type=int, default=defaults.year)
    parser.add_argument("--seed", type=int, default=defaults.seed)
    parser.add_argument("--key-share", type=float, default=defaults.key_share, help="share of key projects")
    args = parser.parse_args(argv)
    scale = Scale(args.units, args.projects, args.months, args.year, args.seed, args.key_share)
    dataset = asyncio.run(load(args.dsn, scale))
    print(dataset.describe())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
