"""Put principals on the broker: SCRAM credentials and ALLOW ACLs, idempotently, as the admin.

aiokafka 0.14's admin client has no call for either, so this module speaks the two Kafka requests
itself (AlterUserScramCredentials v0, CreateAcls v1) through aiokafka's protocol classes. Upserting
a credential or creating an ACL that exists already changes nothing, so `apply_access` can run on
every start.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import logging
import secrets
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any

from aiokafka.admin import AIOKafkaAdminClient
from aiokafka.errors import KafkaError
from aiokafka.protocol.admin import CreateAclsRequest_v1
from aiokafka.protocol.api import Request, RequestStruct, Response
from aiokafka.protocol.types import (
    CompactArray,
    CompactBytes,
    CompactString,
    Int8,
    Int16,
    Int32,
    Schema,
    TaggedFields,
)

from shared.messaging.principals import Grant, Principal

SCRAM_ITERATIONS = 4096  # Kafka's default and minimum for both SCRAM mechanisms
_MECHANISMS = {"SCRAM-SHA-256": (1, "sha256"), "SCRAM-SHA-512": (2, "sha512")}
# Kafka's enum codes (org.apache.kafka.common.acl / resource)
_RESOURCE = {"topic": 2, "group": 3}
_PATTERN = {"literal": 3, "prefixed": 4}
_OPERATION = {"Read": 3, "Write": 4, "Describe": 8}
_ALLOW = 3
_MAX_PER_REQUEST = 500


class AccessError(RuntimeError):
    """The broker refused a credential or an ACL; the message says which and why."""


class AlterUserScramCredentialsResponse_v0(Response):
    API_KEY = 51
    API_VERSION = 0
    SCHEMA = Schema(
        ("throttle_time_ms", Int32),
        (
            "results",
            CompactArray(
                ("user", CompactString("utf-8")),
                ("error_code", Int16),
                ("error_message", CompactString("utf-8")),
                ("tags", TaggedFields),
            ),
        ),
        ("tags", TaggedFields),
    )


class AlterUserScramCredentialsRequest_v0(RequestStruct):
    FLEXIBLE_VERSION = True
    API_KEY = 51
    API_VERSION = 0
    RESPONSE_TYPE = AlterUserScramCredentialsResponse_v0
    SCHEMA = Schema(
        (
            "deletions",
            CompactArray(
                ("name", CompactString("utf-8")), ("mechanism", Int8), ("tags", TaggedFields)
            ),
        ),
        (
            "upsertions",
            CompactArray(
                ("name", CompactString("utf-8")),
                ("mechanism", Int8),
                ("iterations", Int32),
                ("salt", CompactBytes),
                ("salted_password", CompactBytes),
                ("tags", TaggedFields),
            ),
        ),
        ("tags", TaggedFields),
    )


class _AlterScram(Request[AlterUserScramCredentialsRequest_v0]):
    API_KEY = 51

    def __init__(self, upsertions: list[tuple[Any, ...]]) -> None:
        self._upsertions = upsertions

    def build(
        self, request_struct_class: type[AlterUserScramCredentialsRequest_v0]
    ) -> AlterUserScramCredentialsRequest_v0:
        return request_struct_class([], self._upsertions, {})


class _CreateAcls(Request[CreateAclsRequest_v1]):
    API_KEY = 30

    def __init__(self, creations: list[tuple[Any, ...]]) -> None:
        self._creations = creations

    def build(self, request_struct_class: type[CreateAclsRequest_v1]) -> CreateAclsRequest_v1:
        return request_struct_class(self._creations)


def scram_upsertion(name: str, password: str, mechanism: str) -> tuple[Any, ...]:
    """One credential as the broker stores it: salt and PBKDF2 salted password, never the text."""
    code, digest = _MECHANISMS[mechanism]
    salt = secrets.token_bytes(32)
    salted = hashlib.pbkdf2_hmac(digest, password.encode(), salt, SCRAM_ITERATIONS)
    return (name, code, SCRAM_ITERATIONS, salt, salted, {})


def acl_creations(principal: Principal) -> list[tuple[Any, ...]]:
    """CreateAcls v1 entries for every operation a principal is granted."""
    return [
        _creation(principal.name, grant, operation)
        for grant in principal.grants
        for operation in grant.operations
    ]


def _creation(user: str, grant: Grant, operation: str) -> tuple[Any, ...]:
    return (
        _RESOURCE[grant.resource],
        grant.name,
        _PATTERN[grant.pattern],
        f"User:{user}",
        "*",
        _OPERATION[operation],
        _ALLOW,
    )


async def upsert_credentials(
    admin: AIOKafkaAdminClient, passwords: Mapping[str, str], mechanism: str
) -> None:
    """Create or replace the SCRAM credential of each user."""
    upsertions = [scram_upsertion(name, pw, mechanism) for name, pw in sorted(passwords.items())]
    for chunk in _chunks(upsertions):
        response = await admin._send_request(_AlterScram(chunk))
        failed = [(user, code, msg) for user, code, msg, _ in response.results if code]
        if failed:
            raise AccessError(f"SCRAM credentials refused: {failed}")


async def create_acls(admin: AIOKafkaAdminClient, principals: Iterable[Principal]) -> int:
    """Create every ALLOW ACL of the principals (existing ones are left as they are)."""
    creations = [entry for principal in principals for entry in acl_creations(principal)]
    for chunk in _chunks(creations):
        response = await admin._send_request(_CreateAcls(chunk))
        answers = zip(chunk, response.creation_responses, strict=True)
        failed = [(entry, answer) for entry, answer in answers if answer[0]]
        if failed:
            raise AccessError(f"ACLs refused: {failed[:5]}")
    return len(creations)


async def apply_access(
    bootstrap_servers: str,
    security: Mapping[str, Any],
    principals: Sequence[Principal],
    passwords: Mapping[str, str],
) -> int:
    """As the admin: upsert every principal's credential, create its ACLs; returns the ACL count."""
    mechanism = str(security.get("sasl_mechanism", "SCRAM-SHA-512"))
    admin = AIOKafkaAdminClient(
        bootstrap_servers=bootstrap_servers, request_timeout_ms=30_000, **security
    )
    await admin.start()
    try:
        await upsert_credentials(admin, {p.name: passwords[p.name] for p in principals}, mechanism)
        count = await create_acls(admin, principals)
    finally:
        await admin.close()
    if principals:  # metadata applies in order: once the last ACL works, everything before does
        last = principals[-1]
        topic = next((g.name for g in reversed(last.grants) if g.resource == "topic"), None)
        await wait_until_usable(bootstrap_servers, security, last.name, passwords[last.name], topic)
    return count


