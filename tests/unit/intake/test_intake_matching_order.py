"""Matching compares the texts first and skips the unlike at once: it decides as the rule reads
(window, kinds, place, then text), and slim entries keep what it reads in shared small values."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

from test_intake_slim_entries import RULES

from bench.duplicate_quality import load
from intake.domain.duplicates import (
    Indexed,
    Matches,
    content_words,
    distance_m,
    find_matches,
    jaccard,
    kind_names,
    kinds_of,
    problem_kinds,
)

AT = datetime(2026, 3, 2, 9, tzinfo=UTC)
PLACES = ("Kuin Utara", "Pekapuran Raya", None)


def _decided_in_the_rules_order(new: Indexed, candidates: list[Indexed]) -> Matches:
    """The rule as written: window, kinds, place, and only then the texts (their sets)."""
    link: tuple[float, Indexed] | None = None
    flag: tuple[float, Indexed] | None = None
    for old in candidates:
        if old.report_id == new.report_id or abs(new.at - old.at) > RULES.window:
            continue
        if new.kinds and old.kinds and not new.kinds & old.kinds:
            continue
        located = None not in (new.latitude, new.longitude, old.latitude, old.longitude)
        near = located and _metres(new, old) <= RULES.radius_m
        same_place = bool(new.kelurahan) and new.kelurahan == old.kelurahan
        if not near and (located or not same_place):
            continue
        score = jaccard(new.grams, old.grams)
        best = link if near and score >= RULES.link_similarity else flag
        if best is not None and (score < best[0] or (score == best[0] and old.at >= best[1].at)):
            continue
        if near and score >= RULES.link_similarity:
            link = (score, old)
        elif score >= RULES.flag_similarity:
            flag = (score, old)
    return Matches(link[1] if link else None, None if link else (flag[1] if flag else None))


def _metres(a: Indexed, b: Indexed) -> float:
    return distance_m(a.latitude, a.longitude, b.latitude, b.longitude)  # type: ignore[arg-type]


def _entries(count: int, seed: int) -> list[Indexed]:
    texts = [r[side]["text"] for r in load() for side in ("a", "b")]
    chance = random.Random(seed)
    made = []
    for n in range(count):
        located = chance.random() < 0.6
        made.append(
            Indexed(
                report_id=f"r{n}",
                tracking_id=f"LPR-{n}",
                at=AT + timedelta(days=chance.uniform(-40, 40)),
                words=content_words(chance.choice(texts)),
                latitude=-3.3186 + chance.uniform(-0.0006, 0.0006) if located else None,
                longitude=114.5944 + chance.uniform(-0.0006, 0.0006) if located else None,
                kelurahan=chance.choice(PLACES),
            )
        )
    return made


def _ids(found: Matches) -> tuple[str | None, str | None]:
    return (
        found.link.report_id if found.link else None,
        found.flag.report_id if found.flag else None,
    )


def test_matching_decides_as_the_rule_reads_for_whole_and_slim_entries() -> None:
    entries = _entries(160, seed=7)
    olds, news = entries[:120], entries[120:]
    slims = [o.slim() for o in olds]
    decided = []
    for new in news:
        expected = _ids(_decided_in_the_rules_order(new, olds))
        assert _ids(find_matches(new, olds, RULES)) == expected
        assert _ids(find_matches(new, slims, RULES)) == expected
        decided.append(expected)
    assert any(link for link, _ in decided) and any(flag for _, flag in decided)


def test_an_entrys_kinds_are_bits_naming_the_problem_kinds_of_its_words() -> None:
    for pair in load():
        found = content_words(pair["a"]["text"] + " " + pair["b"]["text"])
        assert kind_names(kinds_of(found)) == sorted(problem_kinds(found))
    assert kinds_of(content_words("Lampu jalan padam, air PDAM keruh")) == kinds_of(
        ("lampu", "air")
    )
    assert kinds_of(content_words("Ada sesuatu yang aneh")) == 0


def test_slim_entries_share_one_name_per_kelurahan_and_one_empty_trigram_set() -> None:
    name = "Kuin Utara"
    one, two = (
        Indexed(f"r{n}", f"LPR-{n}", AT, content_words(f"Sampah di pasar {n}"), kelurahan=kelurahan)
        for n, kelurahan in enumerate(["".join(name.partition(" ")) for _ in range(2)])
    )
    assert one.kelurahan is not two.kelurahan  # made apart, as two decoded messages are
    slim_one, slim_two = one.slim(), two.slim()
    assert slim_one.kelurahan is slim_two.kelurahan == "Kuin Utara"
    assert slim_one.grams is slim_two.grams and not slim_one.grams
    assert (slim_one.kinds, slim_one.bits, slim_one.size) == (one.kinds, one.bits, len(one.grams))
