"""What can go wrong with a case, by name."""

from __future__ import annotations


class CaseRefused(Exception):
    """A move the case refuses (the base of every rule below)."""


class NotDisposedToBody(CaseRefused):
    """A body acted on a report that is not currently disposed to it."""

    def __init__(self, tracking_id: str, body: str, current: str | None) -> None:
        where = f"disposed to {current}" if current else "not disposed to any body"
        super().__init__(f"report {tracking_id} is {where}, not to {body}")
        self.body = body
        self.current = current


class NotPrimaryBody(CaseRefused):
    """A body that only shares a cross-sector report tried to resolve, return or classify it."""

    def __init__(self, tracking_id: str, body: str, primary: str | None) -> None:
        super().__init__(
            f"only {primary} may resolve, return or classify report {tracking_id}; "
            f"{body} may acknowledge it and post follow-ups"
        )


class CaseAlreadyResolved(CaseRefused):
    """A body acted on a report it has already resolved."""

    def __init__(self, tracking_id: str) -> None:
        super().__init__(f"report {tracking_id} is already resolved")


class ActingForAnotherBody(Exception):
    """A message on one body's actions topic names another body."""

    def __init__(self, topic_body: str | None, named: str) -> None:
        where = f"{topic_body}'s actions topic" if topic_body else "a topic of no body"
        super().__init__(f"an action naming {named} arrived on {where}")
        self.topic_body = topic_body
        self.named = named


class CaseIsClosed(CaseRefused):
    """The case is closed: nobody acts on it any more."""

    def __init__(self, tracking_id: str) -> None:
        super().__init__(f"report {tracking_id} is closed")


class NothingToRate(CaseRefused):
    """A rating came before the body answered."""

    def __init__(self, tracking_id: str) -> None:
        super().__init__(f"report {tracking_id} has no follow-up or resolution to rate yet")


class UnknownResolutionClass(CaseRefused):
    """A resolution class the city's SOPs do not know."""

    def __init__(self, days: int, classes: tuple[int, ...]) -> None:
        known = ", ".join(str(c) for c in classes)
        super().__init__(f"resolution class {days} working days is not one of {known}")
