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
