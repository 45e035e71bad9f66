"""Hypothesis strategies for records: any bytes, any JSON, and contract-valid but odd messages.

The odd messages are generated from each contract's JSON schema (pydantic's), so a new field or
a new constraint is fuzzed without a change here.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone
from typing import Any
from uuid import UUID

from hypothesis import strategies as st

from shared import contracts as c

# A few ids and bodies that recur, so generated messages meet each other's cases.
REPORT_IDS = [UUID(int=n) for n in (1, 2, 3)]
BODIES = ["PDAM", "DLH"]

odd_text = st.text(st.characters(codec="utf-8"), max_size=60) | st.sampled_from(
    ["", " ", "\x00", "\t\n", "é" * 50, "𝔘𝔫𝔦𝔠𝔬𝔡𝔢", "LPR-0000", "CEK LPR-AAAA", "NILAI LPR-AAAA 5"]
)
offsets = st.integers(min_value=-14 * 60, max_value=14 * 60).map(
    lambda minutes: timezone(timedelta(minutes=minutes))
)
aware_times = st.builds(
    lambda moment, zone: moment.replace(tzinfo=UTC).astimezone(zone).isoformat(),
    st.datetimes(min_value=datetime(1971, 1, 1), max_value=datetime(2099, 12, 31)),
    offsets,
)
uuids = st.sampled_from(REPORT_IDS).map(str) | st.uuids().map(str)

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | odd_text,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(odd_text, inner, max_size=4),
    max_leaves=12,
)


def _string(schema: dict[str, Any]) -> st.SearchStrategy[Any]:
    if schema.get("format") == "uuid":
        return uuids
    if schema.get("format") == "date-time":
        return aware_times
    if "pattern" in schema:
        pattern = schema["pattern"].removeprefix("^").removesuffix("$")  # `$` allows a "\n"
        generated = st.from_regex(pattern, fullmatch=True)
        return st.sampled_from(BODIES) | generated if "A-Z0-9-" in pattern else generated
    low, high = schema.get("minLength", 0), schema.get("maxLength", 300)
    return odd_text.map(lambda text: (text + "x" * low)[: max(high, low)])


def _number(schema: dict[str, Any], integer: bool) -> st.SearchStrategy[Any]:
    low, high = schema.get("minimum"), schema.get("maximum")
    if integer:
        return st.integers(min_value=low, max_value=high)
    return st.floats(min_value=low, max_value=high, allow_nan=False, allow_infinity=False)


def from_schema(schema: dict[str, Any], defs: dict[str, Any]) -> st.SearchStrategy[Any]:
    """Values that (mostly) satisfy one JSON schema node of a pydantic model."""
    if "$ref" in schema:
        return from_schema(defs[schema["$ref"].rsplit("/", 1)[-1]], defs)
    if "const" in schema:
        return st.just(schema["const"])
    if "enum" in schema:
        return st.sampled_from(schema["enum"])
    for key in ("anyOf", "oneOf"):
        if key in schema:
            return st.one_of([from_schema(option, defs) for option in schema[key]])
    kind = schema.get("type")
    if kind == "object" or "properties" in schema:
        return _object(schema, defs)
    if kind == "array":
        return st.lists(from_schema(schema.get("items", {}), defs), max_size=3)
    simple = {
        "string": lambda: _string(schema),
        "integer": lambda: _number(schema, integer=True),
        "number": lambda: _number(schema, integer=False),
        "boolean": st.booleans,
        "null": st.none,
    }
    return simple[kind]() if kind in simple else json_values


def _object(schema: dict[str, Any], defs: dict[str, Any]) -> st.SearchStrategy[dict[str, Any]]:
    properties = schema.get("properties", {})
    required = set(schema.get("required", ()))
    return st.fixed_dictionaries(
        {name: from_schema(properties[name], defs) for name in properties if name in required},
        optional={
            name: from_schema(properties[name], defs) for name in properties if name not in required
        },
    )


def odd_message(cls: type[c.IntegrationEvent]) -> st.SearchStrategy[bytes]:
    """The wire bytes of a message of one contract, its fields odd but (mostly) valid."""
    schema = cls.model_json_schema()
    wire = _object(schema, schema.get("$defs", {})).map(
        lambda body: {"event_type": cls.event_type, "schema_version": cls.schema_version, **body}
    )
    return wire.map(lambda data: json.dumps(data, ensure_ascii=False).encode())


def any_json_object(event_types: list[str]) -> st.SearchStrategy[bytes]:
    """A JSON object naming a known event type, with any fields at all."""
    return st.builds(
        lambda event_type, body: json.dumps({**body, "event_type": event_type}).encode(),
        st.sampled_from(event_types),
        st.dictionaries(odd_text, json_values, max_size=6),
    )
