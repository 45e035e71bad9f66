"""Who may do what on the broker: one Kafka principal per service, channel adapter and body.

Derived from DESIGN.md's topic table and the body directory. A body reads only its routed topic
and writes only its actions topic; a service reads and writes only the topics of its row.
Consumer groups are granted by prefix: `<instance>-<service>-` (what the runtime names them),
`<instance>-adapter-<channel>-` for a channel adapter, `skpd.<CODE>.` for a body's systems.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

from shared import topics
from shared.contracts.intake import Channel

ADMIN = "admin"  # the super user: creates topics, principals and ACLs; operators' tools

Resource = Literal["topic", "group"]
Pattern = Literal["literal", "prefixed"]
Operation = Literal["Read", "Write", "Describe"]

# Kafka lets Read and Write imply Describe, so no Describe ACL is created (half the ACLs the
# broker has to load; the effective rights are the same).
READ: tuple[Operation, ...] = ("Read",)
WRITE: tuple[Operation, ...] = ("Write",)


@dataclass(frozen=True)
class Grant:
    """One ALLOW rule: operations on a topic or consumer group (by name or name prefix)."""

    resource: Resource
    name: str
    operations: tuple[Operation, ...]
    pattern: Pattern = "literal"


@dataclass(frozen=True)
class Principal:
    """A Kafka user (`User:<name>`) and everything it is allowed."""

    name: str
    grants: tuple[Grant, ...]

    def may(self, operation: Operation, topic: str) -> bool:
        """Whether a literal topic grant allows `operation` on `topic`."""
        return any(
            g.resource == "topic" and g.name == topic and operation in g.operations
            for g in self.grants
        )


def _topics(names: Iterable[str], operations: tuple[Operation, ...]) -> list[Grant]:
    return [Grant("topic", name, operations) for name in names]


def _principal(
    name: str, reads: Sequence[str], writes: Sequence[str], group_prefix: str
) -> Principal:
    grants = [
        *_topics(reads, READ),
        *_topics(writes, WRITE),
        Grant("group", group_prefix, READ, "prefixed"),
    ]
    return Principal(name, tuple(grants))


def service_principals(instance: str, body_codes: Sequence[str]) -> list[Principal]:
    """The four services, each with the topics of its row of the design table."""
    routed = [topics.skpd_topic(code) for code in body_codes]
    actions = [topics.skpd_actions_topic(code) for code in body_codes]
    outbound = [topics.outbound_topic(channel) for channel in Channel]
    dead = topics.DEADLETTER
    tracking_reads = [topics.REPORTS, topics.DISPOSITIONS, *actions]
    rows = {
        "intake": ([topics.INTAKE, topics.DISPOSITIONS, topics.CASES], [topics.REPORTS, dead]),
        "routing": ([topics.REPORTS, topics.CASES], [topics.DISPOSITIONS, *routed, dead]),
        # tracking's SKPD HTTP API writes a body's actions on that body's behalf
        "tracking": (tracking_reads, [topics.CASES, *actions, dead]),
        # notification reads from the report events only which kinds of contact were left
        "notification": ([topics.REPORTS, topics.CASES, topics.DELIVERY], [*outbound, dead]),
    }
    # every service projects the token registry (read without a group: each replica reads all)
    return [
        _principal(name, [*reads, topics.TOKENS], writes, f"{instance}-{name}-")
        for name, (reads, writes) in rows.items()
    ]


def adapter_principal(instance: str, channel: Channel | str) -> Principal:
    """A channel adapter: writes intake messages and delivery reports, reads its outbound topic."""
    value = Channel(channel).value
    return _principal(
        f"adapter-{value}",
        [topics.outbound_topic(value)],
        [topics.INTAKE, topics.DELIVERY],
        f"{instance}-adapter-{value}-",
    )


def body_principal(code: str) -> Principal:
    """An SKPD's systems: read its routed topic, write its actions topic, nothing else."""
    return _principal(
        body_principal_name(code),
        [topics.skpd_topic(code)],
        [topics.skpd_actions_topic(code)],
        body_group_prefix(code),
    )


def body_principal_name(code: str) -> str:
    """The Kafka user of one body's systems."""
    return f"skpd-{code}"


def body_group_prefix(code: str) -> str:
    """Consumer groups a body may use start with this (the dot keeps `PLN` from `PLN-UID-…`)."""
    return f"skpd.{code}."


FACES_READING_TOKENS = ("web",)
"""Faces that sign staff in: they read the token topic (without a group), nothing else."""


def face_principal_name(face: str) -> str:
    """The Kafka user of a face."""
    return f"face-{face}"


def face_principal(face: str) -> Principal:
    """A face that signs staff in: it reads lapor.tokens.v1 and nothing else."""
    return Principal(face_principal_name(face), tuple(_topics([topics.TOKENS], READ)))


def all_principals(instance: str, body_codes: Sequence[str]) -> list[Principal]:
    """Every principal the project grants: services, faces, channel adapters, bodies."""
    return [
        *service_principals(instance, body_codes),
        *(face_principal(face) for face in FACES_READING_TOKENS),
        *(adapter_principal(instance, channel) for channel in Channel),
        *(body_principal(code) for code in body_codes),
    ]
