"""Trigger expressions: when a rule applies, as a small checked language over profile facts.

A trigger is a Python-syntax boolean expression restricted to:

* fact names (``genai``, ``poa``) of boolean facts;
* ``'chat' in features`` / ``'chat' not in features`` for set facts, the literal checked
  against the set's members;
* ``model_source == 'fine_tuned'``, ``model_source in ('a', 'b')`` for enum facts;
* ``pi_individuals >= 1000000`` (``<``, ``<=``, ``>``, ``>=``, ``==``, ``!=``) for integer facts;
* ``and``, ``or``, ``not`` and parentheses.

Expressions are parsed with :mod:`ast` and every node is checked against the fact vocabulary when
the knowledge base loads, so a typo in a data file fails a test instead of silently never
matching. Evaluation returns the atoms that made the expression true: the "why" of a scope result.
"""

from __future__ import annotations

import ast
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

__all__ = ["FactSpec", "FactType", "FactValue", "Outcome", "Trigger", "compile_trigger"]

FactValue = bool | int | str | frozenset[str]


class FactType(StrEnum):
    """The type of a profile fact."""

    BOOL = "bool"
    INT = "int"
    ENUM = "enum"
    SET = "set"


@dataclass(frozen=True, slots=True)
class FactSpec:
    """A fact about a service that triggers can test."""

    name: str
    type: FactType
    description: str
    members: frozenset[str] = frozenset()
    """Allowed values for enum and set facts."""
    profile_field: str | None = None
    """Where the value comes from in ``hegui.yaml`` (``service.genai``), for direct facts."""
    rule: str | None = None
    """How a derived fact is computed, in English."""
    basis: str | None = None
    """The legal basis of the derivation rule (``SA Art. 2``)."""


@dataclass(frozen=True, slots=True)
class Outcome:
    """The result of evaluating a trigger."""

    value: bool
    because: tuple[str, ...]
    """The atoms that decided the result (those that were true, when ``value`` is true)."""


_COMPARE_OPS: dict[type[ast.cmpop], str] = {
    ast.Eq: "==",
    ast.NotEq: "!=",
    ast.Lt: "<",
    ast.LtE: "<=",
    ast.Gt: ">",
    ast.GtE: ">=",
    ast.In: "in",
    ast.NotIn: "not in",
}


class Trigger:
    """A compiled, checked trigger expression."""

    __slots__ = ("_tree", "facts_used", "source")

    def __init__(self, source: str, tree: ast.expr, facts_used: frozenset[str]) -> None:
        self.source = source
        self._tree = tree
        self.facts_used = facts_used

    def __repr__(self) -> str:
        return f"Trigger({self.source!r})"

    def evaluate(self, facts: Mapping[str, FactValue]) -> Outcome:
        """Evaluate against fact values; every fact the expression names must be present."""
        return _eval(self._tree, facts)


def compile_trigger(source: str, vocabulary: Mapping[str, FactSpec]) -> Trigger:
    """Parse and check ``source`` against ``vocabulary``.

    Raises:
        ValueError: the expression is not valid syntax, uses an unknown fact, an unsupported
            construct, or a literal that is not a member of the fact's allowed values.
    """
    try:
        tree = ast.parse(source.strip(), mode="eval").body
    except SyntaxError as exc:
        raise ValueError(f"trigger {source!r} is not a valid expression: {exc.msg}") from exc
    used: set[str] = set()
    _check_bool(tree, vocabulary, used, source)
    return Trigger(source, tree, frozenset(used))


def _fail(source: str, node: ast.AST, problem: str) -> ValueError:
    return ValueError(f"trigger {source!r}: {problem} (at {ast.unparse(node)!r})")


def _spec(node: ast.AST, vocabulary: Mapping[str, FactSpec], source: str) -> FactSpec:
    if not isinstance(node, ast.Name):
        raise _fail(source, node, "expected a fact name")
    spec = vocabulary.get(node.id)
    if spec is None:
        import difflib

        close = difflib.get_close_matches(node.id, list(vocabulary), n=3)
        hint = f"; did you mean {', '.join(close)}?" if close else ""
        raise _fail(source, node, f"unknown fact {node.id!r}{hint}")
    return spec


def _string(node: ast.AST, source: str) -> str:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    raise _fail(source, node, "expected a quoted string")


