"""A report's sealed payload: AES-GCM under its reporter's key, bound to its reporter_ref."""

from __future__ import annotations

import base64
import json
import os

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from intake.adapters.keys import NONCE_BYTES, AesSealer

PAYLOAD = {
    "identity": {"name": "Siti Rahmah", "phone": "+62812000001", "email": None},
    "title": "Jalan rusak — mohon dicek",
    "text": None,
}


def test_a_payload_sealed_before_compact_json_still_unseals() -> None:
    sealer, key = AesSealer(), AesSealer().new_key()
    nonce = os.urandom(NONCE_BYTES)
    spaced = json.dumps(PAYLOAD, ensure_ascii=False).encode()  # how main sealed until now
    old = base64.b64encode(nonce + AESGCM(key).encrypt(nonce, spaced, b"ref-1")).decode()
    assert sealer.unseal(key, "ref-1", old) == PAYLOAD


def test_a_sealed_payload_unseals_only_under_its_key_and_reporter_ref() -> None:
    sealer, key = AesSealer(), AesSealer().new_key()
    sealed = sealer.seal(key, "ref-1", PAYLOAD)
    assert sealer.unseal(key, "ref-1", sealed) == PAYLOAD
    assert sealer.unseal(key, "ref-2", sealed) is None
    assert sealer.unseal(sealer.new_key(), "ref-1", sealed) is None


def test_sealing_twice_never_repeats_a_nonce() -> None:
    sealer, key = AesSealer(), AesSealer().new_key()
    nonces = {base64.b64decode(sealer.seal(key, "r", PAYLOAD))[:NONCE_BYTES] for _ in range(64)}
    assert len(nonces) == 64
