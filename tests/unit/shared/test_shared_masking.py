"""Contact details in report texts are masked for public surfaces; other numbers stay."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from shared.masking import MARKERS, DetailKind, find_contacts, mask_contacts

DATA = Path(__file__).parent / "data"
LABEL = re.compile(r"⟦(.*?)⟧")


def labelled(name: str) -> list[tuple[str, list[tuple[int, int]]]]:
    """Each line's text and the spans of the contacts marked ⟦ ⟧ in it."""
    examples = []
    for raw in (DATA / name).read_text(encoding="utf-8").splitlines():
        if not raw.strip() or raw.startswith("#"):
            continue
        text, spans, position = "", [], 0
        for match in LABEL.finditer(raw):
            text += raw[position : match.start()]
            spans.append((len(text), len(text) + len(match.group(1))))
            text += match.group(1)
            position = match.end()
        examples.append((text + raw[position:], spans))
    return examples


def precision_and_recall(name: str) -> tuple[float, float, int]:
    """Span-exact precision and recall of `find_contacts` over a labelled file."""
    true_positive = false_positive = false_negative = 0
    examples = labelled(name)
    for text, gold in examples:
        found = {(span.start, span.end) for span in find_contacts(text)}
        true_positive += len(found & set(gold))
        false_positive += len(found - set(gold))
        false_negative += len(set(gold) - found)
    precision = true_positive / (true_positive + false_positive)
    recall = true_positive / (true_positive + false_negative)
    return precision, recall, len(examples)


def test_the_labelled_sets_are_large_enough_to_mean_something() -> None:
    tuning, held_out = (
        labelled("contacts-in-reports.txt"),
        labelled("contacts-in-reports-heldout.txt"),
    )
    assert len(tuning) + len(held_out) >= 200
    assert (
        sum(1 for _, spans in tuning + held_out if not spans) >= 80
    )  # numbers that are no contact


def test_masking_finds_nearly_every_contact_and_little_else_on_the_set_it_was_tuned_on() -> None:
    precision, recall, _ = precision_and_recall("contacts-in-reports.txt")
    assert precision >= 0.97
    assert recall >= 0.97


def test_masking_holds_on_a_set_it_was_never_tuned_on() -> None:
    precision, recall, _ = precision_and_recall("contacts-in-reports-heldout.txt")
    assert precision >= 0.95
    assert recall >= 0.93


@pytest.mark.parametrize(
    "spelling",
    ["+62 812-3456-7890", "62812 3456 7890", "0812.3456.7890", "081234567890", "(0511) 3252 123"],
)
def test_phone_numbers_in_their_common_spellings_are_masked(spelling: str) -> None:
    masked = mask_contacts(f"Hubungi saya di {spelling} ya.")
    assert masked == f"Hubungi saya di {MARKERS[DetailKind.PHONE]} ya."


@pytest.mark.parametrize(
    "text",
    [
        "Tagihan Rp 1.250.000 padahal biasanya Rp 85.000",
        "Sudah lapor tanggal 12-08-2024 di RT 05 RW 03",
        "Rumah di Jl. Veteran No. 45, km 4,5",
        "Transfer ke rekening 0234567890 atas nama panitia",
        "Token 1234 5678 9012 3456 7890 tidak bisa dimasukkan",
    ],
)
def test_prices_dates_addresses_accounts_and_tokens_stay(text: str) -> None:
    assert mask_contacts(text) == text


def test_a_nik_with_an_impossible_birth_date_is_just_a_number() -> None:
    assert find_contacts("Kode 6371059913850002") == []
    assert [s.kind for s in find_contacts("NIK 6371055508880001")] == [DetailKind.NIK]


def test_an_email_written_with_at_in_brackets_is_masked() -> None:
    assert mask_contacts("Email: hari.s [at] gmail.com.") == f"Email: {MARKERS[DetailKind.EMAIL]}."
