"""Report text as word tokens: lower case, no punctuation, common informal spellings expanded."""

from __future__ import annotations

import re
import unicodedata

# Chat and SMS shorthand that citizens write; only unambiguous ones ("smp" may mean "sampai").
INFORMAL = {
    "tdk": "tidak",
    "ga": "tidak",
    "gak": "tidak",
    "nggak": "tidak",
    "ngga": "tidak",
    "enggak": "tidak",
    "blm": "belum",
    "sdh": "sudah",
    "udh": "sudah",
    "udah": "sudah",
    "jln": "jalan",
    "bgt": "banget",
    "yg": "yang",
    "dgn": "dengan",
    "krn": "karena",
    "rmh": "rumah",
    "tlg": "tolong",
    "bnyk": "banyak",
    "dkt": "dekat",
    "skrg": "sekarang",
    "lg": "lagi",
    "org": "orang",
    "dr": "dari",
    "utk": "untuk",
    "sy": "saya",
    "kmrn": "kemarin",
    "ngalir": "mengalir",
    "nyala": "menyala",
    "klp": "kelompok",
    "ket": "keterangan",
    "pdm": "pdam",
    "mampat": "mampet",
    "gmn": "bagaimana",
    "gimana": "bagaimana",
    "bgmn": "bagaimana",
    "min": "admin",
    "mhn": "mohon",
    "trs": "terus",
    "sgr": "segera",
    "dpn": "depan",
    "blkg": "belakang",
    "bnr": "benar",
    "kmi": "kami",
    "tp": "tapi",
    "tpi": "tapi",
    "jg": "juga",
    "sampe": "sampai",
    "kalo": "kalau",
    "gk": "tidak",
    "tak": "tidak",
    "lampunya": "lampu",
    "airnya": "air",
    "jalannya": "jalan",
    "sampahnya": "sampah",
    "listriknya": "listrik",
    # Banjar words people write in Banjarmasin.
    "banyu": "air",
    "kada": "tidak",
    "ulun": "saya",
    "pian": "anda",
    "banar": "sekali",
    "kayapa": "bagaimana",
    "wayah": "waktu",
    "bubuhan": "orang",
    "rumahku": "rumah",
    "hanyar": "baru",
}

_WORD = re.compile(r"[a-z0-9]+")
# A phrase never runs across these: "pju mati, lampu jalan" holds no "mati lampu".
_BREAK = re.compile(r"[,;:!?()\n\[\]]|\.(?=\s|$)")
# "anak2" is the informal "anak-anak": keep the word once.
_REDUPLICATION = re.compile(r"(?<=[a-z])2(?![0-9])")


def _folded(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return _REDUPLICATION.sub(" ", folded) if "2" in folded else folded


def tokens(text: str) -> list[str]:
    """The words of a text, normalised for matching."""
    return [INFORMAL.get(word, word) for word in _WORD.findall(_folded(text))]


def segments(text: str) -> list[list[str]]:
    """The words of a text, cut at punctuation that ends a clause (`tokens` of each clause).

    The clauses are folded in one pass, joined by a line break (itself a clause break, so no
    clause holds one; folding and the reduplication rule never reach across it).
    """
    clauses = _folded("\n".join(_BREAK.split(text))).split("\n")
    found = ([INFORMAL.get(w, w) for w in _WORD.findall(clause)] for clause in clauses)
    return [words for words in found if words]
