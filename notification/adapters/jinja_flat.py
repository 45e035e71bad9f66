"""A template that is only text and values, rendered by joining its pieces (issue F3)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from jinja2 import Template, nodes
from jinja2.utils import _PassArg
from markupsafe import escape

Piece = str | tuple[str, Callable[[Any], Any] | None]  # text, or a name and its filter


def escaped(value: object) -> str:
    """The value as HTML text: what `markupsafe.escape` gives, a plain string's without the
    `Markup` object (joined into a page, the text is the same)."""
    if type(value) is not str:
        return escape(value)
    return (
        value.replace("&", "&amp;")
        .replace(">", "&gt;")
        .replace("<", "&lt;")
        .replace("'", "&#39;")
        .replace('"', "&#34;")
    )


class Flat:
    """A template whose top level is only text, `{{ name }}` and `{{ name | filter }}` (the
    e-mail's layout): its pieces taken once, each render a join of the text and the values,
    escaped as Jinja escapes them, without the generator, context and look-ups of Jinja's
    render. A test renders the layout both ways and finds the same text."""

    __slots__ = ("autoescape", "globals", "names", "pieces")

    def __init__(self, pieces: list[Piece], autoescape: bool, globals: Mapping[str, Any]) -> None:
        self.pieces = pieces
        self.autoescape = autoescape
        self.globals = dict(globals)
        self.names = frozenset(piece[0] for piece in pieces if not isinstance(piece, str))

    @classmethod
    def of(cls, template: Template) -> Flat | None:
        """The flat pieces, or None for a template with anything else (tags, expressions,
        filters that need the context, a `finalize`)."""
        env = template.environment
        if template.blocks or env.loader is None or env.finalize is not None:
            return None
        source = env.loader.get_source(env, template.name or "")[0]
        pieces: list[Piece] = []
        for node in env.parse(source, template.name, template.filename).body:
            if not isinstance(node, nodes.Output):
                return None
            for child in node.nodes:
                piece = _piece(child, env.filters)
                if piece is None:
                    return None
                pieces.append(piece)
        autoescape = nodes.EvalContext(env, template.name).autoescape
        return cls(pieces, autoescape, template.globals)

    def render(self, values: Mapping[str, object]) -> str | None:
        """The template's text (what `Template.render` gives), or None when a name is missing
        (Jinja's render then says what is undefined)."""
        found = {**self.globals, **values}
        if not self.names <= found.keys():
            return None
        out = []
        for piece in self.pieces:
            if isinstance(piece, str):
                out.append(piece)
                continue
            value = found[piece[0]] if piece[1] is None else piece[1](found[piece[0]])
            out.append(escaped(value) if self.autoescape else str(value))
        return "".join(out)


def _piece(node: nodes.Node, filters: Mapping[str, Callable[..., Any]]) -> Piece | None:
    """Text, a name, or a name through a filter that takes only the value; None: other."""
    if isinstance(node, nodes.TemplateData):
        return node.data
    if isinstance(node, nodes.Name) and node.ctx == "load":
        return (node.name, None)
    if not isinstance(node, nodes.Filter) or not isinstance(node.node, nodes.Name):
        return None
    if node.args or node.kwargs or node.dyn_args or node.dyn_kwargs:
        return None
    found = filters.get(node.name)
    if found is None or _PassArg.from_obj(found) is not None:
        return None
    return (node.node.name, found)
