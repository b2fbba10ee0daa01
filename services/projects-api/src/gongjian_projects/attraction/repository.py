from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from sqlalchemy import ColumnElement, Integer, func, select

from gongjian_projects.models import AnnualTarget, Project, Unit
from gongjian_shared.repository import Repository

OVER_500M_10K = Decimal(50_000)  # 5亿元 in 万元


class AttractionRepository(Repository):
    async def tally(self, year: int, visible: ColumnElement[bool] | None) -> Sequence[Any]:
        """Per unit with attraction projects of the year (not removed): (unit id, name, counts..., sums...)."""

        def counted(condition: ColumnElement[bool]) -> Any:
            return func.coalesce(func.sum(condition.cast(Integer)), 0)

        def summed(column: Any) -> Any:
            return func.coalesce(func.sum(column), 0)

        query = (
            select(
                Unit.id,
                Unit.name,
                func.count(),
                counted(Project.attraction_stage.in_(("landed", "started"))),
                counted(Project.attraction_stage == "started"),
                counted(Project.signed_amount_10k >= OVER_500M_10K),
                counted(Project.capital_origin == "foreign"),
                counted(Project.returning_entrepreneur.is_(True)),
                summed(Project.signed_amount_10k),
                summed(Project.funds_in_place_10k),
                summed(Project.signed_amount_usd_10k),
                summed(Project.funds_in_place_usd_10k),
                func.coalesce(
                    func.sum(Project.funds_in_place_10k).filter(Project.capital_origin == "domestic"), 0
                ),
            )
            .select_from(Project)
            .join(Unit, Unit.id == Project.unit_id)
            .where(Project.year == year, Project.kind == "attraction", Project.status != "removed")
            .group_by(Unit.id, Unit.name)
            .order_by(Unit.name)
        )
        if visible is not None:
            query = query.where(visible)
        return (await self._session.execute(query)).all()

    async def targets(self, year: int) -> Sequence[Any]:
        """(unit id, name, 到位资金 target in 亿元, the other target) of the units with an Annex 2 attraction target."""
        query = (
            select(
                Unit.id,
                Unit.name,
                AnnualTarget.attraction_domestic_capital_100m,
                AnnualTarget.attraction_other_target,
            )
            .join(Unit, Unit.id == AnnualTarget.unit_id)
            .where(
                AnnualTarget.year == year,
                (AnnualTarget.attraction_domestic_capital_100m.is_not(None))
                | (AnnualTarget.attraction_other_target.is_not(None)),
            )
        )
        return (await self._session.execute(query)).all()
