from __future__ import annotations

from gongjian_meetings.deps import CurrentScope, UnitOfWorkDep
from gongjian_meetings.members import service
from gongjian_meetings.members.schemas import MemberUnitPage
from gongjian_shared.errors import problem_responses
from gongjian_shared.pagination import PagingDep
from gongjian_shared.routing import ServiceRouter

router = ServiceRouter(prefix="/api/v1/meetings", tags=["meetings"])


@router.get("/member-units", response_model=MemberUnitPage, responses=problem_responses(401, 403, 422))
async def list_member_units(uow: UnitOfWorkDep, scope: CurrentScope, paging: PagingDep) -> MemberUnitPage:
    """Member units of the city joint meeting (联席会议成员单位); liaison names for the office only."""
    return MemberUnitPage.cut(await service.member_units(uow, scope), paging)
