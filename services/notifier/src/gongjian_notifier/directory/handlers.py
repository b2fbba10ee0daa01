from gongjian_notifier.directory.accounts import HANDLERS as ACCOUNT_HANDLERS
from gongjian_notifier.models import UNIT_REPLICA
from gongjian_shared.bus.consumer import Handler
from gongjian_shared.events.projects import UnitUpdated
from gongjian_shared.replica import unit_updated_handler

# units and their contacts (`unit-updated`), and the accounts with their links (`account-*`)
HANDLERS: dict[str, Handler] = {
    UnitUpdated.event_type: unit_updated_handler(UNIT_REPLICA),
    **ACCOUNT_HANDLERS,
}
