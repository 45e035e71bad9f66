"""How moderation events change the read model: the public face of a case, and who did what.

The public title and text are masked here, once, when projected (`shared.masking`, the one
rule), so every public surface and the public search read the masked words only.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from shared.masking import mask_contacts
from tracking.domain.case import Case

Row = dict[str, Any]
_TITLE_CHARS = 200  # the column's width: a marker is longer than the number it replaces


def public_face(title: str, text: str) -> Row:
    """The masked title and text the public reads."""
    return {"public_title": mask_contacts(title)[:_TITLE_CHARS], "public_text": mask_contacts(text)}


def _corrected(row: Row, event: Case.Corrected) -> Row:
    return {**public_face(event.title, event.text), "corrected_at": event.at}


def _act(change: Callable[[Row, Any], Row]) -> Callable[[Row, Any], Row]:
    """A change that also dates the case's last moderation (the queue's order)."""
    return lambda row, event: {**change(row, event), "moderated_at": event.at}


# What each moderation event changes in the case's row.
MODERATION_CHANGES: dict[type[Case.Event], Callable[[Row, Any], Row]] = {
    Case.Flagged: _act(lambda row, e: {"flags": (row["flags"] or 0) + 1}),
    Case.Hidden: _act(lambda row, e: {"hidden": True}),
    Case.Shown: _act(lambda row, e: {"hidden": False, "flags": 0}),
    Case.Corrected: _act(_corrected),
}

_ACTS = {
    Case.Flagged: "flagged",
    Case.Hidden: "hidden",
    Case.Shown: "shown",
    Case.Corrected: "corrected",
}


def act_row(event: Case.Event) -> Row | None:
    """The moderation queue's line for an event: the act, who (empty role: the public), why."""
    act = _ACTS.get(type(event))
    if act is None:
        return None
    person = event.actor if isinstance(event, Case.Moderated) else None
    role, name = (person.role, person.name) if person else ("", "")
    return {
        "report_id": event.originator_id,
        "seq": event.originator_version,
        "at": event.at,
        "act": act,
        "role": role,
        "name": name,
        "reason": getattr(event, "reason", ""),
        "flags": getattr(event, "flags", 0),
    }
