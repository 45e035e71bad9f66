"""Tracking's case events skip the text rule their texts already kept, and nothing else."""

from __future__ import annotations

import copy

import pytest
from pydantic import ValidationError
from tracking_helpers import Feed
from tracking_lives import every_kind_of_life

from shared.messaging import codec
from tracking.application.translate import PUBLISHED, translate
from tracking.bootstrap import TrackingParts
from tracking.domain.case import Case


def _stored(feed: Feed, parts: TrackingParts) -> list[Case.Event]:
    every_kind_of_life(feed, parts)
    app = parts.app
    events = map(app.mapper.to_domain_event, app.recorder.select_notifications(0, 10_000))
    return [event for event in events if isinstance(event, Case.Event)]


def test_every_case_event_is_what_the_full_text_rule_makes_of_it(
    feed: Feed, parts: TrackingParts
) -> None:
    published = [out.event for event in _stored(feed, parts) for out in translate(event)]
    assert {type(event) for event in published} == set(PUBLISHED)
    for event in published:
        checked = type(event).model_validate(event.wire())  # every rule run again
        assert codec.encode(event) == codec.encode(checked)


def test_a_value_of_the_wrong_type_is_still_refused(feed: Feed, parts: TrackingParts) -> None:
    opened = next(e for e in _stored(feed, parts) if type(e) is Case.Opened)
    broken = copy.copy(opened)
    object.__setattr__(broken, "at", "not a moment")
    with pytest.raises(ValidationError):
        translate(broken)
