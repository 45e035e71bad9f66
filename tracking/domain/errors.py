"""What can go wrong with a case, by name."""

from __future__ import annotations


class NotDisposedToBody(Exception):
    """A body acted on a report that is not currently disposed to it."""

    def __init__(self, tracking_id: str, body: str, current: str | None) -> None:
        where = f"disposed to {current}" if current else "not disposed to any body"
        super().__init__(f"report {tracking_id} is {where}, not to {body}")
        self.body = body
        self.current = current


class CaseAlreadyResolved(Exception):
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
