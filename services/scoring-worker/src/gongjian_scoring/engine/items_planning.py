"""Items scored from pre-phase and planned projects: pre-phase work, planning, planning funds, promotion."""

from __future__ import annotations

import math
from fractions import Fraction

from gongjian_scoring.engine.context import Context, Outcome, no_target, not_applicable, plural, present
from gongjian_scoring.engine.facts import PlannedProject
from gongjian_scoring.engine.numbers import exact, fmt, fmt_amount
from gongjian_scoring.engine.rule_types import (
    FundsPerUnitRule,
    PlanningRule,
    PlanningTier,
    PrephaseRule,
    PromotionBonusRule,
)


def prephase(rule: PrephaseRule, ctx: Context) -> Outcome:
    """A16: with targets, the item applies when the pre-phase target N is above 0 and counts max(N, registered)
    projects, each one not registered counting as not done."""
    projects = present(ctx.unit.prephase_projects)
    targets = ctx.targets
    if targets is None and not projects:
        return not_applicable("no pre-phase project (重点前期项目) this year")
    if targets is not None and targets.prephase_projects == 0:
        return no_target("prephase_projects")
    target = 0 if targets is None else targets.prephase_projects
    unregistered = max(target - len(projects), 0)
    count = len(projects) + unregistered
    missing = sum(1 for p in projects if not present(p.done)) + unregistered
    unregistered_note = (
        f" (附件2 目标任务 Annex 2 target {target}: {plural(unregistered, 'project')} not registered, each"
        " not done, A16)"
        if unregistered
        else ""
    )
    full = exact(rule.full)
    if missing == 0:
        done = "the only pre-phase project done" if count == 1 else f"all {count} done"
        return Outcome(full, True, f"前期工作完成 pre-phase work: {done} → {fmt(full)}")
    if count == 1:
        raw = full - exact(rule.single_project)
        text = (
            f"前期工作 the only pre-phase project is not done{unregistered_note}:"
            f" {fmt(full)} - {fmt(rule.single_project)}"
        )
    else:
        raw = full - missing * exact(rule.per_missing)
        text = (
            f"前期工作 pre-phase projects not done: {missing}/{count}{unregistered_note}:"
            f" {fmt(full)} - {missing} × {fmt(rule.per_missing)}"
        )
    points = max(raw, exact(rule.floor))
    text += f" = {fmt(raw)}" + (f", floor {fmt(rule.floor)}" if raw < points else "")
    return Outcome(points, True, f"{text} → {fmt(points)}")


def planning(rule: PlanningRule, ctx: Context) -> Outcome:
    """A16: with targets, the item applies when the planned-projects target N is above 0, and the task is done
    when the unit says so and at least N of its planned projects reached proposal depth or deeper."""
    projects = present(ctx.unit.planned_projects)
    reported_done = present(ctx.unit.planning_task_done)
    targets = ctx.targets
    depth_note = ""
    if targets is None:
        if not projects and not reported_done:
            return not_applicable("no planned project (策划包装项目) this year")
        done = reported_done
    else:
        if targets.planned_projects == 0:
            return no_target("planned_projects")
        deep = sum(1 for p in projects if present(p.depth) in ("proposal", "feasibility"))
        done = reported_done and deep >= targets.planned_projects
        depth_note = (
            f" ({deep} planned projects at proposal depth or deeper, Annex 2 target"
            f" {targets.planned_projects}, A16)"
        )
    settings = ctx.settings
    base_value = rule.base if settings.a2_planning_base is None else settings.a2_planning_base
    item_cap = rule.item_cap if settings.a2_planning_item_cap is None else settings.a2_planning_item_cap
    base = exact(base_value) if done else exact(0)
    parts = [
        f"策划任务完成并达到项目建议书深度 planning task done at proposal depth{depth_note}: base {fmt(base_value)}"
        if done
        else f"策划任务未完成 planning task not done{depth_note}: base 0"
    ]
    tier_raw, tier_text = _tier_bonuses(projects, rule.tiers, settings.a10_planning_tiers == "highest")
    tier = min(tier_raw, exact(rule.tier_bonus_cap))
    parts.append(
        f"规模 size bonuses: {tier_text} = {fmt(tier_raw)}"
        + (f", 最高 capped at {fmt(rule.tier_bonus_cap)}" if tier_raw > tier else "")
    )
    feasible = sum(1 for p in projects if present(p.depth) == "feasibility")
    filed = sum(1 for p in projects if present(p.in_prephase_plan_and_filed))
    parts.append(f"可研深度 feasibility depth: {feasible} × {fmt(rule.feasibility_bonus)}")
    parts.append(
        f"纳入前期计划并完成备案核准 in the pre-phase plan and filed: {filed} × {fmt(rule.filed_bonus)}"
    )
    bonuses = tier + feasible * exact(rule.feasibility_bonus) + filed * exact(rule.filed_bonus)
    if not done and settings.a12_bonuses_without_base == "void":
        parts.append("bonuses void without the base (A12)")
        bonuses = exact(0)
    raw = base + bonuses
    points = raw if item_cap is None else min(raw, exact(item_cap))
    arithmetic = f"{fmt(base)} + {fmt(bonuses)} = {fmt(raw)}"
    if raw > points:
        arithmetic += f", 最高 capped at {fmt(present(item_cap))} → {fmt(points)}"
    return Outcome(points, True, "; ".join(parts) + f" → {arithmetic}")


