"""Which failures are the database's absence (an event waits, a request answers 503) and which are a lost
connection (a read is sent once more at once): `bus.consumer.is_infrastructure_error`, `is_lost_connection`."""

from __future__ import annotations

import pytest
from sqlalchemy.exc import DBAPIError
from sqlalchemy.exc import TimeoutError as PoolTimeout

from gongjian_shared.bus.consumer import is_infrastructure_error, is_lost_connection


class DriverError(Exception):
    def __init__(self, sqlstate: str | None) -> None:
        super().__init__(f"sqlstate {sqlstate}")
        self.sqlstate = sqlstate


def database_error(sqlstate: str | None, *, invalidated: bool = False) -> DBAPIError:
    return DBAPIError("SELECT 1", None, DriverError(sqlstate), connection_invalidated=invalidated)


@pytest.mark.parametrize(
    ("error", "infrastructure", "lost"),
    [
        (database_error("08006"), True, True),  # connection failure
        (database_error(None, invalidated=True), True, True),  # the pool saw the socket closed
        (ConnectionResetError(), True, True),
        (database_error("57P01"), True, False),  # admin shutdown: the server goes away
        (database_error("57P03"), True, False),  # starting up: refuses sessions for a while
        (database_error("53300"), True, False),  # too many connections
        (PoolTimeout(), True, False),  # every pooled connection stayed busy
        (TimeoutError(), True, False),
        (OSError("no route"), True, False),
        (database_error("23505"), False, False),  # a unique violation is the request's own fault
        (database_error(None), False, False),
        (ValueError("bad"), False, False),
    ],
)
def test_outage_and_lost_connection_are_told_apart(
    error: BaseException, infrastructure: bool, lost: bool
) -> None:
    assert is_infrastructure_error(error) is infrastructure
    assert is_lost_connection(error) is lost
