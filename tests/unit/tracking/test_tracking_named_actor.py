"""A person's token (`lapor tokens issue ... --name`) puts the person's name on the desk event."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.testclient import TestClient
from tracking_helpers import DISPOSITIONS, PDAM, REPORTS, Feed, FixedClock, Report, settings

from services.cli.tokens import issue_token
from shared.contracts import Actor
from shared.runtime import build_app
from tracking.bootstrap import assemble, bootstrap


def test_the_desk_records_the_name_of_the_token_holder(tmp_path: Path, clock: FixedClock) -> None:
    configured = settings(tmp_path)
    configured.common.auth_tokens_file = tmp_path / "tokens.json"
    parts = assemble(configured, clock, {"PERSISTENCE_MODULE": "eventsourcing.popo"})
    feed = Feed(parts.app)

    async def send(_: Request, topic: str, action: Any) -> None:
        feed.send(topic, action)
        parts.projector.catch_up()

    client = TestClient(build_app(bootstrap(configured, parts=parts, send_action=send)))
    token = issue_token(tmp_path / "tokens.json", "skpd:PDAM", "Siti Rahmah")
    report = Report("LPR-NAME0001")
    feed.send(REPORTS, report.received())
    feed.send(DISPOSITIONS, report.disposed(PDAM))
    parts.projector.catch_up()
    url = f"/v1/skpd/PDAM/reports/{report.tracking_id}/actions"
    answer = client.post(
        url, json={"action": "acknowledge"}, headers={"Authorization": f"Bearer {token}"}
    )
    assert answer.status_code == 202, answer.text
    assert feed.published()[-1].actor == Actor(role="skpd:PDAM", name="Siti Rahmah")
