"""The admin's choices become labelled data in the reference examples' format."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from routing_helpers import Feed, accepted, on_sqlite, returned
from typer.testing import CliRunner

from routing.application.app import RoutingApplication
from routing.application.labels import admin_labels
from routing.entrypoints.lines import parse
from services.cli.main import app as cli
from shared import topics

UNCLEAR = "mohon diperhatikan, sudah lama begini terus"


def test_a_report_the_admin_disposed_is_exported_with_the_admins_choice(
    app: RoutingApplication, feed: Feed
) -> None:
    unsure, clear = (
        accepted(UNCLEAR, title="Keluhan", kecamatan="Banjarmasin Timur"),
        accepted("air PDAM mati sejak pagi, meteran air juga bocor"),
    )
    feed(unsure, clear)
    app.dispose_by_hand(unsure.tracking_id, "DPUPR", "jalan kota")
    app.dispose_by_hand(unsure.tracking_id, "DLH", "ternyata sampah")
    [row] = list(admin_labels(app))
    assert unsure.tracking_id not in json.dumps(row)  # a decision carries no identity
    assert (row["expected_skpd"], row["title"], row["text"]) == ("DLH", "Keluhan", UNCLEAR)
    assert row["location"]["kecamatan"] == "Banjarmasin Timur"
    assert {"id", "channel", "kind", "title", "text", "location", "expected_skpd"} <= set(row)
    parse(json.dumps(row))  # `lapor route` and `lapor routing train` read it back


def test_nothing_is_exported_when_the_admin_chose_nothing(
    app: RoutingApplication, feed: Feed
) -> None:
    feed(accepted(UNCLEAR))
    assert list(admin_labels(app)) == []


def test_lapor_routing_export_labels_reads_the_service_store(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    state_dir = tmp_path / "state"
    service = on_sqlite(state_dir)
    report = accepted(UNCLEAR)
    Feed(service.application)(report)
    service.application.dispose_by_hand(report.tracking_id, "DINSOS", "orang terlantar")
    service.application.close()
    monkeypatch.delenv("LAPOR_DATABASE_URL", raising=False)
    monkeypatch.setenv("LAPOR_STATE_DIR", str(state_dir))
    out = tmp_path / "labels.jsonl"
    result = CliRunner().invoke(cli, ["routing", "export-labels", "--output", str(out)])
    assert result.exit_code == 0, result.output
    [row] = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert (row["text"], row["expected_skpd"]) == (UNCLEAR, "DINSOS")


def test_a_redisposition_after_a_return_is_a_label_until_that_body_returns_it_too(
    app: RoutingApplication, feed: Feed
) -> None:
    report = accepted("air PDAM mati sejak pagi, meteran air juga bocor")
    feed(report)
    feed(returned(report, "PDAM", suggested="PDPAL"), topic=topics.CASES)
    [row] = list(admin_labels(app))
    assert (row["expected_skpd"], row["note"].split(":")[0]) == (
        "PDPAL",
        "diterima setelah dikembalikan",
    )
    feed(returned(report, "PDPAL"), topic=topics.CASES)
    assert list(admin_labels(app)) == []  # refused in its turn: not an accepted choice
