"""Duplicates: a new report near an open one (about 50 m) with very similar text repeats it.

Open reports are indexed by map cell (0.001 degree, about 111 m) and by kelurahan, inside a
window; `find_matches` compares a new report with the candidates from its cell's neighbourhood
and its kelurahan. Thresholds are given (settings), never constants here.
"""

from __future__ import annotations

import math
import sys
import threading
from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from intake.domain.screening import words

CELL_DEGREES = 0.001
METRES_PER_DEGREE = 111_320.0
EARTH_RADIUS_M = 6_371_000.0
POSSIBLE_DUPLICATE = "kemungkinan duplikat"

# Words that say nothing about which problem it is (Bahasa Indonesia and SMS shorthand).
_STOPWORDS = """
di ke dari dan yang ini itu ada sudah belum tidak tdk gak nggak ga sangat sekali mohon tolong
pak bu bapak ibu kami saya kita warga sejak sampai sdh blm yg dgn dengan untuk utk pada juga
karena krn akan masih lagi jl jln jalan depan dekat samping sekitar rt rw no nomor kel kelurahan
kec kecamatan banjarmasin kota segera dicek cek diperbaiki harap
"""
STOPWORDS = frozenset(_STOPWORDS.split())

# What kind of problem a word names: two reports naming only different kinds are different
# problems, however alike the street names in them (a lamp and a hole in front of one bank).
_PROBLEMS = """
lampu:lampu pju penerangan gelap padam traffic light
air:air pdam ledeng keran pipa bocor keruh mengalir
sampah:sampah tps pembuangan plastik bau busuk
jalan:lubang berlubang aspal amblas rusak retak polisi tidur manhole
banjir:banjir genangan tergenang rob drainase got selokan saluran mampet tersumbat
pohon:pohon ranting tumbang dahan
listrik:kabel listrik tiang menjuntai putus pln
parkir:parkir macet
hewan:anjing kucing
"""
PROBLEM_WORDS = {
    word: kind
    for line in _PROBLEMS.split("\n")
    if ":" in line
    for kind, words_ in [line.split(":", 1)]
    for word in words_.split()
}
# Each kind is a bit: an entry's kinds are one small int (shared by every entry naming them,
# and untracked by the garbage collector), two entries' shared kinds one `&`.
KIND_NAMES = tuple(sorted(set(PROBLEM_WORDS.values())))
_KIND_BITS = {kind: 1 << n for n, kind in enumerate(KIND_NAMES)}
_WORD_KINDS = {word: _KIND_BITS[kind] for word, kind in PROBLEM_WORDS.items()}


@dataclass(frozen=True)
class DuplicateRules:
    """How near, how similar and how recent a report must be to repeat another."""

    radius_m: float
    link_similarity: float
    flag_similarity: float
    window: timedelta


class _GramCodes:
    """A bit per trigram, so two entries' shared trigrams are counted by one `&` of two ints
    (the same count as their sets' intersection, many times cheaper). Bounded: once `limit`
    trigrams have codes, an entry with a trigram without one has no bits (its sets are used)."""

    def __init__(self, limit: int, words: int = 1 << 10) -> None:
        self.codes: dict[str, int] = {}
        self._limit = limit
        self._lock = threading.Lock()
        # each word's trigrams and their bits: an entry's are their union, not its words cut
        # into trigrams and looked up again. A city's reports reuse a few thousand words; the
        # first 1,024 met are kept (a word's bits are as long as the codes given out: at most
        # 4 KB each, about 5 MB in all once every code is taken; the load generator's 261 words
        # about 0.2 MB)
        self._words: dict[str, tuple[tuple[str, ...], int]] = {}  # a tuple: a third of a set
        self._words_limit = words

    def of_words(self, found: tuple[str, ...]) -> tuple[frozenset[str], int | None]:
        """The trigrams of these words (`_grams`) and their bits (`bits`)."""
        known, bits, coded = self._words, 0, True
        sets: list[Collection[str]] = []
        for word in found:
            got = known.get(word)
            if got is None:
                grams = frozenset(_grams((word,)))
                word_bits = self.bits(grams)
                if word_bits is None:  # no codes left: its set alone, never kept
                    sets.append(grams)
                    coded = False
                    continue
                got = (tuple(grams), word_bits)
                if len(known) < self._words_limit:
                    known[word] = got
            sets.append(got[0])
            bits |= got[1]
        return frozenset().union(*sets), bits if coded else None

    def bits(self, grams: frozenset[str]) -> int | None:
        codes = self.codes
        missing = [g for g in grams if g not in codes]
        if missing:
            with self._lock:
                for gram in missing:
                    if gram not in codes and len(codes) < self._limit:
                        codes[gram] = len(codes)
        found = 0
        for gram in grams:
            code = codes.get(gram)
            if code is None:
                return None
            found |= 1 << code
        return found


