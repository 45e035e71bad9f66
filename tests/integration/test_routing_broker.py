"""Routing on the real Kafka and PostgreSQL: a report in, the competent bodies' topics out."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import pytest

from routing.bootstrap import bootstrap
from routing.settings import RoutingSettings
from shared import topics
from shared.contracts import Channel, Location, ReportAccepted, ReportKind
from shared.messaging import codec
from shared.runtime import build_app
from shared.settings import CommonSettings
from tests.kafka_helpers import produce, read_topic

pytestmark = pytest.mark.integration

ROADS_AND_PIPE = (
    "Jalan di gang kami berlubang besar dan aspalnya hancur, sudah banyak yang jatuh. "
    "Di ujung gang juga ada pipa PDAM bocor"
)


def report(text: str) -> ReportAccepted:
    now = datetime.now(UTC)
    return ReportAccepted(
        occurred_at=now,
        report_id=uuid.uuid4(),
        tracking_id=f"LPR-{uuid.uuid4().hex[:8].upper()}",
        channel=Channel.WHATSAPP,
        kind=ReportKind.PENGADUAN,
        text=text,
        location=Location(kecamatan="Banjarmasin Selatan", kelurahan="Kelayan Dalam"),
        reporter_ref="ref-integration",
        received_at=now,
        attachments=("https://foto.example/jalan.jpg",),
    )


async def test_a_cross_sector_report_reaches_each_bodys_topic(
    kafka: str, postgres_url: str
) -> None:
    common = CommonSettings(
        kafka_bootstrap_servers=kafka,
        database_url=postgres_url,
        instance=f"t{uuid.uuid4().hex[:8]}",
    )
    accepted = report(ROADS_AND_PIPE)
    key = str(accepted.report_id).encode()
    await produce(kafka, topics.REPORTS, [(key, codec.encode(accepted))], [codec.headers(accepted)])
    app = build_app(bootstrap(RoutingSettings(common=common)))
    mine = lambda record: record.key == key  # noqa: E731
    async with app.router.lifespan_context(app):
        disposed = await read_topic(kafka, topics.DISPOSITIONS, until=bool, where=mine)
        event = codec.decode(topics.DISPOSITIONS, disposed[0].value, 1 << 20)
        bodies = [event.skpd_code, *event.also]  # type: ignore[union-attr]
        assert set(bodies) == {"DPUPR", "PDAM"}
        for code in bodies:
            records = await read_topic(kafka, topics.skpd_topic(code), until=bool, where=mine)
            seen = [codec.decode(topics.skpd_topic(code), r.value, 1 << 20) for r in records]
            [body_sees] = {e.event_id: e for e in seen}.values()  # a relay re-send is one event
            assert body_sees.skpd_code == code  # type: ignore[union-attr]
            assert body_sees.attachments == accepted.attachments  # type: ignore[union-attr]
            assert "reporter_ref" not in body_sees.model_dump()
