"""Routing's outgoing events skip the text rule its texts already kept, and nothing else."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError
from routing_helpers import STREET_LIGHT, Feed, accepted, published, returned

from routing.application.app import RoutingApplication
from routing.application.translate import translate
from routing.domain.disposition import Disposition
from shared import topics
from shared.contracts import Actor
from shared.messaging import codec

UNCLEAR = "mohon diperhatikan, sudah lama begini terus"
TITLE = "Lampu jalan mati — sudah seminggu, Kayu Tangi 2"  # not ASCII: NFC is checked too


def _each_kind_published(app: RoutingApplication, feed: Feed) -> list[Any]:
    lit = accepted(STREET_LIGHT, TITLE, kecamatan="Banjarmasin Utara", rahasia=True)
    unsure = accepted(UNCLEAR)
    feed(lit, unsure)
    for _ in range(2):  # returned to another body, then escalated
        holder = app.by_tracking_id(lit.tracking_id).skpd_code
        assert holder is not None
        feed(returned(lit, holder), topic=topics.CASES)
    app.dispose_by_hand(unsure.tracking_id, "DLH", "sampah", Actor(role="admin", name="Siti"))
    return [out.event for out in published(app)]


def test_every_event_is_what_the_full_text_rule_makes_of_it(
    app: RoutingApplication, feed: Feed
) -> None:
    events = _each_kind_published(app, feed)
    kinds = {type(e).__name__ for e in events}
    assert kinds >= {"ReportDisposed", "ReportRouted", "ReportAwaitingTriage", "ReportEscalated"}
    assert "ReportRedisposed" in kinds or "ReportDisposed" in kinds
    for event in events:
        checked = type(event).model_validate(event.wire())  # every rule run again
        assert codec.encode(event) == codec.encode(checked)


def test_a_value_of_the_wrong_type_is_still_refused(app: RoutingApplication, feed: Feed) -> None:
    feed(accepted(STREET_LIGHT))
    [stored] = app.recorder.select_notifications(1, 1)
    event = app.mapper.to_domain_event(stored)
    assert isinstance(event, Disposition.Routed)
    broken = Disposition.Routed(
        originator_id=event.originator_id,
        originator_version=event.originator_version,
        timestamp=event.timestamp,
        originator_topic=event.originator_topic,
        **{**_fields(event), "skpd_code": "not a body code"},
    )
    with pytest.raises(ValidationError):
        translate(broken)


def _fields(event: Disposition.Routed) -> dict[str, Any]:
    names = ("report_id", "tracking_id", "content", "skpd_code", "skpd_name", "method")
    more = ("confidence", "reason", "candidates", "at", "also")
    return {name: getattr(event, name) for name in names + more}
