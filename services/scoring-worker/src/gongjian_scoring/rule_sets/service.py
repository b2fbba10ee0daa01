"""Rule sets as data (考核评分表): stored, versioned per year and unit kind, validated on the way in."""

from __future__ import annotations

import hashlib
import json
import uuid
from typing import Any

from pydantic import ValidationError

from gongjian_scoring.engine.rules import RuleSet, UnitKind, parse_rule_set
from gongjian_scoring.facts.errors import UnitNotScored
from gongjian_scoring.facts.repository import FactsQueries
from gongjian_scoring.models import StoredRuleSet
from gongjian_scoring.rule_sets.errors import RuleSetExists, RuleSetNotFound
from gongjian_scoring.rule_sets.repository import RuleSetRef, RuleSetRepository
from gongjian_scoring.rule_sets.schemas import RuleSetOut, RuleSetSummary, RuleSetSummaryPage
from gongjian_shared.auth import Principal
from gongjian_shared.concurrency import require_if_match
from gongjian_shared.errors import FieldError, InvalidInput, field_error, pydantic_field_errors
from gongjian_shared.pagination import Paging
from gongjian_shared.uow import UnitOfWork

# The registry's unit kinds each rule set scores (A9: the zones are ranked with the counties). The two power
# companies (`enterprise`) are not city departments (市直部门), so neither sheet scores them.
SCORED_UNIT_KINDS: dict[UnitKind, tuple[str, ...]] = {
    "county": ("county", "zone"),
    "department": ("department",),
}

_parsed: dict[str, RuleSet] = {}


def rule_set_kind(registry_kind: str) -> UnitKind | None:
    """The rule set kind that scores units of a registry kind, if any."""
    for kind, registry_kinds in SCORED_UNIT_KINDS.items():
        if registry_kind in registry_kinds:
            return kind
    return None


def parse_body(raw: bytes) -> RuleSet:
    """Validate a rule set document from the request body (numbers read as exact decimals)."""
    try:
        return parse_rule_set(raw)
    except ValidationError as error:
        raise InvalidInput(
            "The rule set did not pass validation; see errors for each path. / 考核评分表校验未通过。",
            errors=_body_errors(error),
        ) from None


def _body_errors(error: ValidationError) -> list[FieldError]:
    raw = [dict(e, loc=("body", *e["loc"])) for e in error.errors(include_url=False)]
    return pydantic_field_errors(raw)


def loaded(stored: StoredRuleSet) -> RuleSet:
    """The validated rule set of a stored version; parsed once per content."""
    text = json.dumps(stored.body, sort_keys=True, ensure_ascii=False)
    key = hashlib.sha256(text.encode()).hexdigest()
    rule_set = _parsed.get(key)
    if rule_set is None:
        rule_set = RuleSet.model_validate(stored.body)
        _remember(key, rule_set)
    return rule_set


async def rule_set_at(uow: UnitOfWork, ref: RuleSetRef) -> RuleSet:
    """The parsed rule set a reference names, reading its body only the first time."""
    key = f"{ref.id}/{ref.version}/{ref.revision}/{ref.updated_at.isoformat()}"
    rule_set = _parsed.get(key)
    if rule_set is None:
        rule_set = RuleSet.model_validate(await RuleSetRepository(uow.session).body(ref.id, ref.version))
        _remember(key, rule_set)
    return rule_set


def _remember(key: str, rule_set: RuleSet) -> None:
    if len(_parsed) > 256:
        _parsed.clear()
    _parsed[key] = rule_set


async def get_stored(uow: UnitOfWork, rule_set_id: str, version: int | None = None) -> StoredRuleSet:
    """A version of a rule set, or its latest version; 404 if there is none."""
    stored = await RuleSetRepository(uow.session).get(rule_set_id, version)
    if stored is None:
        which = f"{rule_set_id} v{version}" if version else rule_set_id
        raise RuleSetNotFound(f"No rule set {which}.")
    return stored


async def scoring_rule_set(uow: UnitOfWork, year: int, kind: UnitKind) -> StoredRuleSet:
    """The rule set live scores use for a year and unit kind (its latest version); 404 if there is none."""
    stored = await RuleSetRepository(uow.session).latest_for(year, kind)
    if stored is None:
        raise RuleSetNotFound(f"No rule set scores {kind} units in {year}.")
    return stored


async def unit_rule_set(uow: UnitOfWork, unit_id: uuid.UUID, year: int) -> StoredRuleSet:
    """The rule set that scores a unit in a year; 404 for a unit no rule set scores."""
    unit = await FactsQueries(uow.session).unit(unit_id)
    kind = rule_set_kind(unit[1]) if unit else None
    if kind is None:
        raise UnitNotScored(f"No assessment scores unit {unit_id}.")
    return await scoring_rule_set(uow, year, kind)


async def list_rule_sets(uow: UnitOfWork, year: int | None, paging: Paging) -> RuleSetSummaryPage:
    """The rule sets, each at its latest version, and whether a published assessment uses it."""
    repository = RuleSetRepository(uow.session)
    latest = await repository.latest_versions(year)
    published = await repository.published_versions([r.id for r in latest])
    return RuleSetSummaryPage.cut([summary(r, (r.id, r.version) in published) for r in latest], paging)


