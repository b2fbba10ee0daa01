from __future__ import annotations

from fastapi import APIRouter

from gongjian_meetings.deps import CurrentScope, UnitOfWorkDep
from gongjian_meetings.members.schemas import MemberUnit, MemberUnitPage
from gongjian_meetings.models import UNIT_REPLICA
from gongjian_shared.errors import problem_responses
from gongjian_shared.pagination import PagingDep
from gongjian_shared.replica import list_replica

router = APIRouter(prefix="/api/v1/meetings", tags=["meetings"])


@router.get("/member-units", response_model=MemberUnitPage, responses=problem_responses(401, 403, 422))
async def list_member_units(uow: UnitOfWorkDep, scope: CurrentScope, paging: PagingDep) -> MemberUnitPage:
    """Member units of the city joint meeting (联席会议成员单位); liaison names for the office only."""
    rows = await list_replica(uow.session, UNIT_REPLICA)
    units = [
        MemberUnit(
            unit_id=row["unit_id"],
            name=str(row["name"]),
            kind=str(row["kind"]),
            joint_meeting_member=bool(row["joint_meeting_member"]),
            liaisons=[c["name"] for c in row["contacts"] if c["role"] == "liaison"]  # type: ignore[attr-defined]
            if scope.everything
            else None,
        )
        for row in rows
        if row["joint_meeting_member"]
    ]
    return MemberUnitPage.cut(units, paging)
