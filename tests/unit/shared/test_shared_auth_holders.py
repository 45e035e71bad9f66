"""A token may name its holder ({"role", "name"}); the plain role form still reads."""

from __future__ import annotations

import pytest

from shared.auth import TokenStore, digest
from shared.settings import CommonSettings


def test_a_token_may_name_its_holder() -> None:
    store = TokenStore({digest("t"): {"role": "skpd:PDAM", "name": "Budi Santoso"}})
    principal = store.authenticate("t")
    assert (principal.role, principal.name, principal.skpd_code) == (
        "skpd:PDAM",
        "Budi Santoso",
        "PDAM",
    )


def test_a_plain_role_has_no_holder_name() -> None:
    assert TokenStore({digest("t"): "analyst"}).authenticate("t").name == ""


def test_a_named_holder_with_an_unknown_role_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown role"):
        TokenStore({digest("t"): {"role": "boss", "name": "X"}})


def test_settings_read_both_forms_from_json(monkeypatch: pytest.MonkeyPatch) -> None:
    both = f'{{"{digest("a")}": "admin", "{digest("b")}": {{"role": "skpd:DLH", "name": "Siti"}}}}'
    monkeypatch.setenv("LAPOR_AUTH_TOKENS", both)
    store = TokenStore(CommonSettings().auth_tokens)
    assert (store.authenticate("a").role, store.authenticate("b").name) == ("admin", "Siti")
