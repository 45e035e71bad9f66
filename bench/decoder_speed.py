"""Decoding one internal record, several ways: the figures behind the codec's fast way.

    .venv/bin/python -m bench.decoder_speed [--records N]

Times a `ReportAccepted` of the bench's size (a 300-character text, a location) and a small
`CaseAcknowledged`: main's edge way (json.loads, then model_validate with every text rule),
pydantic's compiled validator on the bytes (`model_validate_json`) with and without the text rules,
and, when msgspec is importable (it is not a dependency: `pip install --target DIR msgspec` and
put DIR on PYTHONPATH), a msgspec Struct of the same fields, alone and followed by the pydantic
object the policies dispatch on (`model_construct`, no validation).
"""

from __future__ import annotations

import argparse
import json
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from shared import contracts as c
from shared.text import RULED

NOW = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)
TEXT = "Jalan berlubang besar di depan Pasar Lama, sudah tiga minggu belum diperbaiki. " * 4


def samples() -> dict[str, c.IntegrationEvent]:
    location = c.Location(
        kecamatan="Banjarmasin Tengah",
        kelurahan="Kertak Baru Ilir",
        address="Jl. Pasar Lama No. 12",
        latitude=-3.32,
        longitude=114.59,
    )
    report = c.ReportAccepted(
        report_id=uuid.uuid4(), tracking_id="LPR-2026-000123", occurred_at=NOW, received_at=NOW,
        channel=c.Channel("web"), kind=c.ReportKind("pengaduan"), title="Jalan berlubang",
        text=TEXT[:300], location=location, reporter_ref="ref-0123456789abcdef",
    )  # fmt: skip
    case = c.CaseAcknowledged.model_validate(_case_fields(report))
    return {"ReportAccepted": report, "CaseAcknowledged": case}


def _case_fields(report: c.ReportAccepted) -> dict[str, Any]:
    return {
        "report_id": report.report_id, "tracking_id": report.tracking_id, "occurred_at": NOW,
        "channel": "web", "kind": "pengaduan", "reporter_ref": report.reporter_ref,
        "status": "Terdisposisi: Sedang Diproses", "skpd_code": "DPUPR", "skpd_name": "Dinas PUPR",
        "body": "DPUPR", "actor": "Petugas jalan",
    }  # fmt: skip


def per_record_us(decode: Callable[[bytes], Any], value: bytes, records: int) -> float:
    decode(value)
    started = time.perf_counter()
    for _ in range(records):
        decode(value)
    return (time.perf_counter() - started) / records * 1e6


def ways(cls: type[c.IntegrationEvent]) -> dict[str, Callable[[bytes], Any]]:
    found: dict[str, Callable[[bytes], Any]] = {
        "main: json.loads + model_validate, text rules": lambda v: cls.model_validate(
            json.loads(v.decode())
        ),
        "pydantic model_validate_json, text rules": lambda v: cls.model_validate_json(v),
        "pydantic model_validate_json, ruled texts (chosen)": lambda v: cls.model_validate_json(
            v, context=RULED
        ),
    }
    try:
        import msgspec
    except ImportError:
        return found
    struct = _struct(msgspec, cls)
    decoder = msgspec.json.Decoder(struct)
    found["msgspec Struct"] = decoder.decode

    def to_pydantic(v: bytes) -> Any:
        decoded = decoder.decode(v)
        return cls.model_construct(**{f: getattr(decoded, f) for f in struct.__struct_fields__})

    found["msgspec Struct + pydantic model_construct"] = to_pydantic
    return found


def _struct(msgspec: Any, cls: type[c.IntegrationEvent]) -> Any:
    """A Struct of the contract's fields, typed as msgspec decodes them (nested: a Struct too)."""
    location = msgspec.defstruct(
        "Location", [(n, Any, None) for n in c.Location.model_fields], kw_only=True
    )
    fields = []
    for name, info in cls.model_fields.items():
        kind: Any = location if name == "location" else Any
        if name in ("event_id", "report_id"):
            kind = uuid.UUID
        elif name in ("occurred_at", "received_at"):
            kind = datetime
        default = None if not info.is_required() else msgspec.NODEFAULT
        fields.append((name, kind, default))
    return msgspec.defstruct(cls.__name__, fields, kw_only=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=20_000)
    args = parser.parse_args()
    for name, event in samples().items():
        value = json.dumps(event.wire(), ensure_ascii=False).encode()
        print(f"{name} ({len(value)} bytes), µs per record:")
        for way, decode in ways(type(event)).items():
            print(f"  {per_record_us(decode, value, args.records):7.1f}  {way}")


if __name__ == "__main__":
    main()
