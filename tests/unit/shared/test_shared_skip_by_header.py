"""Skipping by a header's value (`ignored_by_header`): before decoding, only the values named,
the partition's position still moved past them, and the fresh records of a batch kept in order."""

from __future__ import annotations

from typing import Any

from aiokafka.structs import ConsumerRecord

from shared import contracts as c
from shared import topics
from shared.messaging import codec
from shared.messaging.asyncapi import describe_payloads, record_headers
from tests.plumbing_app import NoteTaker
from tests.unit.shared.test_shared_consumer import INMEMORY, NOW, consumer, noted, reasons

INTAKE_TOPIC = topics.INTAKE


class QuietOnSms(NoteTaker):
    """Notes every message except those its `channel` header says came by SMS or WhatsApp."""

    def ignored_by_header(self, topic: str) -> dict[str, dict[str, list[str]]]:
        return {"IntakeMessage": {"channel": ["sms", "whatsapp"]}}


def on(offset: int, channel: str, text: str, value: bytes | None = None) -> Any:
    message = c.IntakeMessage(occurred_at=NOW, channel=channel, message_id=str(offset), text=text)
    headers = [*codec.headers(message), ("channel", channel.encode())]
    value = codec.encode(message) if value is None else value
    return ConsumerRecord(INTAKE_TOPIC, 0, offset, 0, 0, b"k", value, None, 1, len(value), headers)


async def test_only_the_values_named_are_skipped_and_the_position_passes_them() -> None:
    app = QuietOnSms(env=INMEMORY)
    handler, _ = consumer(app)
    records = [on(0, "web", "satu"), on(1, "sms", "dua"), on(2, "email", "tiga")]
    records.append(on(3, "whatsapp", "empat", value=b"\xff not json"))  # never read
    await handler.handle(records)
    assert noted(app) == ["satu", "tiga"] and reasons(app) == []
    assert handler.skipped == 2 and app.position(f"{INTAKE_TOPIC}:0") == 4


async def test_a_fetch_delivered_again_from_the_middle_does_only_what_is_left() -> None:
    app = QuietOnSms(env=INMEMORY)
    handler, _ = consumer(app)
    await handler.handle([on(0, "web", "satu"), on(1, "sms", "dua")])
    again = [on(0, "web", "satu"), on(1, "sms", "dua"), on(2, "web", "tiga"), on(3, "sms", "x")]
    other, _ = consumer(app)  # a restart: the position is read from the store
    await other.handle(again)
    assert noted(app) == ["satu", "tiga"] and app.tries == {"satu": 1, "tiga": 1}
    assert app.position(f"{INTAKE_TOPIC}:0") == 4


async def test_a_batch_of_skipped_records_only_still_moves_the_position() -> None:
    app = QuietOnSms(env=INMEMORY)
    handler, _ = consumer(app)
    await handler.handle([on(5, "sms", "a"), on(6, "whatsapp", "b")])
    assert noted(app) == [] and app.position(f"{INTAKE_TOPIC}:0") == 7


async def test_without_the_hook_nothing_is_skipped_by_value() -> None:
    app = NoteTaker(env=INMEMORY)
    handler, _ = consumer(app)
    await handler.handle([on(0, "sms", "satu")])
    assert handler.skipped == 0 and noted(app) == ["satu"]


def test_the_asyncapi_document_names_the_headers_a_consumer_may_skip_by() -> None:
    document = {
        "components": {
            "schemas": {"ReportAccepted": {}, "ReportHeld": {}},
            "messages": {
                "a": {"payload": {"$ref": "#/components/schemas/ReportAccepted"}},
                "h": {"payload": {"$ref": "#/components/schemas/ReportHeld"}},
            },
        }
    }
    messages = describe_payloads(document)["components"]["messages"]
    accepted, held = messages["a"]["headers"], messages["h"]["headers"]
    assert accepted["properties"]["event_type"]["const"] == "ReportAccepted"
    assert "channel" in accepted["properties"] and "channel" in held["properties"]
    assert "channel" not in accepted["required"]  # older records lack it
    intake = record_headers(c.IntakeMessage)
    assert set(intake["properties"]) == {
        "event_type",
        "schema_version",
        "event_id",
        "notification_id",
    }


async def test_a_header_value_of_another_bytes_like_type_or_none_is_read_too() -> None:
    app = QuietOnSms(env=INMEMORY)
    handler, _ = consumer(app)
    odd = on(0, "sms", "satu")
    odd.headers[:] = [(k, memoryview(v) if k == "channel" else v) for k, v in odd.headers]
    empty = on(1, "web", "dua")
    empty.headers[:] = [(k, None if k == "channel" else v) for k, v in empty.headers]
    await handler.handle([odd, empty])
    assert handler.skipped == 1 and noted(app) == ["dua"]
