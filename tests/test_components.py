from __future__ import annotations

import pytest
from pydantic import ValidationError

from hegui.components import ComponentSpec, Registry
from hegui.errors import ConfigError, UnknownIdError


class Greeter:
    def __init__(self, greeting: str = "你好", *, times: int = 1) -> None:
        self.greeting = greeting
        self.times = times

    def greet(self) -> str:
        return self.greeting * self.times


def _registry() -> Registry[Greeter]:
    reg: Registry[Greeter] = Registry("greeter", "hegui.test_greeters")
    reg.register("hegui/greeter")(Greeter)
    return reg


def test_spec_round_trips_through_json_and_builds_the_same() -> None:
    reg = _registry()
    spec = ComponentSpec(id="hegui/greeter", params={"greeting": "早", "times": 2})
    again = ComponentSpec.model_validate_json(spec.model_dump_json())
    assert again == spec
    assert reg.build(again).greet() == reg.build(spec).greet() == "早早"
    assert reg.build("hegui/greeter").greet() == "你好"


@pytest.mark.parametrize("bad", ["greeter", "Hegui/x", "hegui/", "/x", "a/b/c"])
def test_ids_are_namespaced(bad: str) -> None:
    with pytest.raises(ValidationError):
        ComponentSpec(id=bad)


def test_unknown_id_lists_close_ones() -> None:
    with pytest.raises(UnknownIdError, match="hegui/greeter"):
        _registry().build("hegui/greeters")


def test_unknown_param_lists_the_accepted_ones() -> None:
    with pytest.raises(ConfigError, match="accepted parameters: greeting, times"):
        _registry().build(ComponentSpec(id="hegui/greeter", params={"tone": "warm"}))


def test_specs_are_hashable_and_frozen() -> None:
    spec = ComponentSpec(id="acme/judge")
    assert {spec, ComponentSpec(id="acme/judge")} == {spec}
    with pytest.raises(ValidationError):
        spec.id = "acme/other"  # type: ignore[misc]
