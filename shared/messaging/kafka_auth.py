"""How every Kafka client the project makes connects and authenticates: one place, from settings."""

from __future__ import annotations

import ssl
from typing import Any

from faststream.security import BaseSecurity, SASLScram256, SASLScram512

from shared.settings import CommonSettings


def security_options(common: CommonSettings) -> dict[str, Any]:
    """aiokafka keyword arguments for the security protocol and the SASL principal."""
    if common.kafka_security_protocol == "PLAINTEXT":
        return {}
    password = common.kafka_password.get_secret_value() if common.kafka_password else None
    options: dict[str, Any] = {
        "security_protocol": common.kafka_security_protocol,
        "sasl_mechanism": common.kafka_sasl_mechanism,
        "sasl_plain_username": common.kafka_username,
        "sasl_plain_password": password,
    }
    if common.kafka_security_protocol == "SASL_SSL":
        options["ssl_context"] = ssl.create_default_context()
    return options


def client_options(common: CommonSettings) -> dict[str, Any]:
    """aiokafka keyword arguments: where the broker is and who this process is to it."""
    return {"bootstrap_servers": common.kafka_bootstrap_servers, **security_options(common)}


def broker_security(common: CommonSettings) -> BaseSecurity | None:
    """The same principal as a FastStream security object (None on PLAINTEXT)."""
    if common.kafka_security_protocol == "PLAINTEXT":
        return None
    password = common.kafka_password.get_secret_value() if common.kafka_password else ""
    scram = SASLScram512 if common.kafka_sasl_mechanism == "SCRAM-SHA-512" else SASLScram256
    use_ssl = common.kafka_security_protocol == "SASL_SSL"
    context = ssl.create_default_context() if use_ssl else None
    return scram(common.kafka_username or "", password, ssl_context=context, use_ssl=use_ssl)
