"""Moderation of the public record: what the admin and the public may do to a report's face.

The admin hides a report from public surfaces, shows it again, or corrects its public title and
text (the original stays in the case's history). Anyone may flag a public report; flags from
`FLAGS_TO_HIDE` distinct addresses hide it until the admin has reviewed it.
"""

from __future__ import annotations

from tracking.domain.errors import CaseRefused

FLAGS_TO_HIDE = 3
HIDDEN_BY_FLAGS = "ditandai {flags} kali oleh publik; menunggu tinjauan admin"


class NotPublic(CaseRefused):
    """A `rahasia` report is never public: there is nothing to hide, show, correct or flag."""

    def __init__(self, tracking_id: str) -> None:
        super().__init__(f"report {tracking_id} is rahasia: it has no public face to moderate")


class AlreadyHidden(CaseRefused):
    """The report is hidden already."""

    def __init__(self, tracking_id: str) -> None:
        super().__init__(f"report {tracking_id} is already hidden from public surfaces")


class NotHidden(CaseRefused):
    """Only a hidden report can be shown again."""

    def __init__(self, tracking_id: str) -> None:
        super().__init__(f"report {tracking_id} is not hidden")
