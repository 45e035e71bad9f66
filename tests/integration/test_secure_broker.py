"""The secure profile on the real broker: SASL/SCRAM, one principal each, ACLs from the directory.

Two bodies (PDAM, DLH) and the four services, each service logged in as its own principal: PDAM's
systems read PDAM's routed topic and their action moves the case, while DLH's routed topic and
DLH's actions topic refuse them.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

import httpx
import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from aiokafka.errors import GroupAuthorizationFailedError, TopicAuthorizationFailedError
from fastapi import FastAPI

from intake.bootstrap import bootstrap as intake_bootstrap
from intake.settings import IntakeSettings
from notification.bootstrap import bootstrap as notification_bootstrap
from notification.settings import NotificationSettings
from routing.bootstrap import bootstrap as routing_bootstrap
from routing.settings import RoutingSettings
from services.cli.kafka_access import apply, load_passwords, secrets_path
from shared import topics
from shared.contracts import Acknowledge, IntakeMessage, Location, Reporter
from shared.messaging import codec
from shared.messaging.admin import ensure_topics
from shared.runtime import build_app
from shared.settings import CommonSettings
from tests.infra import LocalKafka
from tests.required import unavailable
from tracking.bootstrap import bootstrap as tracking_bootstrap
from tracking.domain.status import Status
from tracking.settings import TrackingSettings

pytestmark = pytest.mark.integration

T = TypeVar("T")
SERVICE_APPS: dict[str, Callable[[CommonSettings], FastAPI]] = {
    "intake": lambda common: build_app(intake_bootstrap(IntakeSettings(common=common))),
    "routing": lambda common: build_app(routing_bootstrap(RoutingSettings(common=common))),
    "tracking": lambda common: build_app(tracking_bootstrap(TrackingSettings(common=common))),
    "notification": lambda common: build_app(
        notification_bootstrap(NotificationSettings(common=common))
    ),
}


@dataclass(frozen=True)
class SecureBroker:
    """A broker in the secure profile, its principals created, and their passwords."""

    bootstrap: str
    folder: Path
    passwords: dict[str, str]

    def common(self, user: str) -> CommonSettings:
        """The settings a process logged in as `user` runs with."""
        return CommonSettings(
            kafka_bootstrap_servers=self.bootstrap,
            kafka_security_protocol="SASL_PLAINTEXT",
            kafka_username=user,
            kafka_password=self.passwords[user],
            state_dir=self.folder / user,
            database_url=None,
        )

    def login(self, user: str) -> dict[str, Any]:
        """aiokafka's keyword arguments for `user`."""
        return {
            "bootstrap_servers": self.bootstrap,
            "security_protocol": "SASL_PLAINTEXT",
            "sasl_mechanism": "SCRAM-SHA-512",
            "sasl_plain_username": user,
            "sasl_plain_password": self.passwords[user],
        }


@pytest.fixture(scope="module")
def secure_kafka(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalKafka]:
    """Our own broker in the secure profile (deploy/kafka.sh with KAFKA_SECURE=1)."""
    kafka = LocalKafka(secure=True, stop_timeout=2)  # its data is thrown away: no need to wait
    try:
        kafka.start()
    except Exception as error:
        unavailable("the secure Kafka profile", error)
    try:
        yield kafka
    finally:
        kafka.stop()


@pytest.fixture(scope="module")
async def broker(
    secure_kafka: LocalKafka, tmp_path_factory: pytest.TempPathFactory
) -> SecureBroker:
    """Topics created and every principal and ACL applied, as `lapor dev up --secure` does."""
    folder = tmp_path_factory.mktemp("secure")
    admin = secure_kafka.admin_security
    # one partition a topic: a fresh broker makes each partition's log before it takes new
    # credentials, and the partition count is not what this test is about
    await ensure_topics(secure_kafka.bootstrap_servers, partitions=1, security=admin)
    common = CommonSettings(
        kafka_bootstrap_servers=secure_kafka.bootstrap_servers,
        kafka_security_protocol="SASL_PLAINTEXT",
        kafka_username="admin",
        kafka_password=admin["sasl_plain_password"],
    )
    path = secrets_path(folder)
    await apply(common, path)
    return SecureBroker(secure_kafka.bootstrap_servers, folder, load_passwords(path, []))


@contextlib.asynccontextmanager
async def services(broker: SecureBroker) -> AsyncIterator[dict[str, FastAPI]]:
    """The four services in this process, each logged in as its own principal."""
    apps = {name: make(broker.common(name)) for name, make in SERVICE_APPS.items()}
    async with contextlib.AsyncExitStack() as stack:
        for app in apps.values():
            await stack.enter_async_context(app.router.lifespan_context(app))
        yield apps


