"""Which case events the reporter hears about, and the message each one gets."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from notification.application.fitting import fit
from notification.application.ports import Renderer
from shared.contracts import CaseEvent, Channel

# Case event type -> message template. Events not listed are internal (CaseReturned,
# CaseAwaitingTriage, deadlines, ...): the reporter hears nothing about them.
TEMPLATES: Mapping[str, str] = {
    "CaseOpened": "case_opened",
    "CaseHeld": "case_held",
    "CaseArchived": "case_archived",
    "CaseLinkedAsDuplicate": "case_linked_as_duplicate",
    "CaseDisposed": "case_disposed",
    "FollowUpPosted": "follow_up_posted",
    "CaseResolved": "case_resolved",
    "CaseClosed": "case_closed",
}

UNNAMED_BODY = "instansi terkait"


@dataclass(frozen=True)
class Draft:
    """A message ready to be queued for the reporter."""

    template: str
    subject: str
    text: str


def message_context(event: CaseEvent) -> dict[str, object]:
    """The values a template may use: the event's fields, plus `skpd` (the body's name)."""
    context = event.model_dump()
    context["skpd"] = event.skpd_name or event.skpd_code or UNNAMED_BODY
    return context


class Composer:
    """Turns a case event into a draft message for the reporter's channel, or nothing."""

    def __init__(self, renderer: Renderer, short_text_limits: Mapping[Channel, int]) -> None:
        self._renderer = renderer
        self._limits = dict(short_text_limits)

    def compose(self, event: CaseEvent) -> Draft | None:
        """The message this event warrants, or None when it is not for the reporter."""
        template = TEMPLATES.get(event.event_type)
        if template is None:
            return None
        context = message_context(event)
        rendered = self._renderer.render(template, context)
        limit = self._limits.get(event.channel)
        if limit is None:
            return Draft(template, rendered.subject, rendered.body)
        short = fit(lambda values: self._renderer.render(template, values).short, context, limit)
        return Draft(template, rendered.subject, short)
