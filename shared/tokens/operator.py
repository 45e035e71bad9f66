"""The operator's side of the token topic: publish issues and revocations, read the whole set."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Sequence
from datetime import datetime, timedelta

from aiokafka import AIOKafkaProducer

from shared import topics
from shared.auth import digest, is_role, new_token
from shared.contracts.base import Actor
from shared.contracts.tokens import TokenEvent, TokenIssued, TokenRevoked
from shared.messaging import codec
from shared.messaging.kafka_auth import client_options
from shared.settings import CommonSettings
from shared.tokens.feed import TokenFeed
from shared.tokens.registry import Grant, TokenRegistry


class TokenRequestError(ValueError):
    """An issue or revocation that cannot be made as asked."""


def issue(
    role: str,
    name: str,
    actor: Actor,
    now: datetime,
    *,
    email: str | None = None,
    days: float | None = None,
) -> tuple[str, TokenIssued]:
    """A fresh token and the event announcing its digest (the token itself never travels)."""
    if not is_role(role):
        raise TokenRequestError(
            f"unknown role {role!r} (adapter, admin, analyst, notification, skpd:CODE)"
        )
    if not name.strip():
        raise TokenRequestError("a name is required: it is the actor recorded in events")
    if days is not None and days <= 0:
        raise TokenRequestError("--days must be more than 0")
    token = new_token()
    expires = now + timedelta(days=days) if days is not None else None
    event = TokenIssued(
        occurred_at=now,
        digest=digest(token),
        role=role,
        name=name.strip(),
        email=email or None,
        expires_at=expires,
        actor=actor,
    )
    return token, event


def revocations(
    registry: TokenRegistry, who: str, actor: Actor, now: datetime
) -> list[TokenRevoked]:
    """Revoke the token given, the digest (or a prefix of 8+ hex digits), or a person's tokens."""
    wanted = digest(who)
    found = [
        g
        for g in registry.grants()
        if not g.revoked
        and (
            g.digest == wanted
            or g.name == who.strip()
            or (len(who) >= 8 and g.digest.startswith(who.lower()))
        )
    ]
    return [
        TokenRevoked(
            occurred_at=now,
            digest=g.digest,
            role=g.role or None,
            name=g.name,
            email=g.email,
            expires_at=g.expires_at,
            actor=actor,
        )
        for g in found
    ]


def migrated(
    entries: dict[str, dict[str, str]], known: TokenRegistry, actor: Actor, now: datetime
) -> list[TokenIssued]:
    """The legacy file's tokens the topic does not know yet, as issue events."""
    return [
        TokenIssued(
            occurred_at=now,
            digest=d,
            role=entry["role"],
            name=entry.get("name", ""),
            actor=actor,
        )
        for d, entry in entries.items()
        if known.get(d) is None
    ]


async def publish(common: CommonSettings, events: Sequence[TokenEvent]) -> None:
    """Write the events, keyed by digest, and return once the broker has them all."""
    producer = AIOKafkaProducer(
        **client_options(common),
        client_id="lapor-tokens-cli",
        acks="all",
        enable_idempotence=True,
    )
    await producer.start()
    try:
        for event in events:
            await producer.send_and_wait(
                topics.TOKENS,
                codec.encode(event),
                key=event.digest.encode(),
                headers=codec.headers(event),
            )
    finally:
        await producer.stop()


async def current(common: CommonSettings, timeout: float = 30.0) -> TokenRegistry:
    """Every token the topic holds, read to its end."""
    registry = TokenRegistry()
    feed = TokenFeed(common, registry, name="tokens-cli")
    stopping = asyncio.Event()
    follower = asyncio.create_task(feed.run(stopping))
    try:
        await asyncio.wait_for(feed.caught_up.wait(), timeout)
    finally:
        stopping.set()
        with contextlib.suppress(Exception):
            await follower
    return registry


def described(grant: Grant, now: datetime) -> str:
    """One line of `lapor tokens list`: digest prefix, role, name, e-mail, expiry, state."""
    state = "revoked" if grant.revoked else ("expired" if not grant.live(now) else "live")
    expires = grant.expires_at.isoformat(timespec="minutes") if grant.expires_at else "-"
    return "\t".join(
        [grant.digest[:12], grant.role, grant.name or "-", grant.email or "-", expires, state]
    )