async def produce_as(broker: SecureBroker, user: str, topic: str, key: str, event: Any) -> None:
    """Publish one contract message as `user` and wait for the broker."""
    producer = AIOKafkaProducer(acks="all", enable_idempotence=True, **broker.login(user))
    await producer.start()
    try:
        await producer.send_and_wait(topic, codec.encode(event), key=key.encode())
    finally:
        await producer.stop()


async def first_record(broker: SecureBroker, user: str, topic: str, group: str) -> Any:
    """The first record of `topic`, read as `user` in consumer group `group`."""
    consumer = AIOKafkaConsumer(
        topic, group_id=group, auto_offset_reset="earliest", **broker.login(user)
    )
    try:
        await consumer.start()
        return await asyncio.wait_for(consumer.getone(), timeout=60)
    finally:
        await consumer.stop()


async def eventually(fetch: Callable[[], Awaitable[T | None]], timeout: float = 60.0) -> T:
    """Ask until there is an answer (the services work asynchronously)."""
    deadline = asyncio.get_running_loop().time() + timeout
    while asyncio.get_running_loop().time() < deadline:
        found = await fetch()
        if found is not None:
            return found
        await asyncio.sleep(0.2)
    raise AssertionError("no answer in time")


async def case_status(tracking: FastAPI, tracking_id: str, wanted: str) -> dict[str, Any]:
    """Tracking's public status of a report once it is `wanted`."""
    transport = httpx.ASGITransport(app=tracking)
    async with httpx.AsyncClient(transport=transport, base_url="http://tracking") as client:

        async def fetch() -> dict[str, Any] | None:
            response = await client.get(f"/v1/reports/{tracking_id}")
            body: dict[str, Any] = response.json() if response.status_code == 200 else {}
            return body if body.get("status") == wanted else None

        return await eventually(fetch)


def water_report() -> IntakeMessage:
    now = datetime.now(UTC)
    return IntakeMessage(
        occurred_at=now,
        received_at=now,
        channel="sms",
        message_id=f"secure-{uuid.uuid4()}",
        text="Air PDAM mati sejak kemarin di Jl. Sultan Adam, mohon dicek",
        location=Location(kecamatan="Banjarmasin Utara"),
        reporter=Reporter(phone="+6281255507777"),
    )


async def test_a_body_reads_and_acts_on_its_own_topics_and_on_no_other_body(
    broker: SecureBroker,
) -> None:
    async with services(broker) as apps:
        message = water_report()
        await produce_as(broker, "adapter-sms", topics.INTAKE, message.key, message)
        routed = await first_record(broker, "skpd-PDAM", topics.skpd_topic("PDAM"), "skpd.PDAM.it")
        report = json.loads(routed.value)
        await case_status(apps["tracking"], report["tracking_id"], Status.BELUM_DITINDAKLANJUTI)
        acknowledge = Acknowledge(
            occurred_at=datetime.now(UTC),
            report_id=report["report_id"],
            tracking_id=report["tracking_id"],
            skpd_code="PDAM",
        )
        actions = topics.skpd_actions_topic("PDAM")
        await produce_as(broker, "skpd-PDAM", actions, report["report_id"], acknowledge)
        status = await case_status(apps["tracking"], report["tracking_id"], Status.SEDANG_DIPROSES)
    assert status["skpd"]["code"] == "PDAM"


async def test_pdam_cannot_read_the_reports_routed_to_dlh(broker: SecureBroker) -> None:
    with pytest.raises(TopicAuthorizationFailedError):
        await first_record(broker, "skpd-PDAM", topics.skpd_topic("DLH"), "skpd.PDAM.peek")


async def test_pdam_cannot_act_on_dlh_s_actions_topic(broker: SecureBroker) -> None:
    forged = Acknowledge(
        occurred_at=datetime.now(UTC),
        report_id=uuid.uuid4(),
        tracking_id="LPR-FORGED1",
        skpd_code="DLH",
    )
    with pytest.raises(TopicAuthorizationFailedError):
        await produce_as(
            broker, "skpd-PDAM", topics.skpd_actions_topic("DLH"), str(forged.report_id), forged
        )


async def test_dlh_reads_its_own_routed_topic(broker: SecureBroker) -> None:
    consumer = AIOKafkaConsumer(
        topics.skpd_topic("DLH"), group_id="skpd.DLH.it", **broker.login("skpd-DLH")
    )
    await consumer.start()
    try:
        assert await consumer.getmany(timeout_ms=500) == {}  # allowed, and nothing routed there
    finally:
        await consumer.stop()


async def test_a_body_cannot_join_another_body_s_consumer_group(broker: SecureBroker) -> None:
    with pytest.raises(GroupAuthorizationFailedError):
        await first_record(broker, "skpd-PDAM", topics.skpd_topic("PDAM"), "skpd.DLH.it")
