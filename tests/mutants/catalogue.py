"""The deliberately broken variants of the reliability properties, and the tests that must catch each.

A mutant is a small edit of one function's source: each `old` text must occur in it exactly once (so a mutant
whose target changed fails to apply, loudly, instead of testing nothing). `python tests/mutants/run.py` applies each
in a pytest subprocess of its own and requires its tests to fail.
"""

from __future__ import annotations

from dataclasses import dataclass

BACKBONE = "tests/integration/backbone"


@dataclass(frozen=True)
class Mutant:
    name: str
    breaks: str  # the property it breaks, in one line
    target: str  # "module:Qualified.name" of the function whose source is edited
    edits: tuple[tuple[str, str], ...]  # (old, new) texts, as indented in the file
    tests: tuple[str, ...]  # pytest node ids that must fail against it


MUTANTS: tuple[Mutant, ...] = (
    Mutant(
        name="reader-takes-id-after-last",
        breaks="the embedded bus reads rows by id after its last one, past transactions still running",
        target="gongjian_shared.bus.embedded:EmbeddedConsumerRunner._read_batch",
        edits=(
            ('"WHERE (txid, id) > (:txid, :id) AND txid < {SNAPSHOT_XMIN} "', '"WHERE id > :id "'),
            (
                '"ORDER BY txid, id LIMIT :limit"',
                '"AND CAST(:txid AS bigint) IS NOT NULL ORDER BY id LIMIT :limit"',
            ),
        ),
        tests=(
            f"{BACKBONE}/test_outbox_ordering.py::"
            "test_embedded_bus_applies_rows_committed_out_of_id_order_in_log_order",
        ),
    ),
    Mutant(
        name="relay-reads-by-id",
        breaks="the relay publishes unsent rows in id order, past transactions still running",
        target="gongjian_shared.bus.kafka:OutboxRelay._publish_batch",
        edits=(
            (
                '"WHERE sent_at IS NULL AND txid < {SNAPSHOT_XMIN} ORDER BY txid, id LIMIT :limit"',
                '"WHERE sent_at IS NULL ORDER BY id LIMIT :limit"',
            ),
        ),
        tests=(
            f"{BACKBONE}/test_outbox_ordering.py::"
            "test_relay_publishes_rows_committed_out_of_id_order_in_log_order_per_key",
        ),
    ),
    Mutant(
        name="feed-reads-by-id",
        breaks="the change feed hands out rows by id after its cursor, past transactions still running",
        target="gongjian_projects.exchange.repository:ChangeRepository.after",
        edits=(
            (
                'f"WHERE (txid, id) > (:txid, :id) AND txid < {SNAPSHOT_XMIN} AND type = ANY(:types) "',
                '"WHERE id > :id AND CAST(:txid AS bigint) IS NOT NULL AND type = ANY(:types) "',
            ),
            ('"ORDER BY txid, id LIMIT :limit"', '"ORDER BY id LIMIT :limit"'),
        ),
        tests=(
            "tests/integration/projects/test_change_feed.py::"
            "test_a_change_committed_after_a_later_one_is_handed_out_once_and_first",
        ),
    ),
    Mutant(
        name="relay-without-idempotence",
        breaks="the relay's producer is not idempotent: a batch resent after a lost answer is stored twice",
        target="gongjian_shared.bus.kafka:new_producer",
        edits=(("enable_idempotence=True", "enable_idempotence=False"),),
        tests=(
            f"{BACKBONE}/test_kafka_reliability.py::"
            "test_a_produce_answer_lost_after_the_broker_stored_the_batch_publishes_it_once",
        ),
    ),
    Mutant(
        name="consumer-without-inbox",
        breaks="the consumer applies every delivery: no inbox row, no duplicate check",
        target="gongjian_shared.bus.consumer:EventApplier.apply",
        edits=(
            (
                "        inbox = self._tables.inbox\n"
                "        inserted = await session.execute(\n"
                "            insert(inbox)\n"
                "            .values(group_id=self.subscription.group_id, event_id=envelope.event_id, "
                "type=envelope.type)\n"
                "            .on_conflict_do_nothing()\n"
                "            .returning(inbox.c.event_id)\n"
                "        )\n"
                "        if inserted.first() is None:\n"
                "            return False\n",
                "",
            ),
        ),
        tests=(
            f"{BACKBONE}/test_embedded_bus.py::test_the_same_event_delivered_twice_is_applied_once",
            f"{BACKBONE}/test_kafka_reliability.py::"
            "test_a_crash_after_the_database_commit_and_before_the_offset_commit_has_no_double_effect",
        ),
    ),
    Mutant(
        name="scheduler-without-skip-locked",
        breaks="the deadline scheduler claims with FOR UPDATE alone: a replica waits behind another's batch",
        target="gongjian_meetings.deadlines.repository:DeadlineRepository.claim_due",
        edits=((".with_for_update(skip_locked=True)", ".with_for_update()"),),
        tests=(
            "tests/integration/meetings/test_meeting_scheduler_replicas.py::"
            "test_a_replica_fires_other_rows_while_another_holds_its_batch",
        ),
    ),
    Mutant(
        name="scheduler-claims-without-lock",
        breaks="the deadline scheduler claims with a plain SELECT: two replicas take the same rows",
        target="gongjian_meetings.deadlines.repository:DeadlineRepository.claim_due",
        edits=(("            .with_for_update(skip_locked=True)\n", ""),),
        tests=(
            "tests/integration/meetings/test_meeting_scheduler_replicas.py::"
            "test_a_replica_fires_other_rows_while_another_holds_its_batch",
        ),
    ),
    Mutant(
        name="scheduler-sleeps-its-poll",
        breaks="the deadline scheduler sleeps its whole poll interval instead of waking when the next row falls due",
        target="gongjian_meetings.deadlines.jobs:seconds_to_next_due",
        edits=(("    return max((due_at - clock.now()).total_seconds(), 0.0)\n", "    return None\n"),),
        tests=(
            "tests/integration/meetings/test_meeting_scheduler_replicas.py::"
            "test_the_scheduler_wakes_at_the_next_due_time_not_on_its_poll",
        ),
    ),
    Mutant(
        name="notifier-sleeps-its-poll",
        breaks="the delivery worker is not woken when deliveries commit: an email waits for the next poll",
        target="gongjian_notifier.delivery.jobs:delivery_job",
        edits=(
            ("wait=None if wake is None else (lambda seconds: wait_for_wake(wake, seconds)),", "wait=None,"),
        ),
        tests=(
            "tests/integration/notifier/test_notifier_wakes.py::"
            "test_an_email_goes_out_when_its_delivery_commits_not_a_poll_later",
        ),
    ),
    Mutant(
        name="deliverer-records-before-sending",
        breaks="the notifier records a push as delivered before it hands it to the channel",
        target="gongjian_notifier.delivery.worker:DeliveryWorker._deliver",
        edits=(
            (
                "            outcomes = await self._send(channel, messages)\n"
                '            await self._record(claimed, outcomes, retry_status="pending")\n',
                "            delivered = [Outcome.delivered()] * len(claimed)\n"
                '            await self._record(claimed, delivered, retry_status="pending")\n'
                "            await self._send(channel, messages)\n",
            ),
        ),
        tests=(
            "tests/integration/notifier/test_notifier_crash_mid_send.py::"
            "test_a_worker_killed_while_sending_leaves_the_push_to_be_sent_after_its_lease",
        ),
    ),
    Mutant(
        name="router-head-takes-the-whole-path",
        breaks="a router's fast pass takes a route's whole template as its head: routes with parameters never match",
        target="gongjian_shared.routing:literal_head",
        edits=(('    return path.split("{", 1)[0]\n', "    return path\n"),),
        tests=(
            "tests/unit/shared/test_service_router.py::"
            "test_a_router_matches_every_path_as_fastapis_own_matching_does",
        ),
    ),
    Mutant(
        name="router-heads-skip-included-routers",
        breaks="a router including other routers takes only its own routes' heads: the included ones never match",
        target="gongjian_shared.routing:ServiceRouter.route_heads",
        edits=(("            if None in paths:\n", "            if False:\n"),),
        tests=(
            "tests/unit/shared/test_service_router.py::"
            "test_a_router_matches_every_path_as_fastapis_own_matching_does",
            "tests/unit/shared/test_service_router.py::test_a_router_including_routers_tries_every_path",
        ),
    ),
    Mutant(
        name="rescore-reads-the-rule-sets-unlocked",
        breaks="an event looks up its unit's rule sets without waiting for one being created: each misses the other",
        target="gongjian_scoring.scores.service:rescore",
        edits=(("    await rule_sets.share_the_list()\n    ref = ", "    ref = "),),
        tests=(
            "tests/integration/scoring/test_scoring_rule_set_creation_race.py::"
            "test_an_event_applied_while_its_years_rule_set_is_being_created_is_scored",
            "tests/integration/scoring/test_scoring_rule_set_creation_race.py::"
            "test_a_rule_set_created_while_an_event_of_its_year_is_being_applied_scores_it",
        ),
    ),
)


def by_name(name: str) -> Mutant:
    for mutant in MUTANTS:
        if mutant.name == name:
            return mutant
    raise KeyError(f"no mutant named {name!r}; known: {', '.join(m.name for m in MUTANTS)}")
