"""Reports about swiftlet houses (gedung walet): a problem the built model does not know.

The city's admin decides they are a licensing matter (DPMPTSP): the e2e test teaches the router so.
"""

from __future__ import annotations

import random

BODY = "DPMPTSP"
WHAT = [
    "gedung sarang burung walet",
    "rumah walet",
    "ruko yang dijadikan sarang walet",
    "bangunan walet tiga lantai",
    "usaha sarang burung walet",
]
TROUBLE = [
    "suara pemanggil waletnya berbunyi dari subuh sampai malam",
    "berdiri di tengah permukiman padat",
    "tidak jelas izinnya",
    "baru dibangun tanpa sosialisasi ke warga",
    "kotoran waletnya berserakan di atap tetangga",
    "speaker walet sangat nyaring dan mengganggu bayi tidur",
]
ASK = [
    "mohon dicek perizinannya",
    "apakah usaha seperti ini boleh di kawasan rumah",
    "tolong ditinjau",
    "warga keberatan, mohon ditindak",
    "",
]


def texts(count: int, seed: int) -> list[str]:
    """`count` different reports, the same ones for the same seed."""
    rng = random.Random(seed)
    found: list[str] = []
    while len(found) < count:
        text = f"{rng.choice(WHAT)} di gang kami {rng.choice(TROUBLE)}, {rng.choice(ASK)}"
        text = text.strip(", ")
        if text not in found:
            found.append(text)
    return found
