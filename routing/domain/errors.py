"""What can go wrong when disposing a report, as typed errors."""

from __future__ import annotations


class DispositionError(Exception):
    """A disposition command that cannot be carried out."""


class ReportNotFound(DispositionError):
    """No report with this tracking id (or report id) reached routing."""

    def __init__(self, tracking_id: str) -> None:
        super().__init__(f"no report with tracking id {tracking_id}")
        self.tracking_id = tracking_id


class UnknownBody(DispositionError):
    """The body code is not in the directory."""

    def __init__(self, code: str) -> None:
        super().__init__(f"unknown body code {code!r}")
        self.code = code


class NotDisposedTo(DispositionError):
    """A body returned a report that is not disposed to it."""

    def __init__(self, code: str, current: str | None) -> None:
        super().__init__(f"the report is disposed to {current or 'no body'}, not to {code}")
        self.code = code
        self.current = current