def _tier_bonuses(
    projects: list[PlannedProject], tiers: list[PlanningTier], highest_only: bool
) -> tuple[Fraction, str]:
    ordered = sorted(tiers, key=lambda t: t.min_total_10k, reverse=True)
    counts = [0] * len(ordered)
    multi_tier = False
    for project in projects:
        total = present(project.total_investment_10k)
        reached = [i for i, tier in enumerate(ordered) if total >= tier.min_total_10k]
        multi_tier = multi_tier or len(reached) > 1
        for i in reached[:1] if highest_only else reached:
            counts[i] += 1
    raw = sum((n * exact(tier.bonus) for tier, n in zip(ordered, counts, strict=True)), start=exact(0))
    terms = [
        f"{n} × ≥ {fmt_amount(tier.min_total_10k)} 万元 +{fmt(tier.bonus)}"
        for tier, n in zip(ordered, counts, strict=True)
        if n
    ]
    text = ", ".join(terms) or "no project reaches a size tier"
    if multi_tier and highest_only:
        text += " (A10: a project earns the bonus of its highest tier only)"
    return raw, text


def funds_per_unit(rule: FundsPerUnitRule, ctx: Context) -> Outcome:
    amount = present(ctx.unit.planning_funds_in_place_10k)
    units = exact(amount) / exact(rule.unit_10k)
    if ctx.settings.a7_partial_unit == "floor":
        units = exact(math.floor(units))
        counted = f"{fmt(units)} full units of {fmt_amount(rule.unit_10k)} 万元 (A7: floor)"
    else:
        counted = f"{fmt(units)} units of {fmt_amount(rule.unit_10k)} 万元"
    raw = units * exact(rule.points_per_unit)
    points = min(raw, exact(rule.cap))
    text = (
        f"策划经费到位 planning funds in place {fmt_amount(amount)} 万元 = {counted}"
        f" × {fmt(rule.points_per_unit)} = {fmt(raw)}"
    )
    if raw > points:
        text += f", 最高 capped at {fmt(rule.cap)}"
    return Outcome(points, True, f"{text} → {fmt(points)}")


def promotion_bonus(rule: PromotionBonusRule, ctx: Context) -> Outcome:
    proposed = sum(1 for p in present(ctx.unit.planned_projects) if present(p.proposed_for_next_year))
    raw = proposed * exact(rule.per_project)
    points = min(raw, exact(rule.cap))
    text = (
        f"拟列入下一年度市级重点项目计划 planned projects proposed for next year's plan:"
        f" {proposed} × {fmt(rule.per_project)} = {fmt(raw)}"
    )
    if raw > points:
        text += f", 最高 capped at {fmt(rule.cap)}"
    return Outcome(points, True, f"{text} → {fmt(points)}")
