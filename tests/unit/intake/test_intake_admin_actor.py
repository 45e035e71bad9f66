"""The admin's decisions on held reports name the person (role and name from their token), on
the stored event and on the published one; events stored before they did still read."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from intake_helpers import START, TOKENS, Feed, FixedClock, message, published, tracking_id_of

from intake.application.app import IntakeApplication
from intake.bootstrap import bootstrap
from intake.domain.report import Report
from intake.settings import IntakeSettings
from shared.auth import digest
from shared.contracts import Actor, ReportAccepted, ReportArchived, Reporter
from shared.runtime import ServiceSpec, build_app
from shared.settings import CommonSettings

ABUSIVE = "Petugas goblok tidak mau melayani warga di kantor kelurahan"
ANI = "ani-admin-token"


@pytest.fixture
def named() -> ServiceSpec:
    tokens: dict[str, object] = {digest(t): role for role, t in TOKENS.items()}
    tokens[digest(ANI)] = {"role": "admin", "name": "Ani Wijaya"}
    settings = IntakeSettings(common=CommonSettings(auth_tokens=tokens))
    env = {"PERSISTENCE_MODULE": "eventsourcing.popo"}
    return bootstrap(settings, clock=FixedClock(START), env=env)


def held(spec: ServiceSpec) -> tuple[IntakeApplication, str]:
    app: IntakeApplication = spec.application
    Feed(app)(message("m-1", text=ABUSIVE, reporter=Reporter(phone="081200000001")))
    return app, tracking_id_of(app, "m-1")


def test_verify_names_the_admin_on_the_accepted_event(named: ServiceSpec) -> None:
    app, tracking_id = held(named)
    client = TestClient(build_app(named))
    auth = {"Authorization": f"Bearer {ANI}"}
    assert client.post(f"/v1/held/{tracking_id}/verify", headers=auth).status_code == 200
    accepted = published(app)[-1]
    assert isinstance(accepted, ReportAccepted)
    assert accepted.actor == Actor(role="admin", name="Ani Wijaya")


def test_archive_names_the_admin_on_the_archived_event(named: ServiceSpec) -> None:
    app, tracking_id = held(named)
    client = TestClient(build_app(named))
    auth = {"Authorization": f"Bearer {ANI}"}
    client.post(f"/v1/held/{tracking_id}/archive", json={"reason": "kasar"}, headers=auth)
    archived = published(app)[-1]
    assert isinstance(archived, ReportArchived)
    assert archived.actor == Actor(role="admin", name="Ani Wijaya")


def test_screening_names_nobody(named: ServiceSpec) -> None:
    app, _ = held(named)
    Feed(app)(message("m-2", received_at=START + timedelta(minutes=1)))
    assert [e.actor for e in published(app)] == [None, None]


def test_a_decision_stored_before_it_named_the_admin_still_reads(named: ServiceSpec) -> None:
    app, tracking_id = held(named)
    app.admin.verify(tracking_id, "ok", ("admin", "Ani"))
    stored = app.recorder.select_notifications(1, 100)[-1]
    state = json.loads(stored.state)
    assert state.pop("actor") == {"role": "admin", "name": "Ani"}
    state.pop("class_version")  # as version 1 stored it
    old = stored.__class__(**{**stored.__dict__, "state": json.dumps(state).encode()})
    verified = app.mapper.to_domain_event(old)
    assert isinstance(verified, Report.Verified) and verified.actor is None
