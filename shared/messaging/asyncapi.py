"""The payloads of the AsyncAPI document, generated from the contract models.

Subscribers take raw records (decoding, and so validation, stays in the idempotent consumer, where
a bad record is dead-lettered with its original bytes), so FastStream sees no payload type and
writes `EmptyPayload`. This fills every received channel with one message per contract event of its
topic (`codec.events_for`), and gives every contract schema, received or sent, the `event_type`
and `schema_version` the wire carries.
"""

from __future__ import annotations

import json
from typing import Any

from shared import contracts as c
from shared.messaging import codec

SCHEMAS = "#/components/schemas/"
EMPTY = "EmptyPayload"
TEXT_RULE = (
    " Strings marked x-lapor-text are normalised (CRLF/CR to LF, other control characters "
    "removed, lone surrogates and non-characters to U+FFFD, NFC) or, marked refused-if-unclean, "
    "refused unless already clean; maxLength counts characters, maxBytes UTF-8 bytes."
)


def contract_schema(event: type[c.IntegrationEvent]) -> tuple[dict[str, Any], dict[str, Any]]:
    """The wire schema of one event (type and version first) and the schemas it refers to."""
    schema = event.model_json_schema(ref_template=SCHEMAS + "{model}")
    refs = schema.pop("$defs", {})
    schema["properties"] = {
        "event_type": {"type": "string", "const": event.event_type},
        "schema_version": {"type": "integer", "const": event.schema_version},
        **schema.get("properties", {}),
    }
    schema["required"] = ["event_type", *schema.get("required", [])]
    return schema, refs


def describe_payloads(document: dict[str, Any]) -> dict[str, Any]:
    """The document with every received channel's messages and every contract schema filled in."""
    info = document.setdefault("info", {})
    info["description"] = (info.get("description") or "") + TEXT_RULE
    components = document.setdefault("components", {})
    schemas = components.setdefault("schemas", {})
    for operation in document.get("operations", {}).values():
        if operation.get("action") == "receive":
            key = operation["channel"]["$ref"].removeprefix("#/channels/")
            operation["messages"] = _describe_channel(document, key)
    for events in codec.TOPIC_EVENTS.values():
        for event in events:
            if event.__name__ in schemas:
                _add_schema(schemas, event)
    contracts = {e.__name__: e for events in codec.TOPIC_EVENTS.values() for e in events}
    for message in components.get("messages", {}).values():
        payload = message.get("payload", {}).get("$ref", "")
        contract = contracts.get(payload.removeprefix(SCHEMAS))
        if contract is not None:
            message["headers"] = record_headers(contract)
    if f'"{SCHEMAS}{EMPTY}"' not in json.dumps(_referrers(document)):
        schemas.pop(EMPTY, None)
    return document


def record_headers(event: type[c.IntegrationEvent]) -> dict[str, Any]:
    """The headers of a record of this event (`codec.headers`; the relay adds `notification_id`),
    by which a consumer may skip a record before decoding it."""
    properties: dict[str, Any] = {
        "event_type": {"type": "string", "const": event.event_type},
        "schema_version": {"type": "string", "const": str(event.schema_version)},
        "event_id": {"type": "string", "format": "uuid"},
        "notification_id": {"type": "string", "description": "The producer's outbox row id."},
    }
    for name in event.header_fields:
        properties[name] = {
            "type": "string",
            "description": f"The event's `{name}` as text; absent when it is null, and on records "
            "of producers older than this header (a consumer then decodes the record).",
        }
    return {
        "type": "object",
        "properties": properties,
        "required": ["event_type", "schema_version", "event_id"],
    }


def _describe_channel(document: dict[str, Any], key: str) -> list[dict[str, str]]:
    channel = document["channels"][key]
    try:
        events = codec.events_for(channel["address"])
    except KeyError:  # a topic without a contract keeps what FastStream wrote
        return [{"$ref": f"#/channels/{key}/messages/{name}"} for name in channel["messages"]]
    messages = document["components"].setdefault("messages", {})
    for old in channel["messages"].values():
        messages.pop(old["$ref"].rsplit("/", 1)[-1], None)
    channel["messages"] = {}
    for event in events.values():
        name = f"{key}:{event.event_type}"
        messages[name] = {
            "name": event.event_type,
            "title": name,
            "summary": (event.__doc__ or "").strip(),
            "contentType": "application/json",
            "payload": {"$ref": f"{SCHEMAS}{event.__name__}"},
        }
        channel["messages"][event.event_type] = {"$ref": f"#/components/messages/{name}"}
        _add_schema(document["components"]["schemas"], event)
    return [{"$ref": f"#/channels/{key}/messages/{t}"} for t in channel["messages"]]


def _add_schema(schemas: dict[str, Any], event: type[c.IntegrationEvent]) -> None:
    schema, refs = contract_schema(event)
    schemas[event.__name__] = schema
    for name, referred in refs.items():
        schemas.setdefault(name, referred)


def _referrers(document: dict[str, Any]) -> list[Any]:
    components = document.get("components", {})
    schemas = {k: v for k, v in components.get("schemas", {}).items() if k != EMPTY}
    return [document.get("channels"), components.get("messages"), schemas]
