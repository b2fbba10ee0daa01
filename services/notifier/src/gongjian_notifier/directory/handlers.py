from gongjian_notifier.models import UNIT_REPLICA
from gongjian_shared.events.projects import UnitUpdated
from gongjian_shared.replica import unit_updated_handler

HANDLERS = {UnitUpdated.event_type: unit_updated_handler(UNIT_REPLICA)}
