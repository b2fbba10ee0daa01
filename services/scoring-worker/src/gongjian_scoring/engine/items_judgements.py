"""Items scored from the office's judgements: publicity, reporting findings, support failures, mechanism."""

from __future__ import annotations

from gongjian_scoring.engine.context import Context, Outcome, present
from gongjian_scoring.engine.numbers import exact, fmt, fmt_neg
from gongjian_scoring.engine.rule_types import (
    MechanismJudgementRule,
    MediaLevel,
    MediaRule,
    PerCountDeductionRule,
    SupportFailuresRule,
)

MEDIA_LABELS: dict[MediaLevel, str] = {
    "own_channels": "本单位网站微博微信 own channels",
    "city": "市级 city",
    "provincial": "省级 provincial",
    "central": "中央 central",
}


def media(rule: MediaRule, ctx: Context) -> Outcome:
    carried = present(ctx.unit.media)
    cap = rule.cap if ctx.settings.a1_publicity_cap is None else ctx.settings.a1_publicity_cap
    raw = exact(0)
    terms: list[str] = []
    for level, points_each in rule.points.scored():
        count = present(getattr(carried, level))
        raw += count * exact(points_each)
        terms.append(f"{MEDIA_LABELS[level]} {count} × {fmt(points_each)}")
    points = min(raw, exact(cap))
    text = f"宣传 media items: {' + '.join(terms)} = {fmt(raw)}"
    if raw > points:
        text += f", 最高 capped at {fmt(cap)}"
    return Outcome(points, True, f"{text} → {fmt(points)}")


def per_count_deduction(rule: PerCountDeductionRule, ctx: Context) -> Outcome:
    count = present(getattr(ctx.unit, rule.count_field))
    raw = count * exact(rule.per_finding)
    applied = min(raw, exact(rule.cap))
    text = (
        f"督查发现未按时报送或虚报瞒报 findings of late or false reporting: {count}"
        f" × {fmt_neg(rule.per_finding)} = {fmt_neg(raw)}"
    )
    if raw > applied:
        text += f", 最多扣 capped at {fmt_neg(rule.cap)}"
    return Outcome(-applied, True, f"{text} → {fmt(-applied)}")


def support_failures(rule: SupportFailuresRule, ctx: Context) -> Outcome:
    failures = present(ctx.unit.support_failures)
    severe = sum(1 for f in failures if present(f.severe))
    ordinary = len(failures) - severe
    raw = ordinary * exact(rule.per_failure) + severe * exact(rule.severe)
    applied = min(raw, exact(rule.cap))
    text = (
        f"要素保障不到位 confirmed support failures: {ordinary} × {fmt_neg(rule.per_failure)},"
        f" 情况特别严重 especially serious {severe} × {fmt_neg(rule.severe)} = {fmt_neg(raw)}"
    )
    if raw > applied:
        text += f", 最多扣 capped at {fmt_neg(rule.cap)}"
    return Outcome(-applied, True, f"{text} → {fmt(-applied)}")


def mechanism_judgement(rule: MechanismJudgementRule, ctx: Context) -> Outcome:
    recorded = present(ctx.unit.mechanism)
    checks = (
        ("机制健全 mechanism established", present(recorded.established), rule.established),
        ("管理规范推进有力 managed and pushed", present(recorded.managed), rule.managed),
        ("每月报送 monthly reporting", present(recorded.monthly_reporting), rule.monthly_reporting),
    )
    points = sum((exact(worth) for _, met, worth in checks if met), start=exact(0))
    terms = ", ".join(f"{label} {'+' + fmt(worth) if met else '0 (not met)'}" for label, met, worth in checks)
    return Outcome(points, True, f"{terms} → {fmt(points)}")
