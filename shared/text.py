"""What a text is on every contract: clean Unicode that every store and read model accepts.

The rule (README, "Text rules"): CRLF and lone CR become LF; every other control character
(C0 but tab and newline, DEL, C1) is removed; a lone surrogate or a Unicode non-character becomes
U+FFFD; the result is NFC. Free text is normalised so, never refused for its characters (a citizen's
report must not be lost to a stray NUL from a gateway); identifiers are refused instead, since
normalising would change what they name. Limits count characters (code points) and UTF-8 bytes of
the normalised text.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Any

from pydantic import GetCoreSchemaHandler, GetJsonSchemaHandler
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import CoreSchema, core_schema

REPLACEMENT = "\ufffd"

_NONCHARACTERS = "\ufdd0-\ufdef" + "".join(
    f"{chr(plane << 16 | 0xFFFE)}{chr(plane << 16 | 0xFFFF)}" for plane in range(17)
)
_CONTROLS = "\x00-\x08\x0b-\x1f\x7f-\x9f"  # C0 but tab and newline (CR included), DEL, C1
_UNCLEAN = re.compile(f"[{_CONTROLS}\ud800-\udfff{_NONCHARACTERS}]")
_NEWLINES = re.compile(r"\r\n?")
_REMOVED = re.compile(f"[{_CONTROLS}]")
_REPLACED = re.compile(f"[{_NONCHARACTERS}]")
_SURROGATE = re.compile("[\ud800-\udfff]")


def normalise(value: str) -> str:
    """The clean form of a text: no control characters but tab and newline, valid Unicode, NFC."""
    if _UNCLEAN.search(value):
        if _SURROGATE.search(value):
            # a surrogate pair held as two code points becomes its character; a lone one U+FFFD
            value = value.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "replace")
        value = _NEWLINES.sub("\n", value)
        value = _REMOVED.sub("", value)
        value = _REPLACED.sub(REPLACEMENT, value)
    if value.isascii():
        return value
    return unicodedata.normalize("NFC", value)


def problem(value: str) -> str | None:
    """Why a text is not clean (the first offending character), or None when it is."""
    found = _UNCLEAN.search(value)
    if found:
        return f"U+{ord(found.group()):04X} at position {found.start()} is not allowed in a text"
    if not value.isascii() and not unicodedata.is_normalized("NFC", value):
        return "is not in Unicode normal form NFC"
    return None


def utf8_length(value: str) -> int:
    """Bytes of the text in UTF-8 (valid for clean texts only)."""
    return len(value.encode("utf-8"))


@dataclass(frozen=True)
class TextRule:
    """Pydantic annotation for a contract string: `Annotated[str, TextRule(...)]`.

    `normalise=True` cleans free text before the limits are checked; `normalise=False` refuses an
    unclean value (identifiers). `max_chars`/`max_bytes` of None leave the length to the record
    size limit (texts composed from texts that were limited where they entered).
    """

    min_chars: int = 0
    max_chars: int | None = None
    max_bytes: int | None = None
    not_blank: bool = False
    normalise: bool = True

    def __get_pydantic_core_schema__(
        self, source: Any, handler: GetCoreSchemaHandler
    ) -> CoreSchema:
        inner = handler(source)
        if self.normalise:
            inner = core_schema.no_info_before_validator_function(_normalise_any, inner)
        return core_schema.no_info_after_validator_function(self.check, inner)

    def __get_pydantic_json_schema__(
        self, schema: CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        result = handler(schema)
        if self.max_chars is not None:
            result["maxLength"] = self.max_chars
        if self.min_chars or self.not_blank:
            result["minLength"] = max(self.min_chars, 1)
        rule: dict[str, Any] = {"rule": "normalised" if self.normalise else "refused-if-unclean"}
        if self.max_bytes is not None:
            rule["maxBytes"] = self.max_bytes
        result["x-lapor-text"] = rule
        return result

    def check(self, value: str) -> str:
        """The value if it keeps the rule, else ValueError naming the broken limit."""
        if not self.normalise and (reason := problem(value)):
            raise ValueError(reason)
        if len(value) < self.min_chars:
            raise ValueError(f"at least {self.min_chars} characters, got {len(value)}")
        if self.max_chars is not None and len(value) > self.max_chars:
            raise ValueError(f"at most {self.max_chars} characters, got {len(value)}")
        if self.max_bytes is not None and (size := utf8_length(value)) > self.max_bytes:
            raise ValueError(f"at most {self.max_bytes} bytes of UTF-8, got {size}")
        if self.not_blank and not value.strip():
            raise ValueError("must not be empty")
        return value


def _normalise_any(value: Any) -> Any:
    return normalise(value) if isinstance(value, str) else value
