"""Every field of every case contract tracking publishes is filled from the domain event."""

from __future__ import annotations

import dataclasses
from typing import Any

from pydantic import BaseModel
from tracking_helpers import Feed
from tracking_lives import every_kind_of_life

from shared.processing import derived_id
from tracking.application.translate import PUBLISHED, translate
from tracking.bootstrap import TrackingParts
from tracking.domain.case import Case


def _carried(event: Case.Event) -> list[Any]:
    """Every value the domain event carries, its value objects' fields included."""
    values: list[Any] = [derived_id(event.originator_id, event.originator_version, 0)]
    for value in vars(event).values():
        if dataclasses.is_dataclass(value):
            values += vars(value).values()
        else:
            values.append(tuple(value) if isinstance(value, list) else value)
    return values


def _published(feed: Feed, parts: TrackingParts) -> list[tuple[Case.Event, Any]]:
    every_kind_of_life(feed, parts)
    app = parts.app
    pairs = []
    for notification in app.recorder.select_notifications(0, 10_000):
        domain_event = app.mapper.to_domain_event(notification)
        pairs += [(domain_event, out.event) for out in translate(domain_event)]
    return pairs


def test_every_contract_is_published_for_some_event(feed: Feed, parts: TrackingParts) -> None:
    published = {type(contract) for _, contract in _published(feed, parts)}
    assert published == set(PUBLISHED)


def test_every_contract_field_is_set_from_a_value_the_event_carries(
    feed: Feed, parts: TrackingParts
) -> None:
    for domain_event, contract in _published(feed, parts):
        carried = _carried(domain_event)
        for name in type(contract).model_fields:
            assert name in contract.model_fields_set, (contract.event_type, name)
            value = getattr(contract, name)
            if isinstance(value, BaseModel):  # a value object (an Actor): each of its fields
                assert all(v in carried for v in value.model_dump().values()), (name, value)
            else:
                assert value in carried, (contract.event_type, name, value)