async def wait_until_usable(
    bootstrap_servers: str,
    security: Mapping[str, Any],
    user: str,
    password: str,
    topic: str | None = None,
    timeout: float = 180.0,
) -> None:
    """Return once `user` logs in and sees `topic` (the broker applies metadata asynchronously)."""
    login = {**security, "sasl_plain_username": user, "sasl_plain_password": password}
    deadline = asyncio.get_running_loop().time() + timeout
    while not await _sees(bootstrap_servers, login, topic):
        if asyncio.get_running_loop().time() > deadline:
            raise AccessError(f"{user} cannot log in and see {topic} after {timeout:.0f} s")
        await asyncio.sleep(0.3)


async def _sees(bootstrap_servers: str, login: Mapping[str, Any], topic: str | None) -> bool:
    client = AIOKafkaAdminClient(bootstrap_servers=bootstrap_servers, **login)
    try:
        with _quiet(logging.getLogger("aiokafka")):  # refusals here are expected, not news
            await client.start()
            return topic is None or topic in await client.list_topics()
    except KafkaError:
        return False
    finally:
        await client.close()


@contextlib.contextmanager
def _quiet(logger: logging.Logger) -> Iterator[None]:
    level = logger.level
    logger.setLevel(logging.CRITICAL)
    try:
        yield
    finally:
        logger.setLevel(level)


def _chunks(items: list[tuple[Any, ...]]) -> Iterable[list[tuple[Any, ...]]]:
    for start in range(0, len(items), _MAX_PER_REQUEST):
        yield items[start : start + _MAX_PER_REQUEST]
