"""Older stored case events, read as today's: never rewritten, upcast when read.

Version 1 carried a `standing` dict; version 2 flat fields, the same groups repeated in each
event (who to tell, where the case stands, the deadline, the reply window, the acting body).
"""

from __future__ import annotations

import re
from collections.abc import Collection
from datetime import datetime
from typing import Any

from tracking.domain.deadlines import Deadline
from tracking.domain.status import Step
from tracking.domain.values import ActedBy, Envelope, Person, Standing

_STOOD = (
    "tracking_id",
    "channel",
    "kind",
    "reporter_ref",
    "anonim",
    "rahasia",
    "status",
    "skpd_code",
    "skpd_name",
    "due_at",
    "step",
    "warn_at",
)


def upcast_v1_v2(state: dict[str, Any]) -> None:
    """Lift the standing's facts into the event's own typed fields (the store is not touched)."""
    standing = state.pop("standing", None)
    if not isinstance(standing, dict):
        return
    for name in _STOOD:
        state.setdefault(name, standing.get(name))


_ENVELOPE = ("tracking_id", "channel", "kind", "reporter_ref", "anonim", "rahasia")


def upcast_v2_v3(state: dict[str, Any], fields: Collection[str]) -> None:
    """Group a version-2 event's flat fields in the value objects of the class it is read as.

    `fields` are the fields the event's class declares: the class says which groups it carries
    (a deadline, a reply window, the body that moved); what it no longer declares is dropped.
    """
    own_due = state.pop("deadline", None)  # a warning's own deadline, not the case's
    state.setdefault("source", None)
    state["envelope"] = Envelope(**{name: state.pop(name) for name in _ENVELOPE})
    due_at = state.pop("due_at", None)
    standing = (state.pop("status"), state.pop("skpd_code", None), state.pop("skpd_name", None))
    state["standing"] = Standing(*standing, due_at=due_at)
    if isinstance(own_due, datetime):  # a warning: its own step and moment
        state["due_at"] = own_due
        state.pop("warn_at", None)
    elif "warn_at" in state:  # the events that set the deadline carried all of it
        step, warn_at = state.pop("step"), state.pop("warn_at")
        kept = step is not None and due_at is not None and warn_at is not None
        moved = state.get("moved", True)
        state["deadline"] = Deadline(step, due_at, warn_at) if kept and moved else None
    if "reply_window" in fields:
        due, warn = state.pop("reply_due_at", None), state.pop("reply_warn_at", None)
        state["reply_window"] = Deadline(Step.REPLY.value, due, warn) if due and warn else None
    if "by" in fields:
        body = state.pop("body", None) or state.pop("rejected_by", None) or ""
        state["by"] = ActedBy(body or state.pop("classified_by", ""), state.pop("actor", ""))
    for name, default in _DEFAULTS:
        if name in fields:
            state.setdefault(name, default)
    for stray in set(state) - set(fields):
        del state[stray]


_DEFAULTS: tuple[tuple[str, Any], ...] = (
    ("also", ()),
    ("moved", False),
    ("overdue_step", None),
    ("previous_skpd_code", None),
    ("attachments", ()),
    ("category", None),
    ("comment", ""),
    ("escalate_at", None),
    ("deadline", None),
    ("suggested_code", None),
    ("on_time", None),
)


_NAMED = re.compile(r"^(?P<name>.*\S)\s+\((?P<role>admin|skpd(?::[A-Z0-9][A-Z0-9-]*)?)\)$")


def upcast_v3_v4(state: dict[str, Any]) -> None:
    """Every event gained `actor` (None: nobody decided); a body's move had the name in `by`.

    The desk wrote `"Name (role)"`; a body's own system a bare name, read as a person of
    that body.
    """
    by = state.get("by")
    state["actor"] = None
    if isinstance(by, ActedBy):
        state["actor"] = legacy_person(by.actor, f"skpd:{by.body}" if by.body else "skpd")
        state["by"] = ActedBy(by.body)


def legacy_person(spelt: str, role: str) -> Person | None:
    """A person as a string named them before version 4 (empty: nobody)."""
    text = spelt.strip()
    if not text:
        return None
    found = _NAMED.match(text)
    return Person(found["role"], found["name"]) if found else Person(role, text)
