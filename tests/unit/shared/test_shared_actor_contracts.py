"""Actors are typed (role, name); records that spelt them as strings still read."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from uuid import uuid4

import pytest
from pydantic import ValidationError

from shared import contracts as c


def _ids() -> dict[str, Any]:
    at = datetime(2026, 12, 1, tzinfo=UTC)
    return {"report_id": str(uuid4()), "tracking_id": "LPR-ACTOR001", "occurred_at": at}


def _case(**fields: Any) -> dict[str, Any]:
    envelope = {"channel": "web", "kind": "pengaduan", "reporter_ref": "r-1", "status": "Arsip"}
    return {**_ids(), **envelope, **fields}


@pytest.mark.parametrize(
    ("spelt", "actor"),
    [
        ("Siti Rahmah (skpd:PDAM)", c.Actor(role="skpd:PDAM", name="Siti Rahmah")),
        ("Rina (admin)", c.Actor(role="admin", name="Rina")),
        ("admin-penghubung", c.Actor(role="skpd:PDAM", name="admin-penghubung")),
    ],
)
def test_a_version_one_action_string_reads_as_an_actor(spelt: str, actor: c.Actor) -> None:
    action = c.Acknowledge.model_validate({**_ids(), "skpd_code": "PDAM", "actor": spelt})
    assert action.actor == actor


def test_a_version_one_action_without_actor_reads_as_the_bodys_role() -> None:
    action = c.Acknowledge.model_validate({**_ids(), "skpd_code": "PDAM"})
    assert action.actor == c.Actor(role="skpd:PDAM", name="")


def test_an_action_names_its_actor_on_the_wire_as_an_object() -> None:
    siti = c.Actor(role="skpd:PDAM", name="Siti")
    wire = c.Acknowledge(**_ids(), skpd_code="PDAM", actor=siti).wire()
    assert (wire["schema_version"], wire["actor"]) == (2, {"role": "skpd:PDAM", "name": "Siti"})


def test_a_version_one_case_event_reads_its_string_actor_with_the_acting_body() -> None:
    event = c.CaseReturned.model_validate(
        _case(rejected_by="DLH", reason="bukan", actor="admin-penghubung")
    )
    assert event.actor == c.Actor(role="skpd:DLH", name="admin-penghubung")


def test_an_empty_version_one_actor_is_nobody() -> None:
    event = c.CaseAcknowledged.model_validate(_case(body="PDAM", actor=""))
    assert event.actor is None


def test_every_case_event_carries_the_actor_declared_once() -> None:
    assert all("actor" in kind.model_fields for kind in c.CaseEvent.__subclasses__())
    assert c.CaseEvent.schema_version == 2


def test_an_assignment_needs_an_officer() -> None:
    with pytest.raises(ValidationError):
        c.Assign(**_ids(), skpd_code="PDAM", actor=c.Actor(role="admin"), assignee="  ")
