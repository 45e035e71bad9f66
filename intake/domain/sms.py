"""SMS as people send it: `LAPOR <text>` or `LAPOR#<kelurahan>#<text>`."""

from __future__ import annotations

import re
from dataclasses import dataclass

_WITH_PLACE = re.compile(r"(?is)^\s*LAPOR\s*#\s*(?P<place>[^#]*?)\s*#\s*(?P<text>.*)$")
_PLAIN = re.compile(r"(?is)^\s*LAPOR\s*[#:,.;-]?\s+(?P<text>.*)$")


@dataclass(frozen=True)
class SmsForm:
    """The report text without the keyword, and the place the sender named, if any."""

    text: str
    place: str | None = None


def read_sms_form(text: str) -> SmsForm:
    """Take the keyword and the `#place#` field off a text; other texts are left as they are.

    A text that would be empty without the keyword stays whole (screening then judges it).
    """
    found = _WITH_PLACE.match(text)
    if found:
        return SmsForm(found["text"].strip() or text, found["place"].strip() or None)
    found = _PLAIN.match(text)
    if found:
        return SmsForm(found["text"].strip() or text)
    return SmsForm(text)
