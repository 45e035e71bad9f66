"""Whatever a signed body holds, reading it ends in a webhook or BadWebhook, never a crash."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from services.adapters.whatsapp.webhook import BadWebhook, Webhook, read_webhook

scalars = st.none() | st.booleans() | st.integers() | st.text(max_size=20)
values = st.recursive(
    scalars,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=20,
)
keys = st.sampled_from(["id", "from", "type", "text", "image", "timestamp", "status", "errors"])
items = st.dictionaries(keys, values, max_size=6)


def body(messages: list[Any], statuses: list[Any]) -> bytes:
    value = {"messages": messages, "statuses": statuses, "contacts": messages}
    change = {"field": "messages", "value": value}
    return json.dumps(
        {"object": "whatsapp_business_account", "entry": [{"changes": [change]}]}
    ).encode()


@settings(max_examples=50, deadline=None)
@given(st.lists(items | values, max_size=3), st.lists(items | values, max_size=3))
def test_any_shape_inside_the_envelope_is_read_without_crashing(
    messages: list[Any], statuses: list[Any]
) -> None:
    hook = read_webhook(body(messages, statuses))
    assert len(hook.messages) + len(hook.refused) <= len(messages)


@settings(max_examples=50, deadline=None)
@given(st.binary(max_size=200) | values.map(lambda v: json.dumps(v).encode()))
def test_any_body_is_a_webhook_or_bad_webhook(raw: bytes) -> None:
    try:
        hook = read_webhook(raw)
    except BadWebhook as bad:
        assert str(bad)  # says what is wrong
        return
    assert isinstance(hook, Webhook)
