"""Per-person tokens: issued with a name, stored hashed, revoked at once, old form still read."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

from services.cli.main import app
from shared.auth import Principal, TokenStore, Unauthenticated, digest


def test_a_role_string_and_a_named_entry_both_authenticate() -> None:
    store = TokenStore({digest("a"): "admin", digest("b"): {"role": "skpd:PDAM", "name": "Ani"}})
    assert store.authenticate("a") == Principal("admin")
    assert store.authenticate("b") == Principal("skpd:PDAM", "Ani")
    with pytest.raises(ValueError, match="unknown role"):
        TokenStore({digest("c"): {"role": "root", "name": "x"}})


def test_issue_and_revoke_through_the_cli(tmp_path: Path) -> None:
    path = tmp_path / "tokens.json"
    store = TokenStore({}, path)
    runner = CliRunner()
    env = {"LAPOR_AUTH_TOKENS_FILE": str(path)}
    issued = runner.invoke(app, ["tokens", "issue", "skpd:DLH", "--name", "Dewi"], env=env)
    assert issued.exit_code == 0, issued.output
    token = issued.output.strip()
    assert token not in path.read_text() and digest(token) in json.loads(path.read_text())
    assert oct(path.stat().st_mode & 0o777) == "0o600"
    assert store.authenticate(token) == Principal("skpd:DLH", "Dewi")
    revoked = runner.invoke(app, ["tokens", "revoke", "Dewi"], env=env)
    assert revoked.exit_code == 0, revoked.output
    os.utime(path, (0, path.stat().st_mtime + 1))  # a second change within the same tick
    with pytest.raises(Unauthenticated):
        store.authenticate(token)
    assert runner.invoke(app, ["tokens", "revoke", "Dewi"], env=env).exit_code == 1
    refused = runner.invoke(app, ["tokens", "issue", "root", "--name", "x"], env=env)
    assert refused.exit_code == 1
