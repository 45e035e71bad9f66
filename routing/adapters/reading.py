"""A report as the router reads it: its words, clause by clause, tokenised once.

The model, the keyword rules, the duties and the out-of-scope check all read the same words;
each report is cut into them once per batch, not once per reader.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from routing.adapters.location import area_body
from routing.adapters.text import segments
from routing.domain.router import RoutableReport


@dataclass
class Reading:
    """A report's title and text as clauses of normalised words (`text.segments`)."""

    report: RoutableReport
    title_clauses: list[list[str]]
    text_clauses: list[list[str]]

    @classmethod
    def of(cls, report: RoutableReport) -> Reading:
        """The report, read."""
        return cls(report, segments(report.title), segments(report.text))

    @cached_property
    def title_words(self) -> list[str]:
        """The title's words (`text.tokens`: clauses only cut between words)."""
        return [word for clause in self.title_clauses for word in clause]

    @cached_property
    def text_words(self) -> list[str]:
        """The text's words."""
        return [word for clause in self.text_clauses for word in clause]

    @cached_property
    def normalised(self) -> str:
        """What the model reads: title and text as one line of words (`model.normalised`)."""
        return " ".join(self.title_words + self.text_words)

    @cached_property
    def area(self) -> str | None:
        """The kecamatan office for the report's place (`location.area_body`), found once."""
        return area_body(self.report)
