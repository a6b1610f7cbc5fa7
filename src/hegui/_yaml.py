"""YAML documents that remember where each value came from.

User documents (profiles, policies, lexicons, banks) are validated by pydantic; when a field is
wrong the error must name the file, the line and the field. PyYAML's composer gives every node
a mark, so we build the Python value from the node tree ourselves and keep a map from the
field path (``("service", "modalities", 1)``) to its 1-based line.

Anchors and aliases (``&a`` / ``*a``) are refused: building the value from the node tree would
copy a shared node once per alias, so a few hundred bytes of nested aliases ("billion laughs")
would expand into gigabytes. No hegui document needs them. The number of nodes is capped too
(``MAX_YAML_NODES``); libyaml itself caps nesting at 1,000 levels.
"""

from __future__ import annotations

import types
import typing
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from hegui.errors import ConfigError, ConfigIssue

M = TypeVar("M", bound=BaseModel)

MAX_YAML_NODES = 5_000_000
"""Most nodes (scalars, lists, mappings) one document may hold; a 100,000-term lexicon in YAML
has about 600,000. Pass ``max_nodes`` to :func:`parse_yaml` to change it."""
Loc = tuple[str | int, ...]

_Loader: type = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@dataclass(frozen=True)
class YamlDocument:
    """A parsed YAML document and the line of every value in it."""

    data: object
    path: Path | None = None
    lines: dict[Loc, int] = field(default_factory=dict)

    def line_of(self, loc: Sequence[str | int]) -> int | None:
        """Line of ``loc`` or of its nearest ancestor that has one."""
        key = tuple(loc)
        while key:
            if key in self.lines:
                return self.lines[key]
            key = key[:-1]
        return self.lines.get((), None)


def parse_yaml(
    text: str, path: Path | None = None, *, max_nodes: int = MAX_YAML_NODES
) -> YamlDocument:
    """Parse one YAML document from ``text``.

    Raises:
        ConfigError: the text is not valid YAML, holds several documents, repeats a key, uses
            anchors/aliases, or has more than ``max_nodes`` nodes.
    """
    try:
        node = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        problem = f"not valid YAML: {exc.problem or exc.context}"
        raise ConfigError(
            problem, path=path, line=line, fix="check indentation, quotes and colons"
        ) from exc
    except yaml.YAMLError as exc:
        raise ConfigError(f"not valid YAML: {exc}", path=path) from exc
    if node is None:
        return YamlDocument(None, path, {(): 1})
    lines: dict[Loc, int] = {(): node.start_mark.line + 1}
    data = _Builder(lines, path, max_nodes).build(node, ())
    return YamlDocument(data, path, lines)


def load_yaml(path: Path) -> YamlDocument:
    """Read and parse a YAML file.

    Raises:
        ConfigError: the file is missing, unreadable, not UTF-8, or not valid YAML.
    """
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise ConfigError("file not found", path=path, fix="check the path") from exc
    except UnicodeDecodeError as exc:
        raise ConfigError("file is not UTF-8 text", path=path, fix="save it as UTF-8") from exc
    except OSError as exc:
        raise ConfigError(f"cannot read the file: {exc.strerror}", path=path) from exc
    return parse_yaml(text, path)


_scalars = yaml.constructor.SafeConstructor()


class _Builder:
    """Builds plain values from a node tree, refusing shared nodes and counting them."""

    def __init__(self, lines: dict[Loc, int], path: Path | None, max_nodes: int) -> None:
        self.lines = lines
        self.path = path
        self.max_nodes = max_nodes
        self.seen: set[int] = set()

    def _visit(self, node: yaml.Node, loc: Loc) -> None:
        if id(node) in self.seen:
            # A shared node keeps the anchor's marks; the alias sits where its key (or, in a
            # list, its parent's key) is.
            where = loc[:-1] if loc and isinstance(loc[-1], int) else loc
            raise ConfigError(
                "YAML anchors and aliases (&name / *name) are not supported (the anchor is on "
                f"line {node.start_mark.line + 1})",
                path=self.path,
                line=self.lines.get(where, node.start_mark.line + 1),
                field=_dotted(loc) or None,
                fix="write the value out in full where the alias is used",
            )
        self.seen.add(id(node))
        if len(self.seen) > self.max_nodes:
            raise ConfigError(
                f"the document has more than {self.max_nodes:,} values",
                path=self.path,
                line=node.start_mark.line + 1,
                fix="split it into several files",
            )

    def build(self, node: yaml.Node, loc: Loc) -> object:
        self._visit(node, loc)
        lines, path = self.lines, self.path
        if isinstance(node, yaml.MappingNode):
            out: dict[object, object] = {}
            for key_node, value_node in node.value:
                self._visit(key_node, loc)
                key = _scalars.construct_object(key_node, deep=True)
                if not isinstance(key, str | int):
                    raise ConfigError(
                        f"mapping keys must be plain strings, not {key!r}",
                        path=path,
                        line=key_node.start_mark.line + 1,
                    )
                if key in out:
                    raise ConfigError(
                        f"key {key!r} appears twice in the same mapping",
                        path=path,
                        line=key_node.start_mark.line + 1,
                        field=_dotted((*loc, key)),
                        fix="remove one of the two entries",
                    )
                child = (*loc, key)
                lines[child] = key_node.start_mark.line + 1
                out[key] = self.build(value_node, child)
            return out
        if isinstance(node, yaml.SequenceNode):
            items: list[object] = []
            for i, item in enumerate(node.value):
                child = (*loc, i)
                lines[child] = item.start_mark.line + 1
                items.append(self.build(item, child))
            return items
        return _scalars.construct_object(node, deep=True)


