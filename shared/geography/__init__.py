"""Banjarmasin's 5 kecamatan and 52 kelurahan, as data every context may use.

`wilayah.csv` has one row per kelurahan: its kecamatan, the kecamatan's body code in the
directory, and other spellings people write ("Sei" for "Sungai"). `find_place` reads a place out
of free text (an SMS `LAPOR#Kelayan Dalam#...`, or "di kel. teluk dalam") by the longest name it
contains, matched on whole words, case- and punctuation-insensitively.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import cache
from importlib import resources

_PREFIXES = ("banjarmasin ", "kecamatan ", "kec ", "kelurahan ", "kel ")


@dataclass(frozen=True)
class Kelurahan:
    """One kelurahan and the kecamatan it lies in."""

    name: str
    kecamatan: str
    skpd: str
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class Place:
    """What a text names: a kecamatan, and the kelurahan when it names one."""

    kecamatan: str
    kelurahan: str | None = None


def normalise(text: str) -> str:
    """Lower case, words only, single spaces: the form names are compared in."""
    return " ".join(re.findall(r"[0-9a-z]+", text.casefold()))


@cache
def kelurahan() -> tuple[Kelurahan, ...]:
    """Every kelurahan of the city, grouped by kecamatan."""
    text = resources.files(__package__).joinpath("wilayah.csv").read_text(encoding="utf-8")
    return tuple(
        Kelurahan(
            name=row["kelurahan"],
            kecamatan=row["kecamatan"],
            skpd=row["skpd"],
            aliases=tuple(a.strip() for a in (row["aliases"] or "").split(";") if a.strip()),
        )
        for row in csv.DictReader(text.splitlines())
    )


@cache
def kecamatan() -> dict[str, str]:
    """Each kecamatan's name and the directory code of its office."""
    return {k.kecamatan: k.skpd for k in kelurahan()}


@cache
def _names() -> tuple[list[tuple[str, Place]], list[tuple[str, Place]]]:
    """Written forms of kelurahan, then of kecamatan, each longest first."""
    kel_forms = [
        (normalise(name), Place(kel.kecamatan, kel.name))
        for kel in kelurahan()
        for name in (kel.name, *kel.aliases)
    ]
    kec_forms: list[tuple[str, Place]] = []
    for name in kecamatan():
        place = Place(name)
        short = normalise(name).removeprefix("banjarmasin ")
        kec_forms.append((normalise(name), place))
        kec_forms.extend((f"{prefix}{short}", place) for prefix in ("kecamatan ", "kec "))
    return (
        sorted(kel_forms, key=lambda item: -len(item[0])),
        sorted(kec_forms, key=lambda item: -len(item[0])),
    )


def find_place(text: str) -> Place | None:
    """The place a text names, or None; a kelurahan (the more precise) wins over a kecamatan."""
    padded = f" {normalise(text)} "
    for forms in _names():
        for form, place in forms:
            if f" {form} " in padded:
                return place
    return None


def canonical(kecamatan_name: str | None, kelurahan_name: str | None) -> Place | None:
    """A location's parts as the city writes them, or None when neither is known."""
    if kelurahan_name:
        found = find_place(kelurahan_name)
        if found is not None and found.kelurahan is not None:
            return found
    if kecamatan_name:
        key = _without_prefixes(normalise(kecamatan_name))
        for name in kecamatan():
            if normalise(name).removeprefix("banjarmasin ") == key:
                return Place(name)
    return None


def _without_prefixes(key: str) -> str:
    """`kec. banjarmasin utara` -> `utara`: every leading prefix off, in any order."""
    shorter = key
    while True:
        for prefix in _PREFIXES:
            shorter = shorter.removeprefix(prefix)
        if shorter == key:
            return key
        key = shorter
