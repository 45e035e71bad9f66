"""The secure profile's client side and its principals: who logs in, and who may do what."""

from __future__ import annotations

import importlib
import itertools
import stat
from pathlib import Path

import pytest
from faststream.security import SASLScram512
from pydantic import SecretStr, ValidationError
from typer.testing import CliRunner

from services.cli.kafka_access import (
    SECRETS_FILE,
    load_passwords,
    preset_env_name,
    preset_passwords,
)
from services.cli.main import app as lapor
from services.cli.state import SERVICES
from shared import topics
from shared.contracts.intake import Channel
from shared.directory import body_codes
from shared.messaging.kafka_auth import broker_security, client_options, security_options
from shared.messaging.principals import (
    FACES_READING_TOKENS,
    Grant,
    Principal,
    adapter_principal,
    all_principals,
    body_group_prefix,
    body_principal,
    face_principal,
    service_principals,
)
from shared.runtime import ServiceSpec, build_app
from shared.settings import CommonSettings

POPO = {"PERSISTENCE_MODULE": "eventsourcing.popo"}


def sasl(user: str = "tracking", password: str = "rahasia") -> CommonSettings:
    return CommonSettings(
        kafka_bootstrap_servers="broker:9092",
        kafka_security_protocol="SASL_PLAINTEXT",
        kafka_username=user,
        kafka_password=SecretStr(password),
    )


def spec_of(service: str, common: CommonSettings) -> ServiceSpec:
    """A service as its bootstrap builds it (in-memory stores, nothing connects)."""
    settings = getattr(importlib.import_module(f"{service}.settings"), f"{service.title()}Settings")
    bootstrap = importlib.import_module(f"{service}.bootstrap").bootstrap
    spec: ServiceSpec = bootstrap(settings(common=common), env=POPO)
    return spec


def principal(name: str) -> Principal:
    return {p.name: p for p in all_principals("lapor", body_codes())}[name]


# --- the client side ---------------------------------------------------------------------------


def test_plaintext_clients_carry_no_credentials() -> None:
    common = CommonSettings(kafka_bootstrap_servers="broker:9092")
    assert client_options(common) == {"bootstrap_servers": "broker:9092"}
    assert broker_security(common) is None


def test_sasl_clients_log_in_with_scram_as_the_configured_principal() -> None:
    assert security_options(sasl()) == {
        "security_protocol": "SASL_PLAINTEXT",
        "sasl_mechanism": "SCRAM-SHA-512",
        "sasl_plain_username": "tracking",
        "sasl_plain_password": "rahasia",
    }
    security = broker_security(sasl())
    assert isinstance(security, SASLScram512)
    assert (security.username, security.password) == ("tracking", "rahasia")
    assert not security.use_ssl


def test_sasl_without_a_principal_is_refused_at_start() -> None:
    with pytest.raises(ValidationError, match="LAPOR_KAFKA_USERNAME"):
        CommonSettings(kafka_security_protocol="SASL_PLAINTEXT")


def test_the_service_broker_logs_in_as_the_service_principal(tmp_path: Path) -> None:
    common = sasl("notification").model_copy(update={"state_dir": tmp_path})
    broker = build_app(spec_of("notification", common)).state.runtime.broker
    connection = broker._connection_kwargs  # what FastStream hands every aiokafka client it makes
    assert connection["security_protocol"] == "SASL_PLAINTEXT"
    assert connection["sasl_plain_username"] == "notification"


# --- the principals ----------------------------------------------------------------------------


@pytest.mark.parametrize("service", SERVICES)
def test_each_service_may_read_what_it_subscribes_to_and_write_what_it_publishes(
    service: str, tmp_path: Path
) -> None:
    common = CommonSettings(state_dir=tmp_path)
    spec = spec_of(service, common)
    granted = principal(service)
    for sub in spec.subscriptions:
        assert all(granted.may("Read", topic) for topic in sub.topics), sub.name
        group = f"{common.instance}-{service}-{sub.name}"  # as the runtime names it
        assert any(g.resource == "group" and group.startswith(g.name) for g in granted.grants)
    for topic, _ in spec.publishes:
        assert granted.may("Write", topic), topic
    assert granted.may("Write", topics.DEADLETTER)


def test_a_body_reads_only_its_routed_topic_and_writes_only_its_actions_topic() -> None:
    pdam = body_principal("PDAM")
    topic_grants = {(g.name, g.operations) for g in pdam.grants if g.resource == "topic"}
    assert topic_grants == {
        ("lapor.skpd.PDAM.v1", ("Read",)),  # Read and Write imply Describe
        ("lapor.skpd.PDAM.actions.v1", ("Write",)),
    }


def test_no_body_is_granted_a_topic_or_consumer_group_of_another_body() -> None:
    for mine, theirs in itertools.permutations(body_codes(), 2):
        names = {g.name for g in body_principal(mine).grants if g.resource == "topic"}
        assert not names & {topics.skpd_topic(theirs), topics.skpd_actions_topic(theirs)}
        # a prefixed group grant must not cover the other body's groups (PLN vs PLN-UID-…)
        assert not f"{body_group_prefix(theirs)}x".startswith(body_group_prefix(mine))


