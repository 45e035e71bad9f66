"""Typed errors of intake's business rules."""

from __future__ import annotations


class IntakeError(Exception):
    """Base of intake's business errors."""


class InvalidVerdict(IntakeError):
    """A screening verdict that names an unknown outcome or lacks a reason."""


class InvalidTrackingFormat(IntakeError):
    """A tracking id format that would not match the public tracking id pattern."""


class MessageNotSeen(IntakeError):
    """No report was recorded for this adapter message (yet)."""


class UnknownReporterRef(IntakeError):
    """No report carries this reporter_ref."""


class LookUpRefused(IntakeError):
    """The caller's role may not see this reporter's identity."""


class TrackingIdsExhausted(IntakeError):
    """Every freshly drawn tracking id was taken (the format is too short for the volume)."""


class NotHeld(IntakeError):
    """The admin decided on a report that is not waiting in the held queue."""


class UnknownTrackingId(IntakeError):
    """No report carries this tracking id."""


class IdentityErased(IntakeError):
    """The reporter's identity was erased (crypto-shredded) and can never be read again."""


class InvalidMessage(IntakeError):
    """A message intake cannot store as it is (e.g. NUL or a lone surrogate in a text)."""


class UnknownStatusLink(IntakeError):
    """No report has this status-link secret (or its reporter was erased): never says which."""


class UnknownContact(IntakeError):
    """No report (not yet erased) was sent from this contact on this channel."""
