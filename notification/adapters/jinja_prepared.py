"""A message template's render state taken once, and its parts compiled apart (issue F3)."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Any

from jinja2 import Template, nodes
from jinja2.runtime import Context, Macro

REQUIRED = ("subject", "body")
OPTIONAL = ("short", "public")
PARTS = (*REQUIRED, *OPTIONAL)


class _Prepared:
    """One template's render state that is the same on every render, taken once.

    Jinja's `make_module` and `render` build it anew each time (the globals copied into a new
    context, an evaluation context asking the autoescape rule for the name, the globals' key
    set, the blocks' lists, a module object for the exported names): for a template without
    blocks, whose evaluation context nothing changes, the render needs only a fresh parent
    mapping, the variables it sets and the names it exports. A test renders every template
    both ways and finds the same text.

    With `parts`, the template is compiled again with only those parts' `{% set %}` blocks and
    the imports they use: a message on one channel renders the two parts it sends, not all
    four. Each part's block is the same tree as in the whole template, so it renders the same
    text; a template whose top level holds anything else renders whole. The macros its
    `{% from %}` tags import are bound once, not imported on each render (`_bind_imports`).
    """

    __slots__ = (
        "blank",
        "bound",
        "environment",
        "eval_ctx",
        "globals",
        "globals_keys",
        "name",
        "root",
    )

    def __init__(
        self,
        template: Template,
        blank: Collection[str] = (),
        bound: Mapping[str, Any] | None = None,
    ) -> None:
        self.root = template.root_render_func
        self.name = template.name
        self.environment = template.environment
        self.globals = dict(template.globals)
        self.globals_keys = frozenset(template.globals)
        self.eval_ctx = nodes.EvalContext(template.environment, template.name)
        self.blank = dict.fromkeys(blank, "")  # the parts left out, as a missing part reads
        self.bound = dict(bound or {})  # imported macros, bound once: over the values, as an import

    @classmethod
    def of(cls, template: Template, parts: Collection[str] | None = None) -> _Prepared | None:
        """The prepared state (of the given parts only, where the template allows), or None
        for a template that needs Jinja's own way (blocks, inheritance, or a tag that changes
        the evaluation context while it renders)."""
        env = template.environment
        if template.blocks or template.filename is None or env.loader is None:
            return None
        source = env.loader.get_source(env, template.name or "")[0]
        tree = env.parse(source, template.name, template.filename)
        if any(True for _ in tree.find_all((nodes.EvalContextModifier, nodes.Extends))):
            return None
        pruned = None if parts is None else _pruned(tree, frozenset(parts))
        bound = _bind_imports(pruned or tree, template)
        if pruned is None and bound is None:
            return cls(template)
        lean = pruned or tree
        lean.set_environment(env)
        code = env.compile(lean, template.name, template.filename)
        alone = env.template_class.from_code(env, code, template.globals)
        blank = [part for part in PARTS if pruned and parts and part not in parts]
        return cls(alone, blank=blank, bound=bound)

    def context(self, values: Mapping[str, object]) -> Context:
        """A new context with these values over the globals (what `new_context` gives)."""
        return _LeanContext(self, {**self.globals, **values, **self.bound})

    def exported(self, values: Mapping[str, object]) -> dict[str, Any]:
        """Run the template; the names its top level sets and exports (what its module holds),
        the parts left out as empty."""
        context = self.context(values)
        for _ in self.root(context):  # the text outside the `{% set %}` blocks is not used
            pass
        return {**self.blank, **context.get_exported()}

    def render(self, values: Mapping[str, object]) -> str:
        """The template's text (what `Template.render` gives)."""
        try:
            return self.environment.concat(self.root(self.context(values)))  # type: ignore[attr-defined]
        except Exception:
            self.environment.handle_exception()
            raise  # handle_exception raises; for the type checker


def _pruned(tree: nodes.Template, parts: frozenset[str]) -> nodes.Template | None:
    """The tree with only the wanted parts' blocks and the imported names they use; None when
    the top level holds more than imports, part blocks and text, when a required part is not
    set there, or when a block reads a part."""
    imports: list[nodes.FromImport] = []
    blocks: list[nodes.AssignBlock] = []
    found = set()
    for node in tree.body:
        part = _part_of(node)
        if isinstance(node, nodes.FromImport):
            imports.append(node)
        elif isinstance(node, nodes.AssignBlock) and part is not None:
            found.add(part)
            blocks += [node] if part in parts else []
        elif not (isinstance(node, nodes.Output) and _text_only(node)):
            return None  # the text outside the parts is never used
    used = {n.name for block in blocks for n in block.find_all(nodes.Name) if n.ctx == "load"}
    if not found.issuperset(REQUIRED) or used.intersection(PARTS):
        return None
    kept = [_imported(node, used) for node in imports]
    body: list[nodes.Node] = [node for node in kept if node.names]
    return nodes.Template(body + blocks, lineno=1)