def test_only_routing_writes_routed_topics_and_only_tracking_reads_actions() -> None:
    routed, actions = topics.skpd_topic("DLH"), topics.skpd_actions_topic("DLH")
    everyone = all_principals("lapor", body_codes())
    assert {p.name for p in everyone if p.may("Write", routed)} == {"routing"}
    assert {p.name for p in everyone if p.may("Read", actions)} == {"tracking"}
    assert {p.name for p in everyone if p.may("Read", routed)} == {"skpd-DLH"}


def test_a_channel_adapter_reads_only_its_own_outbound_topic() -> None:
    sms = adapter_principal("lapor", Channel.SMS)
    assert sms.may("Read", topics.outbound_topic("sms"))
    assert not sms.may("Read", topics.outbound_topic("email"))
    assert sms.may("Write", topics.INTAKE) and sms.may("Write", topics.DELIVERY)


def test_every_principal_has_its_own_name() -> None:
    names = [p.name for p in all_principals("lapor", body_codes())]
    expected = len(SERVICES) + len(FACES_READING_TOKENS) + len(Channel) + len(body_codes())
    assert len(names) == len(set(names)) == expected
    assert "admin" not in names  # the super user is made by the broker's format, not here
    assert {p.name for p in service_principals("lapor", body_codes())} == set(SERVICES)


# --- passwords and the command line -----------------------------------------------------------


def test_passwords_are_generated_once_kept_after_and_readable_by_the_owner_only(
    tmp_path: Path,
) -> None:
    path = tmp_path / SECRETS_FILE
    first = load_passwords(path, ["intake", "skpd-PDAM"])
    again = load_passwords(path, ["intake", "skpd-PDAM", "skpd-DLH"])
    assert again["intake"] == first["intake"] and again["skpd-PDAM"] == first["skpd-PDAM"]
    assert len(set(again.values())) == 3
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_credentials_prints_what_a_body_logs_in_with(tmp_path: Path) -> None:
    path = tmp_path / SECRETS_FILE
    password = load_passwords(path, ["skpd-PDAM"])["skpd-PDAM"]
    result = CliRunner().invoke(
        lapor, ["kafka-access", "credentials", "skpd-PDAM", "--secrets-file", str(path)]
    )
    assert result.exit_code == 0, result.output
    assert "LAPOR_KAFKA_USERNAME=skpd-PDAM" in result.output.splitlines()
    assert f"LAPOR_KAFKA_PASSWORD={password}" in result.output.splitlines()


def test_apply_refuses_to_run_without_logging_in_as_the_super_user(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LAPOR_KAFKA_SECURITY_PROTOCOL", "PLAINTEXT")
    result = CliRunner().invoke(
        lapor, ["kafka-access", "apply", "--secrets-file", str(tmp_path / "p.json")]
    )
    assert result.exit_code == 1
    assert "super user" in result.output


def test_a_password_the_deployment_fixes_replaces_the_saved_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / SECRETS_FILE
    load_passwords(path, ["intake", "routing"])
    monkeypatch.setenv(preset_env_name("intake"), "dari-compose")
    fixed = preset_passwords([principal("intake"), principal("routing")])
    assert fixed == {"intake": "dari-compose"}
    assert load_passwords(path, ["intake", "routing"], fixed)["intake"] == "dari-compose"
    assert load_passwords(path, ["intake"])["intake"] == "dari-compose"  # and it was saved


def test_dev_up_secure_starts_each_service_as_its_own_principal(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from services.cli import dev
    from services.cli.state import DevState

    passwords = load_passwords(tmp_path / SECRETS_FILE, SERVICES)
    started: dict[str, dict[str, str]] = {}

    class Recorded:
        pid = 4242

        def __init__(self, command: list[str], env: dict[str, str], **_: object) -> None:
            started[command[-1]] = env

    monkeypatch.setattr(dev.subprocess, "Popen", Recorded)
    state = DevState(kafka_bootstrap_servers="127.0.0.1:19092", kafka_secure=True)
    for name in SERVICES:
        dev.start_service(name, tmp_path, state)
    for name in SERVICES:
        env = started[name]
        assert env["LAPOR_KAFKA_SECURITY_PROTOCOL"] == "SASL_PLAINTEXT"
        assert (env["LAPOR_KAFKA_USERNAME"], env["LAPOR_KAFKA_PASSWORD"]) == (name, passwords[name])
        assert env["LAPOR_KAFKA_BOOTSTRAP_SERVERS"] == "127.0.0.1:19092"


def test_every_service_and_the_web_face_read_the_token_topic_and_none_writes_it() -> None:
    readers = [*service_principals("lapor", body_codes()), face_principal("web")]
    assert all(p.may("Read", topics.TOKENS) for p in readers)
    assert face_principal("web").grants == (Grant("topic", topics.TOKENS, ("Read",)),)
    everyone = all_principals("lapor", body_codes())
    assert not any(p.may("Write", topics.TOKENS) for p in everyone)  # the admin's tools only
