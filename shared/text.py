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
from typing import Any, TypeVar

from pydantic import BaseModel, GetCoreSchemaHandler, GetJsonSchemaHandler
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import CoreSchema, PydanticCustomError, core_schema

REPLACEMENT = "\ufffd"
# Validation context of a record from a lapor producer (an internal topic): its texts kept the
# rule where they entered, so the rule is not run again on every hop (`shared.messaging.codec`).
RULED = {"ruled": True}
M = TypeVar("M", bound=BaseModel)


def recorded(contract: type[M], /, **fields: Any) -> M:
    """A contract event of what a service recorded: its texts kept the text rule where they
    entered (intake's topic, the APIs, a body's actions topic) or are the service's own, so the
    rule is not run again on this hop (`RULED`); every type is still checked."""
    return contract.model_validate(fields, context=RULED)


_NONCHARACTERS = "\ufdd0-\ufdef" + "".join(
    f"{chr(plane << 16 | 0xFFFE)}{chr(plane << 16 | 0xFFFF)}" for plane in range(17)
)
_CONTROLS = "\x00-\x08\x0b-\x1f\x7f-\x9f"  # C0 but tab and newline (CR included), DEL, C1
_UNCLEAN = re.compile(f"[{_CONTROLS}\ud800-\udfff{_NONCHARACTERS}]")
_NEWLINES = re.compile(r"\r\n?")
_REMOVED = re.compile(f"[{_CONTROLS}]")
_REPLACED = re.compile(f"[{_NONCHARACTERS}]")
_SURROGATE = re.compile("[\ud800-\udfff]")
# Fast checks (a class of 34 astral code points makes `re` ~15 times slower than these):
_ASCII_CLEAN = bytes(range(0x20, 0x7F)) + b"\t\n"
_UNCLEAN_BMP = re.compile(f"[{_CONTROLS}\ud800-\udfff\ufdd0-\ufdef\ufffe\uffff]")
_HIGH = re.compile("[\U0001fffe-\U0010ffff]")  # rare: planes 2 to 16 and the end of plane 1


def _unclean(value: str) -> bool:
    if value.isascii():
        return bool(value.encode("ascii").translate(None, _ASCII_CLEAN))
    if _UNCLEAN_BMP.search(value):
        return True
    return any(ord(ch) & 0xFFFE == 0xFFFE for ch in _HIGH.findall(value))


def normalise(value: str) -> str:
    """The clean form of a text: no control characters but tab and newline, valid Unicode, NFC."""
    if value.isascii():  # the common case: only control characters can be wrong, NFC holds
        if value.encode("ascii").translate(None, _ASCII_CLEAN):
            value = _REMOVED.sub("", _NEWLINES.sub("\n", value))
        return value
    if _unclean(value):
        if _SURROGATE.search(value):
            # a surrogate pair held as two code points becomes its character; a lone one U+FFFD
            value = value.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "replace")
        value = _NEWLINES.sub("\n", value)
        value = _REMOVED.sub("", value)
        value = _REPLACED.sub(REPLACEMENT, value)
    return unicodedata.normalize("NFC", value)


def forbidden(value: str) -> str | None:
    """The first character no text may hold (control, lone surrogate, non-character), or None."""
    found = _UNCLEAN.search(value) if _unclean(value) else None
    if found:
        return f"U+{ord(found.group()):04X} at position {found.start()} is not allowed in a text"
    return None


def problem(value: str) -> str | None:
    """Why a text is not clean (a forbidden character, or not NFC), or None when it is."""
    if reason := forbidden(value):
        return reason
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
    strip: bool = False

    def __get_pydantic_core_schema__(
        self, source: Any, handler: GetCoreSchemaHandler
    ) -> CoreSchema:
        # One Python call per value, so decoding stays fast; it replaces the string validation,
        # which would refuse a lone surrogate before normalising could replace it. A text that
        # already kept the rule (context `RULED`) is only checked to be a string.
        return core_schema.with_info_plain_validator_function(
            self._validate,
            json_schema_input_schema=core_schema.str_schema(),
            serialization=core_schema.to_string_ser_schema(),
        )

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

    def _validate(self, value: Any, info: core_schema.ValidationInfo) -> str:
        if type(value) is str and info.context is RULED:
            return value
        return self.validate(value)

    def validate(self, value: Any) -> str:
        """The clean value if it keeps the rule, else ValueError naming the broken one."""
        if type(value) is not str:
            if not isinstance(value, str):
                raise PydanticCustomError("string_type", "Input should be a valid string")
            value = str.__str__(value)  # a str subclass (an enum member) as a plain str
        if self.normalise:
            value = normalise(value)
        elif reason := problem(value):
            raise ValueError(reason)
        if self.strip:
            value = value.strip()
        size = len(value)
        if size < self.min_chars:
            raise ValueError(f"at least {self.min_chars} characters, got {size}")
        if self.max_chars is not None and size > self.max_chars:
            raise ValueError(f"at most {self.max_chars} characters, got {size}")
        if self.max_bytes is not None and size * 4 > self.max_bytes and not value.isascii():
            self._check_bytes(value)
        if self.not_blank and not value.strip():
            raise ValueError("must not be empty")
        return value

    def _check_bytes(self, value: str) -> None:
        if self.max_bytes is not None and (size := utf8_length(value)) > self.max_bytes:
            raise ValueError(f"at most {self.max_bytes} bytes of UTF-8, got {size}")
