"""The router the service and `lapor route` share: rules where certain, the model elsewhere.

A duty of the lexicon (an official's integrity, an institution's fee, a person in need on the
street, a question about the complaint service) decides first, before any sector word. Otherwise,
for each report the keyword rules (the lexicon) and the calibrated model each give every body a
share; the citizen's category adds a strong hint. The blend decides the body and the confidence.
The method says what carried the decision: `rule` (a phrase only that body answers for, and no
other body's), `location` (a kelurahan or kecamatan service, sent to the kecamatan where the
report is), else `model`. Below the threshold the best body is named but the admin decides.
A second body with its own certain phrase in a clause of its own is named in `also`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from itertools import islice

from routing.adapters.blend import Blend, Blended, Blender
from routing.adapters.duties import Duties, Duty
from routing.adapters.keyword_router import Evidence, KeywordRouter
from routing.adapters.lexicon import AREA
from routing.adapters.model import TextModel
from routing.adapters.reading import Reading
from routing.domain.router import Candidate, RoutableReport, RoutingDecision
from shared.directory import CITY_ADMIN

FALLBACK_AREA = "BAGIAN-PEMERINTAHAN"
DUTY_CONFIDENCE = 0.97
# Fewer known words than this share (in a report of MIN_WORDS words or more): out of scope.
MIN_KNOWN = 0.3
MIN_WORDS = 4


class HybridRouter:
    """Rules, model, category and location, blended into one decision per report."""

    def __init__(
        self,
        model: TextModel,
        keywords: KeywordRouter | None = None,
        *,
        threshold: float | None = None,
        blend: Blend | None = None,
        max_candidates: int = 5,
        excluded_also: frozenset[str] = frozenset({CITY_ADMIN}),
        duties: Duties | None = None,
    ) -> None:
        self.model = model
        self.keywords = keywords or KeywordRouter()
        self.duties = duties or Duties()
        self.threshold = model.threshold if threshold is None else threshold
        self.blend = blend or Blend()
        self._max_candidates = max_candidates
        self._blender = Blender(model.classes, self.blend, keep=max_candidates)
        self._excluded_also = excluded_also

    def route(self, report: RoutableReport) -> RoutingDecision:
        """The decision for one report."""
        return self.route_many([report])[0]

    def route_many(self, reports: Sequence[RoutableReport]) -> list[RoutingDecision]:
        """Decisions for many reports (each read once; the model reads them in one batch, and
        their blends are divided and ranked as one array)."""
        readings = [Reading.of(r) for r in reports]
        rows = self.model.calibrated([r.normalised for r in readings])
        evidence = [self.keywords.evidence_in(r.title_clauses, r.text_clauses) for r in readings]
        blends = self._blender.many(rows, evidence, [r.report.category for r in readings])
        return [self._decide(*each) for each in zip(readings, blends, evidence, strict=True)]

    def _decide(
        self, reading: Reading, blended: Blended, evidence: Mapping[str, Evidence]
    ) -> RoutingDecision:
        ranked = blended.ranked
        present = self.duties.present(reading.title_words, reading.text_words)
        outside = self._out_of_scope(reading, present)
        if outside is not None:
            return self._to_triage(reading, ranked, f"out-of-scope: {outside}")
        duty = self.duties.find_among(present)
        if duty is not None:
            return self._by_duty(reading, duty, ranked)
        best, confidence = ranked[0]
        code, method, reason = self._body(reading, best, evidence)
        # The confidence is that of the primary body alone: which of two bodies a report needs
        # leads is itself uncertain, and a wrong primary must not be routed unseen.
        also = self._also(best, blended.evidenced, evidence)
        triage = confidence < self.threshold or (code == FALLBACK_AREA and best == AREA)
        if triage:
            reason = f"keyakinan {confidence:.2f} di bawah ambang {self.threshold:.2f}; {reason}"
            also = ()
        return RoutingDecision(
            code,
            round(min(max(confidence, 0.0), 1.0), 4),
            reason,
            self._candidates(reading, ranked),
            method,
            also,
            triage,
        )

    def _out_of_scope(self, reading: Reading, present: frozenset[tuple[str, ...]]) -> str | None:
        """Why the report is far from anything the router knows, or None."""
        share, words = self.model.known_share_of(reading.title_words + reading.text_words)
        if words >= MIN_WORDS and share < MIN_KNOWN:
            return f"hanya {share:.0%} kata yang dikenal model"
        place = self.duties.elsewhere_among(present)
        if place is not None and reading.area is None:
            return f"di luar Kota Banjarmasin ({place})"
        return None

    def _to_triage(
        self, reading: Reading, ranked: Sequence[tuple[str, float]], reason: str
    ) -> RoutingDecision:
        """The admin decides; the best body is still named."""
        best, confidence = ranked[0]
        code, share = self._resolve(reading, best), round(min(max(confidence, 0.0), 1.0), 4)
        return RoutingDecision(
            code, share, reason, self._candidates(reading, ranked), "model", (), True
        )

    def _candidates(
        self, reading: Reading, ranked: Sequence[tuple[str, float]]
    ) -> tuple[Candidate, ...]:
        top = ranked[: self._max_candidates]
        return tuple(Candidate(self._resolve(reading, c), round(s, 3)) for c, s in top)

    def _by_duty(
        self, reading: Reading, duty: Duty, ranked: Sequence[tuple[str, float]]
    ) -> RoutingDecision:
        """The duty's body, sure as a rule; the blend's bodies follow as candidates."""
        top = (item for item in ranked if item[0] != duty.code)
        others = [
            Candidate(self._resolve(reading, c), round(s, 3))
            for c, s in islice(top, max(self._max_candidates - 1, 0))
        ]
        candidates = (Candidate(duty.code, DUTY_CONFIDENCE), *others)[: self._max_candidates]
        reason = f"kewajiban ({duty.rule}): {', '.join(duty.phrases)}"
        return RoutingDecision(duty.code, DUTY_CONFIDENCE, reason, candidates, "rule")

    def _body(
        self, reading: Reading, best: str, evidence: Mapping[str, Evidence]
    ) -> tuple[str, str, str]:
        """The body, the method that carried it, and why."""
        if best == AREA:
            area = reading.area
            if area is None:
                return (
                    FALLBACK_AREA,
                    "location",
                    "layanan kelurahan/kecamatan, lokasi tidak diketahui",
                )
            return area, "location", f"layanan kelurahan/kecamatan di wilayah {area}"
        found = evidence.get(best)
        rivals = [e for code, e in evidence.items() if code != best and e.certain]
        if found is not None and found.decisive and not any(e.decisive for e in rivals):
            return best, "rule", f"kata kunci kewenangan: {', '.join(found.phrases)}"
        if found is not None and found.certain and not rivals:
            return best, "rule", f"kata kunci: {', '.join(found.phrases)}"
        return best, "model", "model klasifikasi teks"

    def _resolve(self, reading: Reading, code: str) -> str:
        return (reading.area or FALLBACK_AREA) if code == AREA else code

    def _also(
        self, best: str, shares: Mapping[str, float], evidence: Mapping[str, Evidence]
    ) -> tuple[str, ...]:
        """Other bodies the text clearly needs: their own certain phrase, in a clause of its own."""
        primary = evidence.get(best)
        primary_clauses = primary.clauses if primary is not None else set()
        found = [
            e
            for code, e in evidence.items()
            if code not in (best, AREA)
            and code not in self._excluded_also
            and e.certain
            and e.clauses - primary_clauses
            and shares.get(code, 0.0) >= self.blend.also_min
        ]
        found.sort(key=lambda e: (-shares.get(e.code, 0.0), e.code))
        return tuple(e.code for e in found[: self.blend.max_also])