_CODES = _GramCodes(limit=1 << 15)


_NO_GRAMS: frozenset[str] = frozenset()  # one empty set for every slim entry


@dataclass(frozen=True, slots=True)
class Indexed:
    """An open report as the index keeps it."""

    report_id: str
    tracking_id: str
    at: datetime
    words: tuple[str, ...]
    latitude: float | None = None
    longitude: float | None = None
    kelurahan: str | None = None
    grams: frozenset[str] = frozenset()  # the words' trigrams, kept so matching never rebuilds
    kinds: int = field(init=False, repr=False, compare=False)  # problem kinds named, as bits
    bits: int | None = field(init=False, repr=False, compare=False)  # the grams' codes (`_CODES`)
    size: int = field(init=False, repr=False, compare=False)  # how many trigrams

    def __post_init__(self) -> None:
        if self.words and not self.grams:  # made once, when the entry is made from its words
            grams, bits = _CODES.of_words(self.words)
            object.__setattr__(self, "grams", grams)
        else:
            bits = _CODES.bits(self.grams)
        object.__setattr__(self, "kinds", kinds_of(self.words))
        object.__setattr__(self, "bits", bits)
        object.__setattr__(self, "size", len(self.grams))

    def slim(self) -> Indexed:
        """The entry as a long-lived cache keeps it: what matching reads (its trigrams as
        bits and their count), not its words and trigram set (a tenth of the memory), its
        kelurahan's name one string for all. Itself when its trigrams have no codes (matching
        needs their set)."""
        if self.bits is None or not self.words:
            return self
        kelurahan = sys.intern(self.kelurahan) if self.kelurahan else self.kelurahan
        return self._copy(words=(), grams=_NO_GRAMS, kelurahan=kelurahan)

    def tracked(self, tracking_id: str) -> Indexed:
        """The same entry with its report's tracking id (nothing derived is made again)."""
        return self._copy(tracking_id=tracking_id)

    def _copy(self, **changes: Any) -> Indexed:
        copy = object.__new__(Indexed)
        for name in Indexed.__slots__:
            object.__setattr__(copy, name, changes.get(name, getattr(self, name)))
        return copy


@dataclass(frozen=True)
class Matches:
    """The open report a new one repeats (link), or may repeat (flag)."""

    link: Indexed | None = None
    flag: Indexed | None = None


def content_words(text: str) -> tuple[str, ...]:
    """The words that say what the problem is, sorted and unique."""
    return content_of(words(text))


def content_of(found: list[str]) -> tuple[str, ...]:
    """`content_words` of a text's `words`, when they were read already."""
    return tuple(sorted({w for w in found if len(w) > 2 and w not in STOPWORDS}))


def problem_kinds(found: tuple[str, ...]) -> set[str]:
    """The kinds of problem the words name."""
    return {PROBLEM_WORDS[w] for w in found if w in PROBLEM_WORDS}


def kinds_of(found: tuple[str, ...]) -> int:
    """The kinds of problem the words name, a bit each (`KIND_NAMES`)."""
    mask = 0
    for word in found:
        mask |= _WORD_KINDS.get(word, 0)
    return mask


def kind_names(kinds: int) -> list[str]:
    """The names of the kinds in `kinds_of`'s bits, sorted."""
    return list(_NAMES_OF[kinds])


# The names of every set of kinds, by its bits (512 short tuples): a report asks three times.
_NAMES_OF = tuple(
    tuple(name for name, bit in _KIND_BITS.items() if kinds & bit)
    for kinds in range(1 << len(KIND_NAMES))
)


def _different_problems(kinds_a: int, kinds_b: int) -> bool:
    return bool(kinds_a and kinds_b and not kinds_a & kinds_b)


def _grams(found: tuple[str, ...]) -> set[str]:
    padded = [f" {w} " for w in found]
    return {w[i : i + 3] for w in padded for i in range(len(w) - 2)}


def similarity(a: tuple[str, ...], b: tuple[str, ...]) -> float:
    """Jaccard similarity of the character trigrams of two texts' content words (0 to 1)."""
    return jaccard(_grams(a), _grams(b))


def jaccard(ga: frozenset[str] | set[str], gb: frozenset[str] | set[str]) -> float:
    """Jaccard similarity of two trigram sets (0 to 1)."""
    if not ga or not gb:
        return 0.0
    shared = len(ga & gb)  # the union's size follows: no second set is built
    return shared / (len(ga) + len(gb) - shared)


def distance_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in metres (haversine)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(h)))


def cell_of(latitude: float, longitude: float) -> tuple[int, int]:
    """The map cell a point lies in."""
    return math.floor(latitude / CELL_DEGREES), math.floor(longitude / CELL_DEGREES)


