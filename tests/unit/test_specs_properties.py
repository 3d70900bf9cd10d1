"""Property tests: whatever a user types into a field, the parser returns a value or a
SpecError with a message; it never raises anything else."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engine_bridge.specs import SpecError
from engine_bridge.specs.env import parse_env, parse_env_file, parse_label
from engine_bridge.specs.image_ref import parse_image_ref
from engine_bridge.specs.mounts import parse_mount
from engine_bridge.specs.ports import parse_port
from engine_bridge.specs.restart_policy import parse_restart_policy
from engine_bridge.specs.sizes import parse_cpus, parse_memory

# Text biased towards the characters these parsers care about.
typed = st.text(
    alphabet=st.sampled_from("0123456789:/-.[]@abcdefgzAZ_=:rotcpudpmg ,~\n"), max_size=40
)
anything = st.one_of(typed, st.text(max_size=40))

PARSERS: list[Callable[[str], object]] = [
    parse_port, parse_mount, parse_env, parse_label, parse_restart_policy, parse_memory,
    parse_cpus, parse_image_ref, parse_env_file,
]  # fmt: skip


@pytest.mark.parametrize("parser", PARSERS, ids=lambda p: p.__name__)
@settings(max_examples=400, deadline=None)
@given(text=anything)
def test_value_or_clear_error(parser: Callable[[str], object], text: str) -> None:
    message = "no error"
    try:
        parser(text)
    except SpecError as exc:
        message = str(exc)
    assert message, "an error says what is wrong"


@settings(max_examples=300, deadline=None)
@given(text=typed)
def test_ports_that_parse_render_to_the_same_port(text: str) -> None:
    try:
        port = parse_port(text)
    except SpecError:
        return
    assert parse_port(str(port)) == port


@settings(max_examples=300, deadline=None)
@given(text=typed)
def test_mounts_that_parse_render_to_the_same_mount(text: str) -> None:
    try:
        mount = parse_mount(text)
    except SpecError:
        return
    assert parse_mount(str(mount)) == mount


@settings(max_examples=300, deadline=None)
@given(text=typed)
def test_image_refs_that_parse_render_to_the_same_text(text: str) -> None:
    try:
        ref = parse_image_ref(text)
    except SpecError:
        return
    assert str(ref) == text.strip()
