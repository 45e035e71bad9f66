"""`lapor route`: reports as JSON lines in, one decision per line out, as the service decides.

Input lines carry the fields of the reference examples (`id`, `channel`, `kind`, `title`, `text`,
`location`); output lines are `{"id", "skpd", "confidence", "method", "triage", "also"}`. A line
that is not a report gives `{"id": <its id or null>, "error": ...}` and the rest go on.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from itertools import islice
from typing import Any

from routing.domain.router import RoutableReport, RoutingDecision

BATCH = 256


class BadLine(ValueError):
    """A line that is not a report; `report_id` is its id when it had one."""

    def __init__(self, message: str, report_id: Any = None) -> None:
        super().__init__(message)
        self.report_id = report_id


def parse(line: str) -> tuple[Any, RoutableReport]:
    """The id and the routable report of one input line, or BadLine."""
    try:
        row = json.loads(line)
    except (ValueError, RecursionError):
        raise BadLine("not a JSON object") from None
    if not isinstance(row, dict):
        raise BadLine("not a JSON object")
    report_id = row.get("id")
    if isinstance(report_id, bool) or not isinstance(report_id, str | int):
        raise BadLine("id is missing or not a string")
    text, title = row.get("text"), row.get("title") or ""
    if not isinstance(text, str) or not text.strip():
        raise BadLine("text is missing or empty", report_id)
    if not isinstance(title, str):
        raise BadLine("title must be a string", report_id)
    location = row.get("location") or {}
    if not isinstance(location, dict):
        raise BadLine("location must be an object", report_id)
    category = row.get("category")
    return report_id, RoutableReport(
        title,
        text,
        _text_or_none(location.get("kecamatan")),
        _text_or_none(location.get("kelurahan")),
        category if isinstance(category, str) else None,
    )


def _text_or_none(value: Any) -> str | None:
    return value if isinstance(value, str) and value.strip() else None


def result(report_id: Any, decision: RoutingDecision) -> dict[str, Any]:
    """The output line of one routed report (the best body even when it goes to triage)."""
    best = decision.code or (decision.candidates[0].code if decision.candidates else None)
    return {
        "id": report_id,
        "skpd": best,
        "confidence": decision.confidence,
        "method": decision.method,
        "triage": decision.needs_triage,
        "also": list(decision.also),
    }


def route_lines(lines: Iterable[str], router: Any) -> Iterator[str]:
    """One output line per non-blank input line, in order; the model reads them in batches."""
    source = iter(lines)
    while chunk := [line for line in islice(source, BATCH)]:
        parsed: list[tuple[Any, RoutableReport] | BadLine] = []
        for line in chunk:
            if not line.strip():
                continue
            try:
                parsed.append(parse(line))
            except BadLine as bad:
                parsed.append(bad)
        reports = [p[1] for p in parsed if not isinstance(p, BadLine)]
        decisions = iter(router.route_many(reports))
        for item in parsed:
            if isinstance(item, BadLine):
                out: dict[str, Any] = {"id": item.report_id, "error": str(item)}
            else:
                out = result(item[0], next(decisions))
            yield json.dumps(out, ensure_ascii=False)
