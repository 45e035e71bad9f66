"""`lapor route`: JSON lines in, one decision per line out, exactly as the service decides."""

from __future__ import annotations

import json

from routing_helpers import Feed, accepted, of_type, published
from typer.testing import CliRunner

from routing.adapters.artefact import load_router
from routing.application.app import RoutingApplication
from routing.entrypoints.lines import route_lines
from services.cli.main import app as cli

FIELDS = {"id", "skpd", "confidence", "method", "triage", "also"}


def line(**fields: object) -> str:
    return json.dumps(fields, ensure_ascii=False)


def test_each_report_line_gets_one_decision_line_in_order() -> None:
    lines = [
        line(id="a", channel="sms", kind="pengaduan", title="", text="air PDAM mati dari pagi",
             location={"kecamatan": "Banjarmasin Utara", "kelurahan": None, "address": None}),
        line(id="b", text="petugas kelurahan lambat bikin surat pengantar",
             location={"kecamatan": "Banjarmasin Barat"}),
    ]  # fmt: skip
    out = [json.loads(o) for o in route_lines(lines, load_router())]
    assert [o["id"] for o in out] == ["a", "b"]
    assert all(set(o) == FIELDS for o in out)
    assert (out[0]["skpd"], out[1]["skpd"], out[1]["method"]) == ("PDAM", "KEC-BARAT", "location")
    assert all(0 <= o["confidence"] <= 1 and isinstance(o["also"], list) for o in out)


def test_a_bad_line_gives_an_error_line_and_the_rest_go_on() -> None:
    lines = [
        "{not json",
        "[1, 2]",
        line(text="air mati"),
        line(id="x", text="  "),
        line(id=7, text=3),
        line(id="ok", text="sampah menumpuk"),
    ]
    out = [json.loads(o) for o in route_lines(lines, load_router())]
    assert [o["id"] for o in out] == [None, None, None, "x", 7, "ok"]
    assert all(set(o) == {"id", "error"} for o in out[:5])
    assert out[5]["skpd"] == "DLH"


def test_an_unsure_report_still_names_a_body_and_says_triage() -> None:
    [out] = [
        json.loads(o) for o in route_lines([line(id="u", text="tolong ya min")], load_router())
    ]
    assert out["skpd"] and out["triage"] is True


def test_lapor_route_reads_stdin_and_writes_only_result_lines() -> None:
    stdin = "\n".join(
        [line(id="1", text="lampu jalan mati"), "oops", line(id="3", text="KTP blm jadi")]
    )
    result = CliRunner().invoke(cli, ["route"], input=stdin + "\n")
    assert result.exit_code == 0
    out = [json.loads(o) for o in result.stdout.splitlines()]
    assert [o.get("skpd") for o in out] == ["DISPERKIM", None, "DISDUKCAPIL"]


def test_the_service_decides_as_lapor_route_does(app: RoutingApplication, feed: Feed) -> None:
    texts = [
        "Jalan rusak dan berlubang. Selain itu pipa PDAM bocor",
        "banyu ledeng kada mengalir, ulun kada kawa mandi",
        "tolong diperhatikan min",
    ]
    reports = [accepted(t, kecamatan="Banjarmasin Timur") for t in texts]
    feed(*reports)
    lines = [
        line(id=r.tracking_id, text=r.text, location={"kecamatan": "Banjarmasin Timur"})
        for r in reports
    ]
    offline = {o["id"]: o for o in map(json.loads, route_lines(lines, load_router()))}
    events = published(app)
    for report in reports:
        expected = offline[report.tracking_id]
        if expected["triage"]:
            [item] = [
                o for o in of_type(events, "ReportAwaitingTriage") if o.key == str(report.report_id)
            ]
            assert item.event.candidates[0].code == expected["skpd"]
        else:
            [item] = [
                o for o in of_type(events, "ReportDisposed") if o.key == str(report.report_id)
            ]
            assert item.event.skpd_code == expected["skpd"]
            assert list(item.event.also) == expected["also"]
            assert item.event.method.value == expected["method"]
            assert item.event.confidence == expected["confidence"]
