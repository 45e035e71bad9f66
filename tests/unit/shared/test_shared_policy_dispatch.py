"""A batch's message reaches the handler its application's `singledispatchmethod` chooses."""

from __future__ import annotations

from functools import singledispatchmethod
from typing import Any

from shared.processing import _handler


class Base:
    @singledispatchmethod
    def policy(self, message: Any, batch: Any) -> str:
        return "ignored"

    @policy.register
    def _(self, message: int, batch: Any) -> str:
        return f"int {message} {batch}"

    @policy.register
    def _(self, message: Exception, batch: Any) -> str:
        return f"error {type(message).__name__}"

    def wanted(self, message: Any) -> list[str]:
        return [f"plain {message}"]


class Plain(Base):
    def policy(self, message: Any, batch: Any) -> str:  # type: ignore[override]
        return "plain " + str(super().policy(message, batch))


def test_each_message_class_reaches_the_handler_singledispatch_chooses() -> None:
    app = Base()
    for message in (3, True, "text", ValueError("x"), KeyError("y"), 3, "text"):
        assert _handler(app, "policy", message)(message, "b") == app.policy(message, "b")


def test_a_plain_method_and_one_set_on_the_instance_are_called_as_attributes() -> None:
    assert _handler(Plain(), "policy", 3)(3, "b") == "plain int 3 b"
    app = Base()
    app.policy = lambda message, batch: "own"  # type: ignore[method-assign]
    assert _handler(app, "policy", 3)(3, "b") == "own"
    assert _handler(Base(), "wanted", 3)(3) == ["plain 3"]


def test_a_message_is_dispatched_on_the_class_it_says_it_has() -> None:
    class Posing:
        @property  # type: ignore[misc]
        def __class__(self) -> type:  # as a spec'd mock says
            return int

    posing = Posing()
    assert _handler(Base(), "policy", posing)(posing, "b") == Base().policy(posing, "b")