def _dotted(loc: Sequence[str | int]) -> str:
    text = ""
    for part in loc:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += ("." if text else "") + str(part)
    return text


def validate_document(doc: YamlDocument, model: type[M]) -> M:
    """Validate ``doc.data`` against ``model``; errors carry file, line and field.

    Raises:
        ConfigError: one issue per validation error, each with its line and a fix.
    """
    try:
        return model.model_validate(doc.data)
    except ValidationError as exc:
        raise validation_error(exc, model, doc) from None


def validation_error(
    exc: ValidationError, model: type[BaseModel], doc: YamlDocument
) -> ConfigError:
    """Turn a pydantic ``ValidationError`` into a ``ConfigError`` that points into ``doc``."""
    issues: list[ConfigIssue] = []
    for err in exc.errors(include_url=False):
        loc = tuple(err["loc"])
        # Discriminated unions and function validators add their own names to loc; drop those
        # that are not keys in the document.
        loc = _document_loc(doc.data, loc)
        kind = err["type"]
        value = err.get("input")
        problem = str(err["msg"])
        fix: str | None = None
        if kind == "extra_forbidden":
            allowed = _allowed_fields(model, loc[:-1])
            problem = f"unknown field {loc[-1]!r}"
            if allowed:
                fix = f"remove it, or use one of: {', '.join(allowed)}"
        elif kind == "missing":
            problem = "required field is missing"
            fix = f"add `{loc[-1]}:`" if loc else None
        elif kind in {"enum", "literal_error"}:
            expected = err.get("ctx", {}).get("expected", "")
            problem = f"{value!r} is not allowed"
            fix = f"use one of {expected}"
        elif kind.endswith(("_type", "_parsing")):
            problem = f"{problem} (got {value!r})"
            fix = _TYPE_FIXES.get(kind.rsplit("_", 1)[0])
        elif kind == "value_error":
            problem = problem.removeprefix("Value error, ")
        issues.append(
            ConfigIssue(problem, line=doc.line_of(loc), field=_dotted(loc) or None, fix=fix)
        )
    return ConfigError(issues, path=doc.path)


_TYPE_FIXES = {
    "bool": "write true or false",
    "int": "write a whole number, e.g. 100000 (no quotes, no separators)",
    "float": "write a number, e.g. 0.95",
    "string": "write text (quote it if it looks like a number or yes/no)",
    "list": "write a list, e.g. [a, b]",
    "tuple": "write a list, e.g. [a, b]",
    "dict": "write a mapping of `key: value` lines, indented under this field",
    "model": "write a mapping of `key: value` lines, indented under this field",
    "date": "write a date as YYYY-MM-DD",
}


def _document_loc(data: object, loc: Loc) -> Loc:
    out: list[str | int] = []
    node = data
    for part in loc:
        if (isinstance(node, dict) and part in node) or (
            isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node)
        ):
            out.append(part)
            node = node[part]  # type: ignore[index]
        elif isinstance(node, dict | list):
            # The key is absent (a "missing" error) or a name pydantic adds; keep keys only.
            if isinstance(node, dict) and isinstance(part, str):
                out.append(part)
            return tuple(out)
        else:
            return tuple(out)
    return tuple(out)


def _allowed_fields(model: type[BaseModel], loc: Loc) -> list[str]:
    current: object = model
    for part in loc:
        if isinstance(part, int):
            current = _unwrap_item(current)
            continue
        if not (isinstance(current, type) and issubclass(current, BaseModel)):
            return []
        info = current.model_fields.get(part)
        if info is None:
            return []
        current = _unwrap_model(info.annotation)
    current = _unwrap_model(current)
    if isinstance(current, type) and issubclass(current, BaseModel):
        return [info.alias or name for name, info in current.model_fields.items()]
    return []


def _unwrap_model(annotation: object) -> object:
    origin = typing.get_origin(annotation)
    if origin in {typing.Union, types.UnionType}:
        for arg in typing.get_args(annotation):
            if isinstance(arg, type) and issubclass(arg, BaseModel):
                return arg
    return annotation


def _unwrap_item(annotation: object) -> object:
    annotation = _unwrap_model(annotation)
    args = typing.get_args(annotation)
    return _unwrap_model(args[-1]) if args else annotation
