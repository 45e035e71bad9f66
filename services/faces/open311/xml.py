"""GeoReport v2's XML form of the same documents the JSON form carries."""

from __future__ import annotations

from typing import Any
from xml.etree.ElementTree import Element, SubElement, tostring

ITEM_NAMES = {
    "services": "service",
    "service_requests": "request",
    "service_request_updates": "request_update",
    "errors": "error",
    "attributes": "attribute",
    "values": "value",
    "endpoints": "endpoint",
    "formats": "format",
}


def render(root: str, document: Any) -> bytes:
    """An XML document: `root` wraps a list (each item named by ITEM_NAMES) or an object."""
    element = Element(root)
    _fill(element, root, document)
    return (
        b'<?xml version="1.0" encoding="utf-8"?>\n' + tostring(element, encoding="unicode").encode()
    )


def _fill(element: Element, name: str, value: Any) -> None:
    if isinstance(value, list):
        item = ITEM_NAMES.get(name, "item")
        for entry in value:
            _fill(SubElement(element, item), item, entry)
    elif isinstance(value, dict):
        for key, inner in value.items():
            _fill(SubElement(element, key), key, inner)
    elif isinstance(value, bool):
        element.text = "true" if value else "false"
    elif value is not None:
        element.text = str(value)
