"""Items scored from the key projects: investment completion, starts and completions, provincial bonus."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from fractions import Fraction

from gongjian_scoring.engine.context import (
    Context,
    Outcome,
    in_plan,
    no_target,
    not_applicable,
    plural,
    present,
    recognition_closes,
)
from gongjian_scoring.engine.facts import KeyProject
from gongjian_scoring.engine.numbers import exact, fmt, fmt_amount, fmt_neg, fmt_pct
from gongjian_scoring.engine.rule_types import (
    Checkpoint,
    CompletionBand,
    CompletionRatioRule,
    GapBand,
    ProvincialBonusRule,
    StartCheckpointsRule,
)


def completion_ratio(rule: CompletionRatioRule, ctx: Context) -> Outcome:
    applies = ctx.key_project_items_apply()
    if applies is False:
        return no_target("key_projects")
    projects = ctx.key_projects_in_plan(ctx.as_of)
    removed = len(present(ctx.unit.key_projects)) - len(projects)
    removed_note = f" ({plural(removed, 'project')} removed from the plan left out, A8)" if removed else ""
    planned = sum((present(p.planned_10k) for p in projects), start=Decimal(0))
    if planned == 0:
        if applies:
            return Outcome(
                exact(0),
                True,
                f"附件2 目标任务 the item applies (A16) but no key project with planned investment is in the"
                f" plan{removed_note} → 0",
            )
        return not_applicable(f"no key project with planned investment in the plan{removed_note}")
    completed = sum((present(p.completed_10k) for p in projects), start=Decimal(0))
    ratio = exact(completed) / exact(planned)
    raw = ratio * exact(rule.weight)
    capped = min(raw, exact(rule.cap))
    text = (
        f"完成投资 completed {fmt_amount(completed)}/{fmt_amount(planned)} 万元 = {fmt_pct(ratio)}"
        f" × {fmt(rule.weight)}"
        f" = {fmt(raw)}{removed_note}"
    )
    if raw > capped:
        text += f", 最高 capped at {fmt(rule.cap)}"
    if not rule.bands:
        return Outcome(capped, True, f"{text} → {fmt(capped)}")
    few = len(projects) < rule.few_projects_below
    counts = _band_counts(projects, rule.bands)
    deduction = sum(
        (n * exact(band.points_few_projects if few else band.points) for band, n in counts), start=exact(0)
    )
    applied = min(deduction, exact(rule.deduction_cap))
    points = max(capped - applied, exact(rule.floor))
    if not counts:
        return Outcome(
            points,
            True,
            f"{text}; 扣分 deductions: none, no project below {_top(rule.bands)}% → {fmt(points)}",
        )
    terms = ", ".join(
        f"{plural(n, 'project')} {_band_label(band)} {fmt_neg(band.points_few_projects if few else band.points)}"
        + (" each" if n > 1 else "")
        for band, n in counts
    )
    few_note = (
        f" (少于{rule.few_projects_below}个项目 fewer than {rule.few_projects_below} key projects)"
        if few
        else ""
    )
    text += f"; 扣分 deductions{few_note}: {terms}"
    if deduction > applied:
        text += f" = {fmt_neg(deduction)}, 最多扣 capped at {fmt_neg(rule.deduction_cap)}"
    if capped - applied < exact(rule.floor):
        text += f", floor {fmt(rule.floor)}"
    return Outcome(points, True, f"{text} → {fmt(points)}")


def _band_counts(projects: list[KeyProject], bands: list[CompletionBand]) -> list[tuple[CompletionBand, int]]:
    # lower <= completed/planned × 100 < upper, cross-multiplied: decimal products are exact
    shares = [
        (present(p.completed_10k) * 100, present(p.planned_10k))
        for p in projects
        if present(p.planned_10k) != 0  # no annual task, so no annual completion to judge
    ]
    counts: list[tuple[CompletionBand, int]] = []
    for band in bands:
        n = sum(1 for done, planned in shares if band.lower_pct * planned <= done < band.upper_pct * planned)
        if n:
            counts.append((band, n))
    return counts


def _band_label(band: CompletionBand) -> str:
    if band.lower_pct == 0:
        return f"below {fmt(band.upper_pct)}%"
    return f"in [{fmt(band.lower_pct)}%,{fmt(band.upper_pct)}%)"


def _top(bands: list[CompletionBand]) -> str:
    return fmt(max(band.upper_pct for band in bands))


def start_checkpoints(rule: StartCheckpointsRule, ctx: Context) -> Outcome:
    checkpoints = rule.checkpoints if ctx.settings.a4_checkpoints is None else ctx.settings.a4_checkpoints
    applies = ctx.key_project_items_apply()
    if applies is False:
        return no_target("key_projects")
    projects = present(ctx.unit.key_projects)
    if applies and not projects:
        return Outcome(
            exact(0), True, "附件2 目标任务 the item applies (A16) but no key project is registered → 0"
        )
    new_starts_ever = any(
        present(p.new_start) and in_plan(p, checkpoint.on, ctx.settings)
        for p in projects
        for checkpoint in checkpoints
    )
    in_plan_now = ctx.key_projects_in_plan(ctx.as_of)
    planned_completions = [p for p in in_plan_now if present(p.planned_completion)]
    if not new_starts_ever and not planned_completions and not applies:
        return not_applicable("no new-start project and no planned completion in the plan")
    parts: list[str] = []
    deduction = exact(0)
    for checkpoint in checkpoints:
        text, points = _checkpoint(checkpoint, rule.gap_bands, projects, ctx)
        parts.append(text)
        deduction += points
    not_completed = [p for p in planned_completions if p.completed_on is None]
    incomplete = len(not_completed) * exact(rule.incomplete_penalty)
    incomplete_applied = min(incomplete, exact(rule.incomplete_cap))
    completion_text = (
        f"计划竣工未竣工 planned completions not completed: {len(not_completed)} of {len(planned_completions)},"
        f" {len(not_completed)} × {fmt_neg(rule.incomplete_penalty)} = {fmt_neg(incomplete)}"
    )
    if incomplete > incomplete_applied:
        completion_text += f", 最多扣 capped at {fmt_neg(rule.incomplete_cap)}"
    parts.append(completion_text)
    raw = exact(rule.full) - deduction - incomplete_applied
    points = max(raw, exact(rule.floor))
    arithmetic = f"{fmt(rule.full)} - {fmt(deduction)} - {fmt(incomplete_applied)} = {fmt(raw)}"
    if raw < points:
        arithmetic += f", floor {fmt(rule.floor)} → {fmt(points)}"
    return Outcome(points, True, "; ".join(parts) + f" → {arithmetic}")


def _checkpoint(
    checkpoint: Checkpoint, bands: list[GapBand], projects: list[KeyProject], ctx: Context
) -> tuple[str, Fraction]:
    day = checkpoint.on
    label = f"{day.month}月{day.day}日 ({day.isoformat()}, target {fmt(checkpoint.target_pct)}%)"
    if ctx.as_of < day:
        return f"{label}: 尚未考核 not assessed yet as of {ctx.as_of.isoformat()}", exact(0)
    counted = [p for p in projects if present(p.new_start) and in_plan(p, day, ctx.settings)]
    if not counted:
        return f"{label}: no new-start project in the plan, nothing to assess", exact(0)
    started = [p for p in counted if p.started_on is not None and _started_by(p.started_on, day, ctx)]
    rate = Fraction(len(started), len(counted))
    gap = exact(checkpoint.target_pct) - rate * 100
    unit = "points"
    if ctx.settings.a3_gap_measure == "relative_to_target":
        gap = gap / exact(checkpoint.target_pct) * 100 if checkpoint.target_pct else exact(0)
        unit = "% of the target"
    band = next((b for b in bands if _in_gap_band(gap, b)), None)
    points = exact(band.points) if band else exact(0)
    text = (
        f"{label}: 已开工 started {len(started)}/{len(counted)} new-start projects = {fmt_pct(rate)},"
        f" gap {fmt(gap)} {unit} → {fmt_neg(points)}"
    )
    closes = recognition_closes(day)
    if ctx.as_of < closes:
        text += f" (provisional: 开工认定 start recognition open until {closes.isoformat()})"
    return text, points


def _started_by(started_on: date, day: date, ctx: Context) -> bool:
    return started_on <= day if ctx.settings.a13_checkpoint_day == "inclusive" else started_on < day


def _in_gap_band(gap: Fraction, band: GapBand) -> bool:
    lower = exact(band.lower_pct)
    above = gap > lower or (band.lower_inclusive and gap == lower)
    if band.upper_pct is None:
        return above
    upper = exact(band.upper_pct)
    return above and (gap < upper or (band.upper_inclusive and gap == upper))


def provincial_bonus(rule: ProvincialBonusRule, ctx: Context) -> Outcome:
    qualifying = [
        p
        for p in ctx.key_projects_in_plan(ctx.as_of)
        if present(p.provincial_key) and present(p.ahead_of_schedule) and _started(p, ctx)
    ]
    raw = len(qualifying) * exact(rule.per_project)
    points = min(raw, exact(rule.cap))
    text = (
        f"省级重点项目已开工且超序时进度 provincial key projects started and ahead of schedule:"
        f" {len(qualifying)} × {fmt(rule.per_project)} = {fmt(raw)}"
    )
    if raw > points:
        text += f", 最高 capped at {fmt(rule.cap)}"
    return Outcome(points, True, f"{text} → {fmt(points)}")


def _started(project: KeyProject, ctx: Context) -> bool:
    """A11: under construction is started, so a continuing project counts as started."""
    if project.started_on is not None:
        return project.started_on <= ctx.as_of
    return ctx.settings.a11_started == "continuing_or_recognised" and not present(project.new_start)
