"""The message each audience gets for an event, shaped for the channel it goes out on."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from notification.application.channels import ChannelRule
from notification.application.fitting import fit
from notification.application.ports import Renderer
from notification.application.rules import ADMIN, IMMEDIATE, OFFICER, REPORTER, rules_for
from shared import sms_text as sms
from shared.contracts import STATUS_LINK_MARK, CaseEvent, Channel

UNNAMED_BODY = "instansi terkait"
# Values a template may test although the event does not carry them.
DEFAULTS: Mapping[str, object] = {
    "text": "",
    "reason": "",
    "previous_skpd_code": None,
    "due_at": None,
    "skpd_code": None,
    "berhenti": False,
}
# A reporter's personal status link, as the SMS counts it: the adapter puts it where the mark is.
STATUS_LINK_CHARS = 45
# The parts a draft on each channel reads (the rest are not rendered).
PLAIN = ("subject", "body")
SENT: Mapping[Channel, tuple[str, ...]] = {
    Channel.SMS: ("subject", "short"),
    Channel.TWITTER: ("subject", "public"),
}
# The first message to a contact typed into a form says how to stop them (issue H).
FIRST_MESSAGE = "CaseOpened"


@dataclass(frozen=True)
class Limits:
    """How long a message may be on the channels that limit it."""

    sms_segments: int = 3
    x_chars: int = 280
    whatsapp_chars: int = 4096


@dataclass(frozen=True)
class Address:
    """Who receives a message: a pseudonymous reporter or a staff mailbox."""

    audience: str
    channel: Channel
    reporter_ref: str = ""
    mailbox: str = ""

    @property
    def key(self) -> str:
        """Names the recipient in the notification id: one notification per event and recipient."""
        return REPORTER if self.audience == REPORTER else f"{self.audience}:{self.mailbox}"


@dataclass(frozen=True)
class Draft:
    """A message ready to be requested for one recipient."""

    template: str
    address: Address
    subject: str
    text: str
    html: str = ""
    immediate: bool = False


def message_context(event: CaseEvent) -> dict[str, object]:
    """The values a template may use: the event's fields, plus `skpd` (the body's name).

    The fields as the model holds them (`vars`: contracts keep no extra fields), not dumped: a
    nested model stays a model, which a template reads the same way (no template reads one),
    and nothing is converted."""
    context: dict[str, object] = {**DEFAULTS, **vars(event)}
    context["skpd"] = event.skpd_name or event.skpd_code or UNNAMED_BODY
    context["kind"] = event.kind.value
    context["status"] = event.status.value
    return context


class Composer:
    """Turns events into drafts: which audiences hear, what they read, on which channel."""

    def __init__(
        self,
        renderer: Renderer,
        mailboxes: Mapping[str, str],
        admin_code: str,
        limits: Limits | None = None,
        rule: ChannelRule | None = None,
    ) -> None:
        self._renderer = renderer
        self._mailboxes = dict(mailboxes)
        self._admin_code = admin_code
        self._limits = limits or Limits()
        self.rule = rule or ChannelRule.packaged()

    def compose(
        self,
        event: CaseEvent,
        left: tuple[str, ...] | None = None,
        *,
        reporter: bool = True,
        staff: bool = True,
    ) -> list[Draft]:
        """Every message this event warrants (empty when nobody needs to hear of it); `left`:
        the kinds of contact the reporter left (None: not known); `reporter`/`staff`: whose."""
        context = message_context(event)
        immediate = event.event_type in IMMEDIATE
        drafts = []
        for template, address in self._recipients(event, left):
            to_reporter = address.audience == REPORTER
            if (to_reporter and not reporter) or (not to_reporter and not staff):
                continue
            values = context
            if to_reporter and event.event_type == FIRST_MESSAGE:
                values = {**context, "berhenti": self.rule.answer(event.channel, left).typed}
            drafts.append(self.draft(template, values, address, immediate=immediate))
        return drafts

    def tells_reporter(self, event: CaseEvent) -> bool:
        """Whether the reporter hears of this event (on whichever channel reaches them)."""
        return any(audience == REPORTER for audience, _ in rules_for(event))

    def keys(self, event: CaseEvent) -> list[str]:
        """Who may hear of this event, as notification ids name them (nothing rendered)."""
        return [
            REPORTER if audience == REPORTER else self.staff_key(audience, event)
            for audience, _ in rules_for(event)
        ]

    def _recipients(
        self, event: CaseEvent, left: tuple[str, ...] | None
    ) -> list[tuple[str, Address]]:
        found = [(t, self.address_of(audience, event, left)) for audience, t in rules_for(event)]
        return [(template, address) for template, address in found if address is not None]

    def address_of(
        self, audience: str, event: CaseEvent, left: tuple[str, ...] | None = None
    ) -> Address | None:
        """The reporter on the channel the rule gives them (None: no channel reaches them), or
        a body's (or the admin's) mailbox by e-mail."""
        if audience == REPORTER:
            channel = self.rule.answer(event.channel, left).channel
            if channel is None:
                return None
            return Address(REPORTER, channel, reporter_ref=event.reporter_ref)
        if audience == OFFICER:
            return self.officer(event)
        code = event.skpd_code if audience != ADMIN and event.skpd_code else self._admin_code
        return self.staff(audience, code)

    def staff_key(self, audience: str, event: CaseEvent) -> str:
        """The key of a staff recipient of this event."""
        if audience == OFFICER:
            return self.officer(event).key
        code = event.skpd_code if audience != ADMIN and event.skpd_code else self._admin_code
        return self.staff(audience, code).key

    def staff(self, audience: str, code: str) -> Address:
        """A body's mailbox; a body without one is read by the city admin's mailbox."""
        mailbox = self._mailboxes.get(code) or self._mailboxes[self._admin_code]
        return Address(audience, Channel.EMAIL, mailbox=mailbox)

    def officer(self, event: CaseEvent) -> Address:
        """The assigned officer's own e-mail when tracking knows it, else the body's mailbox
        (the message then says whom it is for)."""
        email = getattr(event, "assignee_email", None)
        if isinstance(email, str) and "@" in email:
            return Address(OFFICER, Channel.EMAIL, mailbox=email.strip())
        return self.staff(OFFICER, event.skpd_code or self._admin_code)

    def admin(self) -> Address:
        """The city admin's mailbox."""
        return self.staff(ADMIN, self._admin_code)

    def draft(
        self,
        template: str,
        context: Mapping[str, Any],
        address: Address,
        *,
        immediate: bool = False,
    ) -> Draft:
        """Render one template for one recipient, within their channel's limits."""
        channel = address.channel
        parts = SENT.get(channel, PLAIN)
        rendered = self._renderer.render(
            template, context, html=channel == Channel.EMAIL, parts=parts
        )
        subject, text, html = rendered.subject, rendered.body, rendered.html
        if channel == Channel.SMS:
            text = self._fit(template, context, "short", self._sms_excess, rendered.short)
        elif channel == Channel.TWITTER:
            text = self._fit(template, context, "public", self._limits.x_chars, rendered.public)
        elif channel == Channel.WHATSAPP and len(text) > self._limits.whatsapp_chars:
            text = self._fit(template, context, "body", self._limits.whatsapp_chars, text)
        return Draft(template, address, subject, text, html, immediate)

    def _sms_excess(self, text: str) -> int:
        counted = text.replace(STATUS_LINK_MARK, "x" * STATUS_LINK_CHARS)
        return sms.excess(counted, self._limits.sms_segments)

    def _fit(
        self, template: str, context: Mapping[str, Any], part: str, limit: Any, first: str
    ) -> str:
        """The part, already rendered as `first`, shortened to the limit if it is over."""

        def render(values: Mapping[str, object]) -> str:
            return str(getattr(self._renderer.render(template, values, parts=(part,)), part))

        return fit(render, context, limit, first)
