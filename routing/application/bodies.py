"""The bodies routing may dispose to, from the project's directory."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property

from routing.domain.errors import UnknownBody
from shared import directory


@dataclass(frozen=True)
class BodyDirectory:
    """Body names by code, and the admin's code (triage is never an automatic target)."""

    names: Mapping[str, str]
    triage_code: str
    parents: Mapping[str, str] = field(default_factory=dict)

    @classmethod
    def from_shared(cls, triage_code: str) -> BodyDirectory:
        """The directory of `shared.directory` (41 SKPD and the outside bodies)."""
        names = {body.code: body.name for body in directory.bodies()}
        if triage_code not in names:
            raise ValueError(f"triage code {triage_code!r} is not in the directory")
        parents = {code: directory.escalation_target(code) for code in names}
        return cls(names, triage_code, parents)

    def escalation_target(self, refused: Sequence[str]) -> str:
        """Where a report refused by these bodies (in order) goes up: the first one's parent that
        did not refuse it too, else the admin."""
        for code in refused:
            target = self.parents.get(code, self.triage_code)
            if target not in refused:
                return target
        return self.triage_code

    def name(self, code: str) -> str:
        """The name of a body, or UnknownBody."""
        try:
            return self.names[code]
        except KeyError:
            raise UnknownBody(code) from None

    @cached_property
    def routable(self) -> frozenset[str]:
        """The bodies routing may choose by itself: all but the admin (found once)."""
        return frozenset(code for code in self.names if code != self.triage_code)
