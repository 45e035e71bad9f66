"""SMS length as the network counts it: GSM-7 septets or UCS-2 code units, in segments.

Pure functions of the text, no business rules: notification fits its messages, the SMS adapter
chooses the coding and counts parts with them."""

from __future__ import annotations

from dataclasses import dataclass

# GSM 03.38 basic character set (one septet each) and its extension table (two septets each).
GSM7_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM7_EXTENDED = frozenset("^{}\\[~]|€\f")
GSM7 = GSM7_BASIC | GSM7_EXTENDED

GSM7_SINGLE, GSM7_MULTI = 160, 153
UCS2_SINGLE, UCS2_MULTI = 70, 67


@dataclass(frozen=True)
class SmsLength:
    """How the network counts one text: its encoding, units and segments."""

    encoding: str
    units: int
    segments: int


def is_gsm7(text: str) -> bool:
    """Whether every character is in the GSM-7 alphabet (basic or extension)."""
    return GSM7.issuperset(text)  # one pass in C, not a Python test per character


def measure(text: str) -> SmsLength:
    """Encoding, units (septets or UTF-16 code units) and segments of one text."""
    if is_gsm7(text):
        units = len(text)
        if not GSM7_EXTENDED.isdisjoint(text):  # each extension character takes two septets
            units += sum(text.count(ch) for ch in GSM7_EXTENDED)
        return SmsLength("GSM-7", units, _segments(units, GSM7_SINGLE, GSM7_MULTI))
    units = len(text.encode("utf-16-le")) // 2
    return SmsLength("UCS-2", units, _segments(units, UCS2_SINGLE, UCS2_MULTI))


def _segments(units: int, single: int, multi: int) -> int:
    if units <= single:
        return 1
    return -(-units // multi)


def capacity(text: str, max_segments: int) -> int:
    """The most units a text of this encoding may have within `max_segments`."""
    return _capacity(is_gsm7(text), max_segments)


def _capacity(gsm7: bool, max_segments: int) -> int:
    if gsm7:
        return GSM7_SINGLE if max_segments == 1 else GSM7_MULTI * max_segments
    return UCS2_SINGLE if max_segments == 1 else UCS2_MULTI * max_segments


def excess(text: str, max_segments: int) -> int:
    """Units over the limit (zero or less: it fits)."""
    length = measure(text)  # its encoding says the capacity: the text is not read again
    return length.units - _capacity(length.encoding == "GSM-7", max_segments)
