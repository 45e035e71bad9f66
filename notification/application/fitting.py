"""Fitting a short message into a channel's length limit without losing the tracking id."""

from __future__ import annotations

from collections.abc import Callable, Mapping

from shared.contracts import STATUS_LINK_MARK

# The free-text values a message may lose the end of; the tracking id is never among them.
SHRINKABLE = ("text", "reason", "skpd")
ELLIPSIS = "..."  # three dots, not "…": a non-GSM character makes an SMS segment 70 characters
MIN_KEEP = 12

Render = Callable[[Mapping[str, object]], str]
Excess = Callable[[str], int]


def squeeze(text: str) -> str:
    """One line, single spaces: what an SMS should carry."""
    return " ".join(text.split())


def shorten(value: str, width: int) -> str:
    """Cut a value to at most `width` characters, at a word boundary where one is near."""
    if len(value) <= width:
        return value
    cut = value[: max(width - len(ELLIPSIS), 0)]
    space = cut.rfind(" ")
    if space > len(cut) // 2:
        cut = cut[:space]
    return cut.rstrip(" ,.;:") + ELLIPSIS


def characters_over(limit: int) -> Excess:
    """The excess measure of a plain character limit."""
    return lambda text: len(text) - limit


def fit(
    render: Render, context: Mapping[str, object], limit: int | Excess, first: str | None = None
) -> str:
    """Render (unless `first` is the text already rendered from `context`), then shorten the
    longest free-text value until the message fits the limit."""
    over = characters_over(limit) if isinstance(limit, int) else limit
    values = dict(context)
    text = squeeze(render(values) if first is None else first)
    for _ in range(2 * len(SHRINKABLE)):
        extra = over(text)
        if extra <= 0:
            return text
        field = _longest_shrinkable(values)
        if field is None:
            break
        value = str(values[field])
        values[field] = shorten(value, max(MIN_KEEP, len(value) - extra))
        text = squeeze(render(values))
    return _cut(text, over)


def _cut(text: str, over: Excess) -> str:
    """Cut the end of the text until it fits; the templates put the tracking id first, so it
    stays, and the status link's mark is never cut: the words before it are."""
    head, mark, tail = text.partition(STATUS_LINK_MARK)
    while mark and over(text) > 0 and len(head) > MIN_KEEP:
        head = shorten(head.rstrip(), len(head.rstrip()) - max(over(text), 1)) + " "
        text = head + mark + tail
    while over(text) > 0:
        text = shorten(text, len(text) - max(over(text), 1))
    return text


def _longest_shrinkable(values: Mapping[str, object]) -> str | None:
    candidates = [
        name
        for name in SHRINKABLE
        if isinstance(values.get(name), str) and len(str(values[name])) > MIN_KEEP + len(ELLIPSIS)
    ]
    return max(candidates, key=lambda name: len(str(values[name])), default=None)