def neighbourhood(latitude: float, longitude: float, radius_m: float) -> list[tuple[int, int]]:
    """Every cell holding a point within `radius_m` of this one."""
    row, col = cell_of(latitude, longitude)
    rows = math.ceil(radius_m / (CELL_DEGREES * METRES_PER_DEGREE))
    scale = max(math.cos(math.radians(latitude)), 0.01)
    cols = math.ceil(radius_m / (CELL_DEGREES * METRES_PER_DEGREE * scale))
    return [(row + r, col + c) for r in range(-rows, rows + 1) for c in range(-cols, cols + 1)]


def find_matches(new: Indexed, candidates: list[Indexed], rules: DuplicateRules) -> Matches:
    """Link to the most similar open report within the radius; else flag a weaker match."""
    link: tuple[float, Indexed] | None = None
    flag: tuple[float, Indexed] | None = None
    # the text first: most candidates are not alike at all, and two entries' bits tell it in
    # one `&` (a candidate less similar than both thresholds is neither linked nor flagged)
    floor = min(rules.link_similarity, rules.flag_similarity)
    bits, size = new.bits, new.size
    for old in candidates:
        if bits is not None and old.bits is not None:
            shared = (bits & old.bits).bit_count()
            score = shared / (size + old.size - shared) if shared else 0.0
        else:
            score = _similarity(new, old)
        if score < floor:
            continue
        if old.report_id == new.report_id or abs(new.at - old.at) > rules.window:
            continue  # messages may arrive out of order: the window counts both ways
        if _different_problems(new.kinds, old.kinds):
            continue
        near = _near(new, old, rules.radius_m)
        if near is not True and not (near is None and _same_place(new, old)):
            continue  # neither linked nor flagged, however alike
        if near is True and score >= rules.link_similarity:
            link = _better(link, score, old)
        elif score >= rules.flag_similarity:
            flag = _better(flag, score, old)
    return Matches(link[1] if link else None, None if link else (flag[1] if flag else None))


def _near(new: Indexed, old: Indexed, radius_m: float) -> bool | None:
    """Within the radius; None when either lacks coordinates."""
    if None in (new.latitude, new.longitude, old.latitude, old.longitude):
        return None
    return distance_m(new.latitude, new.longitude, old.latitude, old.longitude) <= radius_m  # type: ignore[arg-type]


def _same_place(new: Indexed, old: Indexed) -> bool:
    """Same kelurahan (for two reports that cannot be told apart by coordinates)."""
    return bool(new.kelurahan) and new.kelurahan == old.kelurahan


def _similarity(new: Indexed, old: Indexed) -> float:
    """`jaccard` of the two entries' trigrams, from their bits when both have them (a slim
    entry has only its bits: the other's trigrams are looked up in them)."""
    if not new.size or not old.size:
        return 0.0
    if new.bits is not None and old.bits is not None:
        shared = (new.bits & old.bits).bit_count()
    elif old.bits is None and new.bits is None:
        return jaccard(new.grams, old.grams)
    else:
        shared = _shared(*((new, old) if old.bits is not None else (old, new)))
    return shared / (new.size + old.size - shared)


def _shared(whole: Indexed, coded: Indexed) -> int:
    """How many of `whole`'s trigrams `coded` has: a trigram without a code is in no bits."""
    bits = coded.bits or 0
    codes = _CODES.codes
    return sum(1 for g in whole.grams if (c := codes.get(g)) is not None and bits >> c & 1)


def _better(
    best: tuple[float, Indexed] | None, score: float, old: Indexed
) -> tuple[float, Indexed]:
    if best is None or score > best[0] or (score == best[0] and old.at < best[1].at):
        return score, old
    return best


class OpenReports(Aggregate):
    """The open reports of one map cell or kelurahan (before F3; now a table, read to migrate)."""

    @event("Started")
    def __init__(self, id: UUID, key: str) -> None:
        self.key = key
        self.entries: dict[str, dict[str, Any]] = {}

    @event("ReportAdded")
    def add(self, entry: dict[str, Any], window_seconds: float) -> None:
        """Index one open report; forget those older than the window."""
        self.entries[entry["report_id"]] = entry
        horizon = entry["at"] - timedelta(seconds=window_seconds)
        self.entries = {k: e for k, e in self.entries.items() if e["at"] >= horizon}

    @event("ReportRemoved")
    def remove(self, report_id: str) -> None:
        """The report is closed, resolved or archived: no longer a candidate."""
        self.entries.pop(report_id, None)

    def candidates(self) -> list[Indexed]:
        """The indexed reports."""
        return [_indexed(e) for e in self.entries.values()]


def _indexed(entry: dict[str, Any]) -> Indexed:
    return Indexed(**{**entry, "words": tuple(entry["words"])})
