"""annual targets and the department award cap: the year's Annex 2 targets as the assessment keeps them
(A16, A17); the 2019 department rule set of an existing database gains A6 as revised (at most 5 advanced
units) as a new version, so published assessments keep the version they were published with

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-06 12:30:00.000000
"""

import json
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# A6 revised: the notice's body names 5 advanced departments. Written into the rule set as it read then.
AWARD_CAPS = {"2019-department": 5}
CREATED_BY = "system (migration 0007: A6 revised)"


def upgrade() -> None:
    op.create_table(
        "annual_targets",
        sa.Column("year", sa.SmallInteger(), nullable=False),
        sa.Column("targets", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("set_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("year", name=op.f("pk_annual_targets")),
        schema="scoring",
    )
    for rule_set_id, cap in AWARD_CAPS.items():
        _add_capped_version(rule_set_id, cap)


def _add_capped_version(rule_set_id: str, cap: int) -> None:
    """The rule set's latest version, with the cap, as version n+1; nothing when it already sets a cap (a
    database created since, whose built-in version 1 carries it, or a version the office wrote)."""
    bind = op.get_bind()
    latest = (
        bind.execute(
            sa.text(
                "SELECT version, year, unit_kind, title, body, builtin FROM scoring.rule_set"
                " WHERE id = :id ORDER BY version DESC LIMIT 1"
            ),
            {"id": rule_set_id},
        )
        .mappings()
        .first()
    )
    if latest is None or "a6_award_cap" in latest["body"]["settings"]:
        return
    version = latest["version"] + 1
    body = dict(latest["body"], version=version)
    body["settings"] = dict(body["settings"], a6_award_cap=cap)
    bind.execute(
        sa.text(
            "INSERT INTO scoring.rule_set"
            " (id, version, year, unit_kind, title, body, revision, builtin, created_by)"
            " VALUES (:id, :version, :year, :unit_kind, :title, CAST(:body AS jsonb), 1, :builtin, :created_by)"
        ),
        {
            "id": rule_set_id,
            "version": version,
            "year": latest["year"],
            "unit_kind": latest["unit_kind"],
            "title": latest["title"],
            "body": json.dumps(body, ensure_ascii=False),
            "builtin": latest["builtin"],
            "created_by": CREATED_BY,
        },
    )


def downgrade() -> None:
    """Remove the versions this migration added; one that an assessment was since published or a facts
    import scored with stays (the previous release would not read its cap), and the downgrade stops."""
    bind = op.get_bind()
    used = bind.execute(
        sa.text(
            "SELECT DISTINCT r.id, r.version FROM scoring.rule_set r"
            " WHERE r.created_by = :created_by AND ("
            " EXISTS (SELECT 1 FROM scoring.published_assessment p"
            "  WHERE p.rule_set_id = r.id AND p.rule_set_version = r.version)"
            " OR EXISTS (SELECT 1 FROM scoring.facts_import f"
            "  WHERE f.rule_set_id = r.id AND f.rule_set_version = r.version))"
        ),
        {"created_by": CREATED_BY},
    ).all()
    if used:
        names = ", ".join(f"{row.id} v{row.version}" for row in used)
        raise RuntimeError(f"cannot downgrade below 0007: {names} scored published assessments or imports")
    bind.execute(
        sa.text("DELETE FROM scoring.rule_set WHERE created_by = :created_by"), {"created_by": CREATED_BY}
    )
    op.drop_table("annual_targets", schema="scoring")
