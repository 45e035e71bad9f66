"""The router's own labelled corpus, generated reproducibly from data: problem seeds x templates.

`data/corpus/seeds.txt` holds problem statements per body (written from each body's duties);
`data/corpus/pieces.txt` the shared greetings, impacts, requests, places and templates. A seeded
generator writes them the way people do: slang and abbreviations, Banjar words, capitals, emoji,
typos, SMS prefixes. Each example keeps the index of its seed (`group`), so cross-validation can
hold out whole problems rather than rephrasings of ones it has seen.
"""

from __future__ import annotations

import random
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from importlib import resources

from shared import geography

CHANNELS = ("web", "sms", "whatsapp", "twitter", "mobile", "email", "walk-in")
# Formal word -> the ways people also write it (Indonesian chat shorthand and Banjar).
SLANG: dict[str, tuple[str, ...]] = {
    "tidak": ("tdk", "ga", "gak", "kada", "nggak"),
    "sudah": ("sdh", "udh", "udah"),
    "yang": ("yg",),
    "dengan": ("dgn",),
    "saya": ("sy", "aku", "ulun"),
    "bagaimana": ("gmn", "gimana", "kayapa"),
    "tolong": ("tlg",),
    "karena": ("krn",),
    "air": ("banyu",),
    "jalan": ("jln",),
    "rumah": ("rmh",),
    "belum": ("blm",),
    "sampai": ("sampe",),
    "mohon": ("mhn",),
    "depan": ("dpn",),
    "sekali": ("banar", "bgt"),
    "sangat": ("banar",),
    "kami": ("kmi", "ulun"),
    "segera": ("sgr",),
}


@dataclass(frozen=True)
class Seed:
    """One problem statement of one body (`label`: a directory code or KECAMATAN)."""

    label: str
    text: str
    titles: tuple[str, ...]
    group: int


def _read(name: str) -> str:
    return resources.files("routing").joinpath("data", "corpus", name).read_text(encoding="utf-8")


def _sections(text: str) -> dict[str, list[str]]:
    sections: dict[str, list[str]] = {}
    current: list[str] = []
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("[") and line.endswith("]"):
            current = sections.setdefault(line[1:-1], [])
        else:
            current.append(line)
    return sections


def seeds() -> list[Seed]:
    """Every problem statement, with its body's titles."""
    found: list[Seed] = []
    for label, lines in _sections(_read("seeds.txt")).items():
        titles = tuple(
            t.strip() for line in lines if line.startswith("=") for t in line[1:].split("|")
        )
        for line in lines:
            if not line.startswith("="):
                found.append(Seed(label, line, titles, len(found)))
    return found


def generate(
    per_seed: int = 8, per_body: int = 60, seed: int = 20261201
) -> Iterator[dict[str, object]]:
    """Labelled reports in the reference format (plus `group`), the same ones every time.

    Each seed is written `per_seed` ways, more for a body with few seeds (at least `per_body`).
    """
    rng = random.Random(seed)
    pieces = _sections(_read("pieces.txt"))
    places = geography.kelurahan()
    all_seeds = seeds()
    counts = Counter(item.label for item in all_seeds)
    serial = 0
    for item in all_seeds:
        for _ in range(max(per_seed, -(-per_body // counts[item.label]))):
            serial += 1
            place = rng.choice(places)
            channel = rng.choice(CHANNELS)
            text = _fill(rng.choice(pieces["template"]), item.text, place.name, pieces, rng)
            informal = channel in ("sms", "whatsapp", "twitter") or rng.random() < 0.3
            text = _roughen(text, rng) if informal else text
            title = (
                rng.choice(item.titles)
                if item.titles and channel in ("web", "mobile", "email")
                else ""
            )
            yield {
                "id": f"c-{serial:05d}",
                "channel": channel,
                "kind": "pengaduan",
                "title": title,
                "text": text,
                "location": {
                    "kecamatan": place.kecamatan,
                    "kelurahan": place.name,
                    "address": None,
                },
                "expected_skpd": place.skpd if item.label == "KECAMATAN" else item.label,
                "group": item.group,
            }


def _fill(
    template: str, problem: str, kel: str, pieces: dict[str, list[str]], rng: random.Random
) -> str:
    values = {
        "sapa": rng.choice(pieces["sapa"]),
        "dampak": rng.choice(pieces["dampak"]),
        "minta": rng.choice(pieces["minta"]),
        "emoji": rng.choice(pieces["emoji"]),
        "waktu": rng.choice(pieces["waktu"]),
        "tempat": f"di {rng.choice(pieces['jl'])}" if rng.random() < 0.6 else f"di {kel}",
        "jl": rng.choice(pieces["jl"]),
        "kel": kel,
        "n": str(rng.randint(1, 40)),
    }
    body = re.sub(r"\{(\w+)\}", lambda m: values[m.group(1)], problem)
    values["problem"] = body
    return re.sub(r"\{(\w+)\}", lambda m: values[m.group(1)], template)


def _roughen(text: str, rng: random.Random) -> str:
    """The text as typed on a phone: shorthand, Banjar, a typo, odd capitals."""
    words = []
    for word in text.split(" "):
        options = SLANG.get(word.lower())
        if options and rng.random() < 0.6:
            word = rng.choice(options)
        elif len(word) > 4 and word.isalpha() and rng.random() < 0.04:
            i = rng.randrange(1, len(word) - 2)
            word = word[:i] + word[i + 1] + word[i] + word[i + 2 :]
        words.append(word)
    rough = " ".join(words)
    roll = rng.random()
    if roll < 0.5:
        rough = rough.lower()
    elif roll < 0.6:
        rough = rough.upper()
    return rough
