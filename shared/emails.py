"""E-mail addresses checked exactly as pydantic's `EmailStr` checks them, the plain ones faster.

pydantic hands every address to email-validator, which spends most of its time on the domain
(IDNA tables, character by character: about 160 µs an address), while a city's reporters share
a handful of domains. A plain address (an ASCII dot-atom before the @-sign, a lower-case ASCII
host name after it, not too long) takes a short way: email-validator leaves such a local part as
it is, and the domain's verdict is email-validator's own, kept per domain. Anything else, and
every domain email-validator refuses or rewrites, takes pydantic's whole way, so what is accepted,
how it is normalised and how a refusal reads are pydantic's.
"""

from __future__ import annotations

import functools
import re
from typing import TYPE_CHECKING, Any

import email_validator
from email_validator import syntax
from email_validator.rfc_constants import CASE_INSENSITIVE_MAILBOX_NAMES, EMAIL_MAX_LENGTH
from pydantic import GetCoreSchemaHandler, GetJsonSchemaHandler
from pydantic.json_schema import JsonSchemaValue
from pydantic.networks import validate_email
from pydantic_core import core_schema

_ATEXT = r"A-Za-z0-9_!#$%&'*+\-/=?^`{|}~"  # email-validator's ATEXT: a dot-atom's characters
_PLAIN = re.compile(rf"[{_ATEXT}]+(?:\.[{_ATEXT}]+)*@[a-z0-9.\-]+")
_CASE_INSENSITIVE = frozenset(CASE_INSENSITIVE_MAILBOX_NAMES)  # lower-cased by email-validator


def normalized_email(value: str) -> str:
    """The address as `EmailStr` gives it back, or pydantic's own error for it."""
    if len(value) <= EMAIL_MAX_LENGTH and _PLAIN.fullmatch(value):
        local, _, domain = value.rpartition("@")
        if local.lower() not in _CASE_INSENSITIVE and _kept_as_is(
            domain, email_validator.TEST_ENVIRONMENT, email_validator.GLOBALLY_DELIVERABLE
        ):
            return value
    return validate_email(value)[1]


@functools.lru_cache(maxsize=1024)
def _kept_as_is(domain: str, test_environment: bool, globally_deliverable: bool) -> bool:
    """Whether email-validator accepts the domain and leaves it unchanged (its flags as keys)."""
    try:
        found = syntax.validate_email_domain_name(
            domain, test_environment=test_environment, globally_deliverable=globally_deliverable
        )
    except email_validator.EmailNotValidError:
        return False
    return found["domain"] == domain and found["ascii_domain"] == domain


if TYPE_CHECKING:
    Email = str
else:

    class Email:
        """An e-mail address: `EmailStr`'s schema and rules, through `normalized_email`."""

        @classmethod
        def __get_pydantic_core_schema__(
            cls, source: type[Any], handler: GetCoreSchemaHandler
        ) -> core_schema.CoreSchema:
            return core_schema.no_info_after_validator_function(
                normalized_email, core_schema.str_schema()
            )

        @classmethod
        def __get_pydantic_json_schema__(
            cls, schema: core_schema.CoreSchema, handler: GetJsonSchemaHandler
        ) -> JsonSchemaValue:
            field_schema = handler(schema)
            field_schema.update(type="string", format="email")
            return field_schema
