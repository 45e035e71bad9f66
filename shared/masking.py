"""Contact details a citizen wrote into a report's text, found and masked for public surfaces.

Citizens write "hubungi saya di 0812-3456-7890" or their NIK into reports that the public, and for
an anonim report the body, will read. This finds Indonesian phone numbers in their common spellings
(+62, 62 or 0; spaces, dots, dashes, an area code in brackets), e-mail addresses (also written with
"[at]"/"(at)") and 16-digit NIK, and replaces each with a visible marker. Numbers that are not
contacts (prices, dates, RT/RW, street numbers, customer and account numbers) are left alone: by
shape (a NIK's region, birth date and month must be plausible), by boundaries (a longer run of
digits is one number, not a phone inside it) and by the word before them ("rekening", "ID
pelanggan", "token"… name something else).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum


class DetailKind(StrEnum):
    """What a masked span was."""

    PHONE = "phone"
    EMAIL = "email"
    NIK = "nik"  # a 16-digit population number: NIK, or the family card's (KK) of the same shape


MARKERS = {
    DetailKind.PHONE: "[nomor telepon disamarkan]",
    DetailKind.EMAIL: "[email disamarkan]",
    DetailKind.NIK: "[nomor identitas disamarkan]",
}

_SEP = r"[ .\-]"
_NOT_AFTER_DIGIT = r"(?<![\w+])(?<!\d[ .\-])"  # no digit run (or word) continues into the start
_NOT_BEFORE_DIGIT = rf"(?!{_SEP}?\d)(?!\w)"  # and none continues past the end
_MOBILE = re.compile(
    _NOT_AFTER_DIGIT
    + rf"(?:\+ ?62|62|\(\+?62\)|0){_SEP}?\(?8(?:{_SEP}?\d){{1,2}}\)?(?:{_SEP}?\d){{6,9}}"
    + _NOT_BEFORE_DIGIT
)
_LANDLINE = re.compile(
    _NOT_AFTER_DIGIT
    + rf"(?:\(0[2-9]\d{{1,3}}\)|0[2-9]\d{{1,3}}|\+ ?62{_SEP}?[2-9]\d{{1,3}})"
    + rf"{_SEP}?\d{{3,4}}{_SEP}?\d{{3,5}}"
    + _NOT_BEFORE_DIGIT
)
_NIK = re.compile(_NOT_AFTER_DIGIT + rf"\d(?:{_SEP}?\d){{15}}" + _NOT_BEFORE_DIGIT)
_AT = r"(?: ?@ ?|\s?[\[(]\s?at\s?[\])]\s?)"
_DOT = r"(?:\.|\s?[\[(]\s?(?:dot|titik)\s?[\])]\s?)"
_EMAIL = re.compile(
    rf"(?<![\w.+-])[A-Za-z0-9][A-Za-z0-9._%+-]*{_AT}[A-Za-z0-9-]+(?:{_DOT}[A-Za-z0-9-]+)*"
    rf"{_DOT}[A-Za-z]{{2,}}(?![\w-])",
    re.IGNORECASE,
)
# Words after which a number is not a way to reach a person (the nearest word before it counts).
_OTHER_NUMBER = re.compile(
    r"\b(?:rek(?:ening)?|no\.?\s?rek|virtual\s?account|va|id\s?pel(?:anggan)?|idpel|pelanggan|"
    r"meter(?:an)?|token|npwp|resi|invoice|tagihan|transaksi|ref(?:erensi)?|kode\s?bayar|"
    r"sambungan|kartu\s?kredit|kontrak|polis|bpjs|sertifikat|shm|nop|registrasi|antrean|"
    r"antrian|tiket|order|pesanan|seri)\b[^\n]{0,30}$",
    re.IGNORECASE,
)
_CONTACT_WORD = re.compile(
    r"\b(?:hp|wa|whatsapp|telp|telepon|tlp|ponsel|hubungi|kontak|nomor\s?saya|no\.?\s?saya|"
    r"nik|ktp|sms|telpon|call)\b[^\n]{0,30}$",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Span:
    """One contact detail in a text: its kind and where it stands."""

    kind: DetailKind
    start: int
    end: int


# What every contact detail needs: an "@" (or "[at]"), or eight digits (the shortest landline;
# mobiles have nine, NIK sixteen). A text with neither is not scanned by the patterns above.
_BRACKETED_AT = re.compile(r"[\[(]\s?at\s?[\])]", re.IGNORECASE)
_DIGIT = re.compile(r"\d")
_FEWEST_DIGITS = 8


def _may_hold_contact(text: str) -> bool:
    """An "@" (or "[at]") or eight digits, each looked for in passes as long as the text (a
    pattern for "eight digits, anything between" started again from every digit: a long text
    with seven digits cost its length times its digits, milliseconds for a long letter)."""
    if "@" in text or (("[" in text or "(" in text) and _BRACKETED_AT.search(text)):
        return True
    if sum(map(text.count, "0123456789")) >= _FEWEST_DIGITS:
        return True
    # Digits of other scripts count too (as the patterns' \d): counted where there may be any.
    return not text.isascii() and len(_DIGIT.findall(text)) >= _FEWEST_DIGITS


def find_contacts(text: str) -> list[Span]:
    """Every contact detail in the text, in order, none overlapping."""
    if not _may_hold_contact(text):
        return []
    return _scan(text)


def _scan(text: str) -> list[Span]:
    found: list[Span] = [Span(DetailKind.EMAIL, m.start(), m.end()) for m in _EMAIL.finditer(text)]
    for match in _NIK.finditer(text):
        if _plausible_nik(match.group()) and _names_a_contact(text, match.start()):
            found.append(Span(DetailKind.NIK, match.start(), match.end()))
    for pattern in (_MOBILE, _LANDLINE):
        for match in pattern.finditer(text):
            if _names_a_contact(text, match.start()):
                found.append(Span(DetailKind.PHONE, match.start(), match.end()))
    return _without_overlaps(found)


def mask_contacts(text: str) -> str:
    """The text with each contact detail replaced by its visible marker."""
    spans = find_contacts(text)
    if not spans:
        return text
    parts: list[str] = []
    position = 0
    for span in spans:
        parts += [text[position : span.start], MARKERS[span.kind]]
        position = span.end
    parts.append(text[position:])
    return "".join(parts)


def _plausible_nik(candidate: str) -> bool:
    """Region (province 11 to 94), day (01–31, or 41–71 for women) and month of a NIK."""
    digits = re.sub(r"\D", "", candidate)
    province, day, month = int(digits[:2]), int(digits[6:8]), int(digits[8:10])
    return 11 <= province <= 94 and (1 <= day <= 31 or 41 <= day <= 71) and 1 <= month <= 12


def _names_a_contact(text: str, start: int) -> bool:
    """Whether the words just before the number leave it a contact (not an account, a meter…)."""
    before = text[max(0, start - 40) : start]
    other, contact = _OTHER_NUMBER.search(before), _CONTACT_WORD.search(before)
    if other is None:
        return True
    return contact is not None and contact.start() > other.start()


def _without_overlaps(spans: list[Span]) -> list[Span]:
    """The spans in order; of two that overlap, the one found first (e-mail, NIK, phone) wins."""
    kept: list[Span] = []
    for span in spans:
        if all(span.end <= other.start or span.start >= other.end for other in kept):
            kept.append(span)
    return sorted(kept, key=lambda span: span.start)
