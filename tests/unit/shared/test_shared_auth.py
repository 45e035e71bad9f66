"""Bearer tokens: stored hashed, bound to one role."""

from __future__ import annotations

import pytest

from shared import auth
from shared.auth import Forbidden, TokenStore, Unauthenticated, digest, is_role


def store(**roles: str) -> TokenStore:
    return TokenStore({digest(token): role for token, role in roles.items()})


def test_a_known_token_authenticates_as_its_role() -> None:
    assert store(t1="admin").authenticate("t1").role == "admin"


def test_no_token_is_unauthenticated() -> None:
    with pytest.raises(Unauthenticated):
        store(t1="admin").authenticate(None)


def test_an_unknown_token_is_unauthenticated() -> None:
    with pytest.raises(Unauthenticated):
        store(t1="admin").authenticate("t2")


def test_a_role_outside_the_allowed_ones_is_forbidden() -> None:
    with pytest.raises(Forbidden):
        store(t1="analyst").authorize("t1", "admin")


def test_skpd_admits_any_body_and_names_it() -> None:
    principal = store(t1="skpd:PDAM").authorize("t1", "skpd")
    assert principal.skpd_code == "PDAM"


def test_a_store_refuses_roles_the_system_does_not_know() -> None:
    with pytest.raises(ValueError, match="unknown role"):
        TokenStore({digest("t"): "superuser"})


def test_the_store_keeps_digests_never_tokens() -> None:
    tokens = store(secret_token_value="admin")
    assert "secret_token_value" not in repr(vars(tokens))


@pytest.mark.parametrize("role", ["adapter", "admin", "analyst", "notification", "skpd:DLH"])
def test_the_design_roles_are_known(role: str) -> None:
    assert is_role(role)


def test_an_skpd_role_needs_a_body_code() -> None:
    assert not is_role("skpd:")


def test_a_new_token_never_starts_with_a_dash(monkeypatch: pytest.MonkeyPatch) -> None:
    """A token pasted into `lapor tokens revoke` must not be read as an option."""
    drawn = iter(["-kMh7Ig8WbGIzHRG4ZT5vcZ", "kMh7Ig8WbGIzHRG4ZT5vcZ"])
    monkeypatch.setattr(auth.secrets, "token_urlsafe", lambda _: next(drawn))
    assert auth.new_token() == "kMh7Ig8WbGIzHRG4ZT5vcZ"