def _check_bool(
    node: ast.AST, vocabulary: Mapping[str, FactSpec], used: set[str], source: str
) -> None:
    if isinstance(node, ast.BoolOp):
        for value in node.values:
            _check_bool(value, vocabulary, used, source)
    elif isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
        _check_bool(node.operand, vocabulary, used, source)
    elif isinstance(node, ast.Name):
        spec = _spec(node, vocabulary, source)
        if spec.type is not FactType.BOOL:
            raise _fail(source, node, f"{spec.name} is a {spec.type} fact; compare it explicitly")
        used.add(spec.name)
    elif isinstance(node, ast.Compare):
        _check_compare(node, vocabulary, used, source)
    else:
        raise _fail(source, node, "unsupported construct; use facts, comparisons, and/or/not")


def _check_compare(
    node: ast.Compare, vocabulary: Mapping[str, FactSpec], used: set[str], source: str
) -> None:
    if len(node.ops) != 1:
        raise _fail(source, node, "chained comparisons are not supported")
    op, left, right = node.ops[0], node.left, node.comparators[0]
    if type(op) not in _COMPARE_OPS:
        raise _fail(source, node, "unsupported comparison operator")
    if isinstance(op, ast.In | ast.NotIn) and isinstance(right, ast.Name):
        spec = _spec(right, vocabulary, source)
        if spec.type is not FactType.SET:
            raise _fail(source, node, f"{spec.name} is not a set fact")
        member = _string(left, source)
        if member not in spec.members:
            raise _fail(
                source, node, f"{member!r} is not one of {spec.name}: {sorted(spec.members)}"
            )
        used.add(spec.name)
        return
    spec = _spec(left, vocabulary, source)
    used.add(spec.name)
    if spec.type is FactType.ENUM:
        if isinstance(op, ast.In | ast.NotIn):
            if not isinstance(right, ast.Tuple | ast.List | ast.Set):
                raise _fail(source, node, "expected a tuple of quoted values")
            values = [_string(elt, source) for elt in right.elts]
        elif isinstance(op, ast.Eq | ast.NotEq):
            values = [_string(right, source)]
        else:
            raise _fail(source, node, f"{spec.name} is an enum; use ==, !=, in or not in")
        for value in values:
            if value not in spec.members:
                raise _fail(
                    source, node, f"{value!r} is not one of {spec.name}: {sorted(spec.members)}"
                )
    elif spec.type is FactType.INT:
        if isinstance(op, ast.In | ast.NotIn):
            raise _fail(source, node, f"{spec.name} is a number; use <, <=, >, >=, ==, !=")
        if not (
            isinstance(right, ast.Constant)
            and isinstance(right.value, int)
            and not isinstance(right.value, bool)
        ):
            raise _fail(source, node, "expected an integer literal on the right")
    else:
        raise _fail(source, node, f"{spec.name} is a {spec.type} fact and cannot be compared")


def _eval(node: ast.expr, facts: Mapping[str, FactValue]) -> Outcome:
    if isinstance(node, ast.BoolOp):
        outcomes = [_eval(v, facts) for v in node.values]
        if isinstance(node.op, ast.And):
            if all(o.value for o in outcomes):
                return Outcome(True, tuple(a for o in outcomes for a in o.because))
            return Outcome(False, tuple(a for o in outcomes if not o.value for a in o.because))
        true = [o for o in outcomes if o.value]
        if true:
            return Outcome(True, tuple(a for o in true for a in o.because))
        return Outcome(False, tuple(a for o in outcomes for a in o.because))
    if isinstance(node, ast.UnaryOp):
        inner = _eval(node.operand, facts)
        return Outcome(not inner.value, tuple(f"not ({a})" for a in inner.because))
    if isinstance(node, ast.Name):
        value = bool(facts[node.id])
        return Outcome(value, (node.id,))
    assert isinstance(node, ast.Compare)  # guaranteed by compile_trigger
    op, left, right = node.ops[0], node.left, node.comparators[0]
    text = ast.unparse(node)
    if isinstance(op, ast.In | ast.NotIn) and isinstance(right, ast.Name):
        member = ast.literal_eval(left)
        container = facts[right.id]
        assert isinstance(container, frozenset)
        hit = member in container
        return Outcome(hit if isinstance(op, ast.In) else not hit, (text,))
    assert isinstance(left, ast.Name)
    actual = facts[left.id]
    expected = ast.literal_eval(right)
    result: bool
    match op:
        case ast.In():
            result = actual in expected
        case ast.NotIn():
            result = actual not in expected
        case ast.Eq():
            result = actual == expected
        case ast.NotEq():
            result = actual != expected
        case ast.Lt():
            result = actual < expected
        case ast.LtE():
            result = actual <= expected
        case ast.Gt():
            result = actual > expected
        case ast.GtE():
            result = actual >= expected
        case _:
            raise AssertionError(op)
    if isinstance(actual, int) and not isinstance(actual, bool):
        text = f"{text} (= {actual:,})"
    return Outcome(result, (text,))
