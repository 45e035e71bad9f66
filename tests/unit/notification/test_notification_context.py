"""A template reads the event's fields as they are: what it read from their dump."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from notification.adapters.jinja_renderer import JinjaRenderer
from notification.application import composer as composing
from notification.application.channels import ChannelRule
from notification.application.composer import DEFAULTS, UNNAMED_BODY, Composer
from notification.bootstrap import mailboxes
from shared.contracts import Actor, CaseEvent, Channel
from shared.directory import CITY_ADMIN
from tests.unit.notification.test_notification_templates import every_case


def dumped_context(event: CaseEvent) -> dict[str, object]:
    """The context as it was built from `model_dump()` (nested models as dicts)."""
    context: dict[str, object] = {**DEFAULTS, **event.model_dump()}
    context["skpd"] = event.skpd_name or event.skpd_code or UNNAMED_BODY
    context["kind"] = event.kind.value
    context["status"] = event.status.value
    return context


def rendered(events: list[CaseEvent]) -> list[tuple[str, str, str]]:
    composer = Composer(JinjaRenderer(), mailboxes(), CITY_ADMIN)
    drafts = [draft for event in events for draft in composer.compose(event, ("email",))]
    return [(draft.subject, draft.text, draft.html) for draft in drafts]


@pytest.mark.parametrize("channel", ChannelRule.packaged().answer_channels())
def test_every_template_renders_from_the_fields_what_it_rendered_from_their_dump(
    make_case: Callable[..., Any], channel: Channel, monkeypatch: pytest.MonkeyPatch
) -> None:
    actor = Actor(role="skpd:PDAM", name="Siti Rahmah")
    events = [e.model_copy(update={"actor": actor}) for e in every_case(make_case, channel)]
    ours = rendered(events)
    monkeypatch.setattr(composing, "message_context", dumped_context)
    assert ours == rendered(events)