def _bind_imports(tree: nodes.Template, template: Template) -> dict[str, Any] | None:
    """The macros the top-level `{% from ... import %}` tags import, bound once and their tags
    taken out of the tree (None: none). Each render's import finds the same object: the
    partial's default module, built once, as the partial has no global the template lacks.
    A call whose text depends on nothing but its constant arguments (`pantau()`) becomes that
    text."""
    bound: dict[str, Any] = {}
    pure: set[str] = set()
    kept = []
    for node in tree.body:
        names = _imported_names(node, template)
        if names is None:
            kept.append(node)
            continue
        for alias, (macro, constant) in names.items():
            bound[alias] = macro
            pure.update([alias] if constant else [])
    if not bound:
        return None
    tree.body = kept
    if not nodes.EvalContext(template.environment, template.name).autoescape:
        assigned = {n.name for n in tree.find_all(nodes.Name) if n.ctx != "load"}
        for output in tree.find_all(nodes.Output):
            output.nodes = [_folded(n, bound, pure - assigned) for n in output.nodes]
    return bound


def _imported_names(node: nodes.Node, template: Template) -> dict[str, tuple[Any, bool]] | None:
    """What a `{% from "partial" import name %}` tag binds, as Jinja's import finds it on each
    render, and whether each macro is pure; None for any other tag, or an import that may find
    something else."""
    if not isinstance(node, nodes.FromImport) or node.with_context:
        return None
    if not isinstance(node.template, nodes.Const) or not isinstance(node.template.value, str):
        return None
    env = template.environment
    partial = env.get_template(node.template.value, template.name)
    if not set(template.globals) <= set(partial.globals) or env.loader is None:
        return None  # Jinja would build a module with the extra globals on each render
    module = partial._get_default_module()
    source = env.loader.get_source(env, partial.name or "")[0]
    trees = {m.name: m for m in env.parse(source).find_all(nodes.Macro)}
    found = {}
    for entry in node.names:
        name, alias = entry if isinstance(entry, tuple) else (entry, entry)
        macro = getattr(module, name, None)
        if not isinstance(macro, Macro) or name not in trees:
            return None
        found[alias] = (macro, _pure(trees[name], partial))
    return found


def _folded(node: nodes.Expr, bound: dict[str, Any], constant: set[str]) -> nodes.Expr:
    """A call of a pure macro with constant arguments, as its text."""
    if not (isinstance(node, nodes.Call) and isinstance(node.node, nodes.Name)):
        return node
    if node.node.name not in constant or node.dyn_args or node.dyn_kwargs:
        return node
    args, kwargs = node.args, node.kwargs
    if not all(isinstance(a, nodes.Const) for a in (*args, *(k.value for k in kwargs))):
        return node
    values = {k.key: k.value.value for k in kwargs}  # type: ignore[attr-defined]
    try:
        text = bound[node.node.name](*(a.value for a in args), **values)  # type: ignore[attr-defined]
    except Exception:
        return node  # left to fail (or not) when it renders, as before
    return nodes.Const(text, lineno=node.lineno) if type(text) is str else node


PURE = (nodes.Macro, nodes.Output, nodes.TemplateData, nodes.Name, nodes.Const, nodes.CondExpr)


def _pure(macro: nodes.Macro, partial: Template) -> bool:
    """Whether a macro's text depends on its arguments alone: its body only outputs text,
    constants, its parameters, string globals and choices between them."""
    params = {arg.name for arg in macro.args}
    for node in macro.find_all(nodes.Node):
        if not isinstance(node, PURE):
            return False
        if not isinstance(node, nodes.Name) or node.ctx != "load" or node.name in params:
            continue
        if not isinstance(partial.globals.get(node.name), str):
            return False
    return True


def _part_of(node: nodes.Node) -> str | None:
    """The part a top-level `{% set part %}...{% endset %}` block sets (None: not one)."""
    if isinstance(node, nodes.AssignBlock) and node.filter is None:
        target = node.target
        if isinstance(target, nodes.Name) and target.name in PARTS:
            return target.name
    return None


def _text_only(node: nodes.Output) -> bool:
    return all(isinstance(child, nodes.TemplateData) for child in node.nodes)


def _imported(node: nodes.FromImport, used: set[str]) -> nodes.FromImport:
    """The import with only the names the kept blocks use (an alias by the name it binds)."""
    names = [n for n in node.names if (n[1] if isinstance(n, tuple) else n) in used]
    return nodes.FromImport(node.template, names, node.with_context, lineno=node.lineno)


class _LeanContext(Context):
    """Jinja's context, its fixed parts shared from the prepared template instead of built."""

    def __init__(self, prepared: _Prepared, parent: dict[str, Any]) -> None:
        self.parent = parent
        self.vars = {}
        self.environment = prepared.environment
        self.eval_ctx = prepared.eval_ctx
        self.exported_vars = set()
        self.name = prepared.name
        self.globals_keys = prepared.globals_keys  # type: ignore[assignment]
        self.blocks = {}
