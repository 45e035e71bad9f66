"""Per-person tokens: named entries, the legacy file, and the command line's refusals.

Issue, revoke and list on the real broker: tests/e2e/test_tokens_as_events.py.
"""

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


def test_the_legacy_tokens_file_is_still_read_and_re_read_on_change(tmp_path: Path) -> None:
    path = tmp_path / "tokens.json"
    store = TokenStore({}, path)
    path.write_text(json.dumps({digest("t"): {"role": "skpd:DLH", "name": "Dewi"}}))
    assert store.authenticate("t") == Principal("skpd:DLH", "Dewi")
    path.write_text("{}")
    os.utime(path, (0, path.stat().st_mtime + 1))  # a second change within the same tick
    with pytest.raises(Unauthenticated):
        store.authenticate("t")


def test_the_cli_refuses_an_unknown_role_or_no_name_before_reaching_the_broker() -> None:
    runner = CliRunner()
    nowhere = {"LAPOR_KAFKA_BOOTSTRAP_SERVERS": "127.0.0.1:9"}
    refused = runner.invoke(app, ["tokens", "issue", "root", "--name", "x"], env=nowhere)
    assert refused.exit_code == 1 and "unknown role" in refused.output
    nameless = runner.invoke(app, ["tokens", "issue", "admin", "--name", " "], env=nowhere)
    assert nameless.exit_code == 1 and "name is required" in nameless.output
