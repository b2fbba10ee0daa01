from gongjian_shared.events.projects import UnitUpdated
from gongjian_shared.replica import unit_updated_handler

from gongjian_meetings.models import UNIT_REPLICA

HANDLERS = {UnitUpdated.event_type: unit_updated_handler(UNIT_REPLICA)}