async def read_rule_set(uow: UnitOfWork, rule_set_id: str, version: int | None) -> RuleSetOut:
    """A version of a rule set (the latest by default) with its items and source text."""
    stored = await get_stored(uow, rule_set_id, version)
    return out(stored, await RuleSetRepository(uow.session).is_published(stored.id, stored.version))


async def create_rule_set(uow: UnitOfWork, principal: Principal, raw: bytes) -> StoredRuleSet:
    """A new rule set, e.g. next year's sheet, as version 1."""
    rule_set = parse_body(raw)
    repository = RuleSetRepository(uow.session)
    await repository.hold_the_list()  # also one creation at a time, so two cannot take one year and unit kind
    await repository.lock(rule_set.id)
    await _check_new(repository, rule_set)
    return await _add_version(uow, rule_set, 1, principal)


def tag_of(stored: StoredRuleSet | RuleSetSummary) -> str:
    """The ETag of a stored rule set: its version and its in-place revision (`2.3`)."""
    return f"{stored.version}.{stored.revision}"


async def revise_rule_set(
    uow: UnitOfWork, principal: Principal, rule_set_id: str, raw: bytes, if_match: str | None
) -> StoredRuleSet:
    """Change a rule set: in place while no published assessment uses its latest version, else version n+1."""
    rule_set = parse_body(raw)
    repository = RuleSetRepository(uow.session)
    await repository.share_the_list()  # before the rule set's lock, in the one order (`share_the_list`)
    await repository.lock(rule_set_id)
    latest = await get_stored(uow, rule_set_id)
    require_if_match(if_match, tag_of(latest))
    _check_same_identity(rule_set, latest)
    if await repository.is_published(latest.id, latest.version):
        return await _add_version(uow, rule_set, latest.version + 1, principal)
    await repository.revise(latest.id, latest.version, _body(rule_set, latest.version), rule_set.title)
    await uow.session.refresh(latest)
    return latest


async def _check_new(repository: RuleSetRepository, rule_set: RuleSet) -> None:
    """A new rule set has a new id, and no other rule set scores its year and unit kind."""
    if await repository.get(rule_set.id) is not None:
        raise RuleSetExists(
            f"Rule set {rule_set.id} exists; PUT /api/v1/scoring/rule-sets/{rule_set.id} revises it.",
            errors=[field_error("body.id", "unique", "A rule set with this id exists", "该评分表已存在")],
        )
    other = await repository.latest_for(rule_set.year, rule_set.unit_kind)
    if other is not None:
        raise RuleSetExists(
            f"Rule set {other.id} already scores {rule_set.unit_kind} units in {rule_set.year}.",
            errors=[
                field_error(
                    "body.unit_kind",
                    "one-per-year-and-kind",
                    f"{other.id} already scores this year and unit kind",
                    f"{other.id} 已是该年度该类别的评分表",
                )
            ],
        )


def _check_same_identity(rule_set: RuleSet, latest: StoredRuleSet) -> None:
    """A revision keeps the rule set's id, year and unit kind."""
    problems = [
        field_error(f"body.{name}", "unchanged", f"must stay {expected}", f"不可更改，应为 {expected}")
        for name, value, expected in (
            ("id", rule_set.id, latest.id),
            ("year", rule_set.year, latest.year),
            ("unit_kind", rule_set.unit_kind, latest.unit_kind),
        )
        if value != expected
    ]
    if problems:
        raise InvalidInput(
            "A revision keeps the rule set's id, year and unit kind; a new year is a new rule set.",
            errors=problems,
        )


async def _add_version(
    uow: UnitOfWork, rule_set: RuleSet, version: int, principal: Principal
) -> StoredRuleSet:
    """Store `rule_set` as a new version of its rule set (version 1: a new rule set)."""
    stored = StoredRuleSet(
        id=rule_set.id,
        version=version,
        year=rule_set.year,
        unit_kind=rule_set.unit_kind,
        title=rule_set.title,
        body=_body(rule_set, version),
        revision=1,
        builtin=False,
        created_by=principal.username,
    )
    repository = RuleSetRepository(uow.session)
    repository.add(stored)
    await repository.flush()
    await uow.session.refresh(stored)
    return stored


def _body(rule_set: RuleSet, version: int) -> dict[str, Any]:
    return rule_set.model_copy(update={"version": version}).model_dump(mode="json")


def summary(stored: StoredRuleSet, published: bool) -> RuleSetSummary:
    return RuleSetSummary(
        id=stored.id,
        version=stored.version,
        revision=stored.revision,
        year=stored.year,
        unit_kind=loaded(stored).unit_kind,
        title=stored.title,
        builtin=stored.builtin,
        published=published,
        created_by=stored.created_by,
        created_at=stored.created_at,
        updated_at=stored.updated_at,
    )


def out(stored: StoredRuleSet, published: bool) -> RuleSetOut:
    return RuleSetOut(**summary(stored, published).model_dump(), rule_set=loaded(stored))
