"""The statuses the web pages answer, for their OpenAPI `responses=` (each an HTML page)."""

from __future__ import annotations

from typing import Any

PAGE_STATUSES = {
    400: "The form or a filter is wrong: the page says what to correct",
    401: "The staff token is unknown",
    403: "The service refused this person's role",
    404: "No such report, photo or download",
    413: "A photo is too large (intake's refusal, or the face's own check before sending)",
    415: "A file is not an image intake accepts",
    422: "The service found a field invalid, or a photo broken or a decompression bomb",
    503: "A service did not answer: a page asking to try again later",
}


def pages(*codes: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI `responses=` entries of pages answered with these statuses."""
    return {code: {"description": PAGE_STATUSES[code]} for code in codes}
