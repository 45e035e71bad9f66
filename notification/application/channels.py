"""Which channel a reporter hears back on: the rule in `notification/channels.csv`, as data."""

from __future__ import annotations

import csv
from collections.abc import Iterable
from dataclasses import dataclass
from importlib import resources

from shared.contracts import Channel

ANY = "*"
NONE = "none"
UNKNOWN = "unknown"
COLUMNS = ("came_by", "left", "answer_on", "typed")


class ChannelRuleError(ValueError):
    """The channel rule's data file is not what the service can follow."""


@dataclass(frozen=True)
class Row:
    """One line of the rule: who came by which channel and left what hears back where."""

    came_by: Channel
    left: str
    answer_on: Channel | None
    typed: bool

    def matches(self, came_by: Channel, left: tuple[str, ...] | None) -> bool:
        """Whether this row speaks of this reporter."""
        if self.came_by != came_by:
            return False
        if self.left == ANY:
            return True
        if left is None:
            return self.left == UNKNOWN
        return self.left in left or (self.left == NONE and not left)


@dataclass(frozen=True)
class Answer:
    """Where a reporter hears back (None: nowhere), and whether their contact was typed in."""

    channel: Channel | None
    typed: bool = False


class ChannelRule:
    """The rule's rows in order: the first that matches a reporter decides."""

    def __init__(self, rows: Iterable[Row]) -> None:
        self.rows = tuple(rows)
        missing = [c.value for c in Channel if not any(r.came_by == c for r in self.rows)]
        if missing:
            raise ChannelRuleError(f"no row for reports that came by {', '.join(missing)}")
        self._needs = {c: any(r.came_by == c and r.left != ANY for r in self.rows) for c in Channel}
        # the rows never change: each kind of reporter (channel, kinds left) is looked up once
        self._answers: dict[tuple[Channel, tuple[str, ...] | None], Answer] = {}

    @classmethod
    def parse(cls, text: str) -> ChannelRule:
        """Read the CSV text (lines starting with # are comments)."""
        lines = [line for line in text.splitlines() if line.strip() and not line.startswith("#")]
        reader = csv.DictReader(lines)
        if tuple(reader.fieldnames or ()) != COLUMNS:
            raise ChannelRuleError(f"the header must be {','.join(COLUMNS)}")
        return cls(_row(number, line) for number, line in enumerate(reader, start=2))

    @classmethod
    def packaged(cls) -> ChannelRule:
        """The rule shipped with the service (`notification/channels.csv`)."""
        return cls.parse(resources.files("notification").joinpath("channels.csv").read_text())

    def answer(self, came_by: Channel, left: tuple[str, ...] | None) -> Answer:
        """Where a reporter who came by `came_by` and left these kinds of contact (None: not
        known) hears back."""
        found = self._answers.get((came_by, left))
        if found is None:
            found = self._answers[came_by, left] = self._first_answer(came_by, left)
        return found

    def _first_answer(self, came_by: Channel, left: tuple[str, ...] | None) -> Answer:
        for row in self.rows:
            if row.matches(came_by, left):
                return Answer(row.answer_on, row.typed and row.answer_on is not None)
        return Answer(None)

    def needs_contacts(self, came_by: Channel | None) -> bool:
        """Whether the answer depends on the contacts left (the form channels); an event that
        does not say how its report came (an older schema) cannot depend on them."""
        return self._needs.get(came_by, False) if came_by is not None else False

    def answer_channels(self) -> list[Channel]:
        """Every channel a reporter may hear back on, in the order of the channel list."""
        used = {row.answer_on for row in self.rows}
        return [channel for channel in Channel if channel in used]


def _row(number: int, line: dict[str, str]) -> Row:
    try:
        came_by = Channel(line["came_by"].strip())
        answer_on = Channel(line["answer_on"].strip()) if line["answer_on"].strip() else None
    except ValueError as error:
        raise ChannelRuleError(f"line {number}: {error}") from None
    left = line["left"].strip()
    if left not in (ANY, NONE, UNKNOWN, "email", "phone"):
        raise ChannelRuleError(f"line {number}: unknown kind of contact {left!r}")
    typed = line["typed"].strip()
    if typed not in ("yes", "no"):
        raise ChannelRuleError(f"line {number}: typed is yes or no, not {typed!r}")
    return Row(came_by, left, answer_on, typed == "yes")
