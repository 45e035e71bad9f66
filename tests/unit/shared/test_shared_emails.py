"""An e-mail address is accepted, normalised and refused exactly as pydantic's `EmailStr` does."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import BaseModel, EmailStr, ValidationError
from pydantic.networks import validate_email

from shared.contracts import IntakeMessage
from shared.contracts.intake import Reporter
from shared.emails import normalized_email

# Pieces that reach every branch: plain letters, dots in bad places, upper case, another @,
# the reserved mailbox names email-validator lower-cases, Punycode, special-use and numeric
# top-level names, non-ASCII letters, spaces, quotes and angle brackets, over-long labels.
LOCALS = st.sampled_from(
    ["budi", "Budi.Santoso", "a", "x+tag", "postmaster", "PostMaster", "abuse", "a..b", ".a", "a.",
     "o'neil", "sütő", '"quoted"', "a b", "#!$%&'*+-/=?^_`{|}~", "a" * 64, "a" * 65, "", "x@y"]
)  # fmt: skip
DOMAINS = st.sampled_from(
    ["gmail.com", "surel.banjarmasin.id", "Gmail.COM", "localhost", "b.test", "x.local", "b.c1",
     "xn--bcher-kva.ch", "bücher.ch", "ab--cd.id", "-a.id", "a-.id", "a..id", ".a.id", "a.id.",
     "1.2.3.4", "[127.0.0.1]", "a" * 63 + ".id", "a" * 64 + ".id", ("a" * 60 + ".") * 4 + "id",
     "", "a_b.id", "arpa", "x.onion", "invalid"]
)  # fmt: skip


def pydantic_answer(value: str) -> tuple[str, str]:
    """What `EmailStr` says: ("ok", the address) or ("refused", its reason)."""
    try:
        return "ok", validate_email(value)[1]
    except Exception as error:
        return "refused", str(error)


def our_answer(value: str) -> tuple[str, str]:
    try:
        return "ok", normalized_email(value)
    except Exception as error:
        return "refused", str(error)


@given(LOCALS, DOMAINS)
@settings(max_examples=600, deadline=None)
def test_an_address_of_known_pieces_is_answered_as_emailstr_does(local: str, domain: str) -> None:
    value = f"{local}@{domain}"
    assert our_answer(value) == pydantic_answer(value)


@given(st.text(alphabet=st.sampled_from('aZ0.-_+@ü"<> xn'), max_size=40))
@settings(max_examples=1000, deadline=None)
def test_any_short_text_is_answered_as_emailstr_answers(value: str) -> None:
    assert our_answer(value) == pydantic_answer(value)


@pytest.mark.parametrize("length", [253, 254, 255, 256])
def test_an_address_at_the_length_limit_is_answered_as_emailstr_answers(length: int) -> None:
    value = "a" * (length - len("@example.id")) + "@example.id"
    assert our_answer(value) == pydantic_answer(value)


def test_a_reporter_email_is_refused_with_emailstrs_reason() -> None:
    class Former(BaseModel):
        email: EmailStr

    with pytest.raises(ValidationError) as ours:
        Reporter(email="warga@localhost")
    with pytest.raises(ValidationError) as theirs:
        Former(email="warga@localhost")
    assert ours.value.errors()[0]["msg"] == theirs.value.errors()[0]["msg"]


def test_the_intake_contract_still_declares_an_email_format() -> None:
    reporter = IntakeMessage.model_json_schema()["$defs"]["Reporter"]["properties"]["email"]
    assert {"type": "string", "format": "email"} in reporter["anyOf"]
