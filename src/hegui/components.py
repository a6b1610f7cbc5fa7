"""One registry shape for every pluggable component: specs, ids, factories, entry points.

A component (a PII recognizer, a classifier, an eval judge, a label carrier, an integrity
scheme, an eval target) is named by a :class:`ComponentSpec`: a stable id such as
``hegui/cn_resident_id`` and the parameters it was built with. Specs are plain data, so a run
header, an ``Evidence`` record or a ``Verdict`` can say exactly what ran, and a worker process
can rebuild the same component from them.

Built-ins register with a decorator on a :class:`Registry`; third parties add theirs through the
registry's entry-point group (``[project.entry-points."hegui.judges"]``, name = component id,
value = the factory). A factory is any callable taking the spec's params as keyword arguments.

Example:
    >>> judges = Registry[object]("judge", "hegui.judges")
    >>> @judges.register("hegui/always_ok")
    ... class AlwaysOk:
    ...     def __init__(self, note: str = "") -> None:
    ...         self.note = note
    >>> judges.build(ComponentSpec(id="hegui/always_ok", params={"note": "x"})).note
    'x'
"""

from __future__ import annotations

import importlib
import inspect
from collections.abc import Callable, Iterable
from importlib.metadata import entry_points
from typing import Any, Generic, TypeVar

from pydantic import BaseModel, ConfigDict, Field, JsonValue

from hegui.errors import ConfigError, UnknownIdError

__all__ = ["COMPONENT_ID", "ComponentSpec", "Registry"]

COMPONENT_ID = r"^[a-z0-9][a-z0-9_.-]*/[a-z0-9][a-z0-9_.-]*$"
"""``namespace/name``: ``hegui/…`` for built-ins, a package or vendor name for third parties."""

T = TypeVar("T")
F = TypeVar("F", bound=Callable[..., Any])


class ComponentSpec(BaseModel):
    """Which component to build, and with what parameters (JSON values only)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str = Field(pattern=COMPONENT_ID)
    """Stable id, ``namespace/name``."""
    params: dict[str, JsonValue] = Field(default_factory=dict)
    """Keyword arguments of the factory. Secrets never go here: pass the name of an environment
    variable instead (``api_key_env``)."""

    def __hash__(self) -> int:
        return hash(self.model_dump_json())

    def __str__(self) -> str:
        return self.id if not self.params else f"{self.id}{self.params}"


class Registry(Generic[T]):
    """Factories of one kind of component, by id.

    Args:
        kind: What the components are, for messages ("judge", "recognizer").
        group: The entry-point group third parties register under, e.g. ``hegui.judges``.
        builtins: Modules to import (once, on first lookup) so their decorators run.
    """

    def __init__(self, kind: str, group: str, builtins: Iterable[str] = ()) -> None:
        self.kind = kind
        self.group = group
        self._builtins = tuple(builtins)
        self._factories: dict[str, Callable[..., T]] = {}
        self._loaded = False

    def register(self, component_id: str) -> Callable[[F], F]:
        """Decorator: register a class or function as the factory of ``component_id``."""
        ComponentSpec(id=component_id)  # validates the id style

        def wrap(factory: F) -> F:
            self._factories[component_id] = factory
            return factory

        return wrap

    def _load(self) -> None:
        if self._loaded:
            return
        self._loaded = True
        for module in self._builtins:
            importlib.import_module(module)
        for ep in entry_points(group=self.group):
            if ep.name not in self._factories:
                self._factories[ep.name] = ep.load()

    def ids(self) -> list[str]:
        """Every registered id, built-ins and entry points, sorted."""
        self._load()
        return sorted(self._factories)

    def factory(self, component_id: str) -> Callable[..., T]:
        """The factory registered under ``component_id``.

        Raises:
            UnknownIdError: Nothing is registered under that id (the message lists close ids).
        """
        self._load()
        try:
            return self._factories[component_id]
        except KeyError:
            raise UnknownIdError(self.kind, component_id, sorted(self._factories)) from None

    def build(self, spec: ComponentSpec | str) -> T:
        """Build the component ``spec`` names.

        Raises:
            UnknownIdError: The id is not registered.
            ConfigError: A parameter is unknown or missing (the message lists the accepted ones).
        """
        if isinstance(spec, str):
            spec = ComponentSpec(id=spec)
        factory = self.factory(spec.id)
        try:
            bound = inspect.signature(factory).bind(**spec.params)
        except TypeError as exc:
            accepted = _parameters(factory)
            raise ConfigError(
                f"{self.kind} {spec.id}: {exc}",
                field="params",
                fix=f"accepted parameters: {', '.join(accepted) or '(none)'}",
            ) from None
        return factory(*bound.args, **bound.kwargs)


def _parameters(factory: Callable[..., Any]) -> list[str]:
    try:
        sig = inspect.signature(factory)
    except (TypeError, ValueError):
        return []
    return [
        name
        for name, p in sig.parameters.items()
        if p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)
    ]
