"""Aggregate ids derived from business keys: the same key always finds the same aggregate."""

from __future__ import annotations

from functools import lru_cache
from uuid import UUID

from shared.processing import derived_id


@lru_cache(maxsize=4096)  # a message's id is asked for several times while it is recorded
def report_id(channel: str, message_id: str) -> UUID:
    """One adapter message, one report."""
    return derived_id("intake-report", channel, message_id)


def activity_id(contact_key: str) -> UUID:
    """The flood counter of one contact key (its rows are keyed by this, never the contact)."""
    return derived_id("reporter-activity", contact_key)


def held_queue_id() -> UUID:
    """The admin's one queue of held reports (before F3; read to migrate)."""
    return derived_id("held-queue")


def link_message_id(reporter_ref: str, message_id: str) -> UUID:
    """One message sent through a reporter's status link (the client's id, per reporter)."""
    return derived_id("status-link-message", reporter_ref, message_id)
