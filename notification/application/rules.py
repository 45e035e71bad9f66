"""Who hears of which case event, with which template: the rules as data."""

from __future__ import annotations

from collections.abc import Mapping

from shared.contracts import CaseEvent

REPORTER = "reporter"
SKPD = "skpd"
ADMIN = "admin"
OFFICER = "officer"  # the officer a case is assigned to

Rule = tuple[str, str]  # (audience, template)

RULES: Mapping[str, tuple[Rule, ...]] = {
    "CaseOpened": ((REPORTER, "case_opened"),),
    "CaseHeld": ((REPORTER, "case_held"),),
    "CaseArchived": ((REPORTER, "case_archived"),),
    "CaseLinkedAsDuplicate": ((REPORTER, "case_linked_as_duplicate"),),
    "CaseDisposed": ((REPORTER, "case_disposed"), (SKPD, "skpd_new_report")),
    "CaseEscalated": ((REPORTER, "case_escalated"), (ADMIN, "admin_escalated")),
    "FollowUpPosted": ((REPORTER, "follow_up_posted"),),
    "CaseResolved": ((REPORTER, "case_resolved"),),
    "CaseClosed": ((REPORTER, "case_closed"),),
    "CaseStatusRequested": ((REPORTER, "case_status"),),
    "ReporterReplied": ((SKPD, "skpd_reporter_replied"),),
    "CaseRated": ((SKPD, "skpd_case_rated"),),
    "CaseAssigned": ((OFFICER, "case_assigned"),),
    "CaseHidden": ((REPORTER, "case_hidden"),),
    "CaseShown": ((REPORTER, "case_shown"),),
    "CaseCorrected": ((REPORTER, "case_corrected"),),
}

# Deadlines by step: the admin owns verification, the body its follow-up and resolution, the
# reporter the reply window before the auto-close.
DEADLINES: Mapping[tuple[str, str], tuple[Rule, ...]] = {
    ("DeadlineApproaching", "verifikasi-disposisi"): ((ADMIN, "admin_deadline_approaching"),),
    ("DeadlineApproaching", "tindak-lanjut-pertama"): ((SKPD, "skpd_deadline_approaching"),),
    ("DeadlineApproaching", "penyelesaian"): ((SKPD, "skpd_deadline_approaching"),),
    ("DeadlineApproaching", "tanggapan"): ((REPORTER, "reply_reminder"),),
    ("DeadlineMissed", "verifikasi-disposisi"): ((ADMIN, "admin_deadline_missed"),),
    ("DeadlineMissed", "tindak-lanjut-pertama"): (
        (SKPD, "skpd_deadline_missed"),
        (ADMIN, "admin_deadline_missed"),
    ),
    ("DeadlineMissed", "penyelesaian"): (
        (SKPD, "skpd_deadline_missed"),
        (ADMIN, "admin_deadline_missed"),
    ),
    ("DeadlineMissed", "tanggapan"): (),  # the auto-close (CaseClosed) tells the reporter
}

DEADLINE_EVENTS = frozenset({"DeadlineApproaching", "DeadlineMissed"})
"""Events whose `step` chooses the rule (CaseEscalated names a step too, as its cause)."""

# The answer to a message the reporter has just sent goes at once, even in quiet hours.
IMMEDIATE = frozenset(
    {"CaseOpened", "CaseHeld", "CaseArchived", "CaseLinkedAsDuplicate", "CaseStatusRequested"}
)

# Reporters of linked duplicates hear when the original moves.
ORIGINAL_MOVES = frozenset({"CaseDisposed", "FollowUpPosted", "CaseResolved", "CaseClosed"})
DUPLICATE_TEMPLATE = "duplicate_original_moved"

# The admin's queues: entered and left.
WAITS = {"CaseAwaitingTriage": "triage", "CaseHeld": "held"}
LEAVES = frozenset({"CaseDisposed", "CaseArchived", "CaseLinkedAsDuplicate", "CaseClosed"})

ADMIN_TEMPLATES = ("admin_waiting", "admin_digest", "admin_gave_up")


def rules_for(event: CaseEvent) -> tuple[Rule, ...]:
    """Who hears of this event and with which template (empty: nobody)."""
    kind = event.event_type
    step = getattr(event, "step", None) if kind in DEADLINE_EVENTS else None  # (a miss is slow)
    if isinstance(step, str):
        known = DEADLINES.get((kind, step))
        rules = _unknown_step(event) if known is None else known
    else:
        rules = RULES.get(kind, ())
    if event.skpd_code is None:  # a body's message needs a body
        rules = tuple(rule for rule in rules if rule[0] != SKPD)
    return rules


def _unknown_step(event: CaseEvent) -> tuple[Rule, ...]:
    approaching = event.event_type == "DeadlineApproaching"
    if event.skpd_code:
        kind = "approaching" if approaching else "missed"
        skpd: tuple[Rule, ...] = ((SKPD, f"skpd_deadline_{kind}"),)
        return skpd if approaching else (*skpd, (ADMIN, "admin_deadline_missed"))
    return ((ADMIN, "admin_deadline_approaching" if approaching else "admin_deadline_missed"),)
