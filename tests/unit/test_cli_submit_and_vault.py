"""`lapor submit` and `lapor vault erase`: exit codes and what goes to stdout and stderr."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from typer.testing import CliRunner

from services.cli import client, state
from services.cli.main import app
from services.cli.state import DevState

STATE = DevState(kafka_bootstrap_servers="", urls={"intake": "http://intake"}, tokens={})


@pytest.fixture(autouse=True)
def dev_state(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(DevState, "load", classmethod(lambda cls, folder=None: STATE))


def submit_answering(monkeypatch: pytest.MonkeyPatch, answer: client.Submitted) -> Any:
    monkeypatch.setattr(client, "submit", lambda state, message: answer)
    return CliRunner().invoke(app, ["submit", "--phone", "081234567890", "--text", "LPR-1 ok"])


@pytest.mark.parametrize("status", ["accepted", "duplicate", "reply", "rating", "status-request"])
def test_submit_prints_the_tracking_id_and_exits_0(
    monkeypatch: pytest.MonkeyPatch, status: str
) -> None:
    ran = submit_answering(monkeypatch, client.Submitted("LPR-ABCDEFGH", status))
    assert (ran.exit_code, ran.stdout) == (0, "LPR-ABCDEFGH\n")


@pytest.mark.parametrize("status", ["held", "archived"])
def test_submit_prints_the_tracking_id_and_the_reason_and_exits_1(
    monkeypatch: pytest.MonkeyPatch, status: str
) -> None:
    ran = submit_answering(monkeypatch, client.Submitted("LPR-ABCDEFGH", status, "alasannya"))
    assert (ran.exit_code, ran.stdout) == (1, "LPR-ABCDEFGH\n")
    assert f"refused ({status}): alasannya" in ran.stderr


def test_a_refused_command_without_tracking_id_prints_only_the_reason(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    ran = submit_answering(monkeypatch, client.Submitted(None, "archived", "hanya pelapor"))
    assert (ran.exit_code, ran.stdout) == (1, "")
    assert "hanya pelapor" in ran.stderr


def erase_answering(monkeypatch: pytest.MonkeyPatch, answer: httpx.Response) -> Any:
    monkeypatch.setattr(state.httpx, "request", lambda method, url, **_: answer)
    return CliRunner().invoke(app, ["vault", "erase", "LPR-ABCDEFGH"])


def test_vault_erase_reports_the_erasure(monkeypatch: pytest.MonkeyPatch) -> None:
    erased = httpx.Response(200, json={"tracking_id": "LPR-ABCDEFGH", "erased_at": "2026-03-02"})
    ran = erase_answering(monkeypatch, erased)
    assert (ran.exit_code, ran.stdout) == (0, "LPR-ABCDEFGH: identity erased at 2026-03-02\n")


def test_vault_erase_of_an_unknown_report_exits_1_with_the_reason(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    ran = erase_answering(monkeypatch, httpx.Response(404, json={"detail": "no report"}))
    assert ran.exit_code == 1
    assert "not erased (404): no report" in ran.stderr


def test_vault_erase_by_contact_posts_the_person_and_lists_each_report(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    sent: list[dict[str, Any]] = []
    erased = httpx.Response(
        200,
        json={"channel": "sms", "tracking_ids": ["LPR-A", "LPR-B"], "erased_at": "2026-03-02"},
    )

    def request(method: str, url: str, **kwargs: Any) -> httpx.Response:
        sent.append({"method": method, "url": url, **kwargs["json"]})
        return erased

    monkeypatch.setattr(state.httpx, "request", request)
    ran = CliRunner().invoke(app, ["vault", "erase", "--contact", "0812 3456", "--channel", "sms"])
    assert sent == [
        {"method": "POST", "url": "http://intake/v1/erasures", "channel": "sms",
         "contact": "0812 3456"}
    ]  # fmt: skip
    assert (ran.exit_code, ran.stdout) == (
        0,
        "LPR-A: identity erased at 2026-03-02\nLPR-B: identity erased at 2026-03-02\n",
    )


def test_vault_erase_needs_a_tracking_id_or_a_contact_not_both() -> None:
    assert CliRunner().invoke(app, ["vault", "erase"]).exit_code == 2
    both = CliRunner().invoke(app, ["vault", "erase", "LPR-A", "--contact", "0812"])
    assert both.exit_code == 2
