"""The PostgreSQL profile names each statement by what it does and sums them per report."""

from __future__ import annotations

from bench.pg_statements import Statement, kind_of, lines

RELAY_READ = 'SELECT id, topic, key, headers, value FROM "public"."tracking_outbox" WHERE id > $1'
POSITION_READ = 'SELECT max(notification_id) FROM "public"."intake_tracking" WHERE app = $1'
UPSERT = 'WITH t AS (INSERT INTO "public"."routingapplication_tracking" VALUES ($1, $2)) SELECT 1'


def test_an_outbox_read_of_a_store_named_tracking_is_the_relay_s_not_a_position_read() -> None:
    assert kind_of(RELAY_READ) == "relay read (outbox rows)"
    assert kind_of(POSITION_READ) == "position read"
    assert kind_of(UPSERT) == "tracking upsert"


def test_a_table_with_tracking_in_a_column_name_is_a_plain_table_read() -> None:
    text = "SELECT tracking_id, heard FROM notification_reports WHERE tracking_id = ANY($1)"
    assert kind_of(text) == "table select"


def test_statements_of_one_kind_are_summed_per_report_with_their_planning() -> None:
    found = [
        Statement("intake", "notify", 30, 3.0, 0.0, 0, "NOTIFY x"),
        Statement("routing", "notify", 10, 1.0, 0.0, 0, "NOTIFY y"),
        Statement("routing", "begin", 10, 0.5, 0.5, 0, "BEGIN"),
    ]
    [notify, begin] = lines(found, reports=10, by_service=False)
    assert (notify.kind, notify.calls_per_report, notify.ms_per_report) == ("notify", 4.0, 0.4)
    assert (begin.total_ms, begin.plan_ms) == (1.0, 0.5)
