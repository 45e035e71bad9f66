"""GeoReport v2 documents made from the catalogue and tracking's public views (no identity)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from services.faces.common.catalogue import Category, categories, code_of
from services.faces.common.catalogue import category as find_category
from shared.contracts import StatusBucket

CLOSED = (StatusBucket.SELESAI.value, StatusBucket.ARSIP.value)
DESCRIPTION_LIMIT = 4000
ATTRIBUTES = (
    ("jenis", "Jenis laporan", ("pengaduan", "aspirasi", "permintaan-informasi")),
    (
        "anonim",
        "Anonim: identitas pelapor tidak ditampilkan kepada terlapor dan publik",
        ("ya", "tidak"),
    ),
    ("rahasia", "Rahasia: seluruh laporan tidak ditampilkan kepada publik", ("ya", "tidak")),
)


def service(item: Category) -> dict[str, Any]:
    """One entry of services.json."""
    return {
        "service_code": item.code,
        "service_name": item.name,
        "description": item.description,
        "metadata": True,
        "type": "realtime",
        "keywords": item.keywords,
        "group": item.group,
    }


def services() -> list[dict[str, Any]]:
    """services.json: one service per problem a citizen picks."""
    return [service(item) for item in categories()]


def definition(code: str) -> dict[str, Any] | None:
    """services/{code}.json: the optional attributes (kind, anonim, rahasia)."""
    if find_category(code) is None:
        return None
    attributes = [
        {
            "variable": True,
            "code": name,
            "datatype": "singlevaluelist",
            "required": False,
            "datatype_description": description,
            "order": order,
            "description": description,
            "values": [{"key": value, "name": value} for value in values],
        }
        for order, (name, description, values) in enumerate(ATTRIBUTES, start=1)
    ]
    return {"service_code": code, "attributes": attributes}


def status_of(bucket: str) -> str:
    """Open311's two states: `closed` once resolved or archived."""
    return "closed" if bucket in CLOSED else "open"


def _when(value: Any) -> str | None:
    if value is None:
        return None
    moment = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    return moment.isoformat()


def _address(place: dict[str, Any]) -> str | None:
    parts = [place.get(k) for k in ("address", "kelurahan", "kecamatan")]
    words = [str(p) for p in parts if p]
    return ", ".join([*words, "Banjarmasin"]) if words else None


def request(report: dict[str, Any]) -> dict[str, Any]:
    """One service request from a feed item or a public status (never a personal field)."""
    skpd = report.get("skpd") or {}
    code = code_of(report.get("category"), skpd.get("code"))
    place = report.get("location") or {
        k: report.get(k) for k in ("kecamatan", "kelurahan", "address")
    }
    text = " - ".join(p for p in (report.get("title"), report.get("text")) if p)
    media = report.get("attachments") or []
    item = find_category(code)
    return {
        "service_request_id": report["tracking_id"],
        "status": status_of(report["status"]),
        "status_notes": report["status"],
        "service_name": item.name if item else None,
        "service_code": code,
        "description": text[:DESCRIPTION_LIMIT] or None,
        "agency_responsible": skpd.get("name"),
        "service_notice": None,
        "requested_datetime": _when(report["received_at"]),
        "updated_datetime": _when(report.get("updated_at")),
        "expected_datetime": _when(report.get("due_at")),
        "address": _address(place),
        "address_id": None,
        "zipcode": None,
        "lat": place.get("latitude"),
        "long": place.get("longitude"),
        "media_url": media[0] if media else None,
    }


def extended_attributes(report: dict[str, Any]) -> dict[str, Any]:
    """`extensions=true`: channel, place, the LAPOR! bucket and the body (code and name)."""
    place = report.get("location") or report
    skpd = report.get("skpd")
    body = {"code": skpd["code"], "name": skpd["name"]} if skpd else None
    return {
        "channel": report.get("channel"),
        "kecamatan": place.get("kecamatan"),
        "kelurahan": place.get("kelurahan"),
        "bucket": report["status"],
        "body": body,
    }


def error(code: int, description: str) -> list[dict[str, Any]]:
    """GeoReport's error document: an array of {code, description}."""
    return [{"code": code, "description": description}]


def discovery(base_url: str, changed: str) -> dict[str, Any]:
    """discovery.json: where this endpoint is and what it speaks."""
    return {
        "changeset": changed,
        "contact": "Pengelola SP4N-LAPOR! Kota Banjarmasin",
        "key_service": "Minta api_key (token adapter) kepada admin LAPOR! Kota Banjarmasin",
        "endpoints": [
            {
                "specification": "http://wiki.open311.org/GeoReport_v2",
                "url": base_url,
                "changeset": changed,
                "type": "production",
                "formats": ["application/json", "text/xml"],
            }
        ],
    }
