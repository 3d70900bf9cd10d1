"""Container logs from the real engine: stdout and stderr apart, long lines whole, TTY."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from engine_bridge.bridge import EngineBridge
from engine_bridge.live.logs import container_log
from engine_bridge.streams.log_lines import STDERR, STDOUT, LogLine
from tests.engine_support import EngineUnderTest


def read_all(test_engine: EngineUnderTest, name: str, tty: bool, arun: Any) -> list[LogLine]:
    async def scenario() -> list[LogLine]:
        bridge = EngineBridge(test_engine.endpoint)
        await bridge.connect()
        reader = container_log(bridge, name, tty=tty, follow=False)
        lines: list[LogLine] = []
        try:
            async for batch in reader.batches():
                lines += [line for piece in batch for line in piece]
        finally:
            await bridge.close()
        return lines

    result: list[LogLine] = arun(scenario())
    return result


def test_stdout_stderr_and_a_long_line(
    test_engine: EngineUnderTest, busybox_image: str, cli: Callable[..., Any], label: list[str],
    name: str, arun: Any,
) -> None:  # fmt: skip
    # The engine copies stdout and stderr separately: pauses keep their order certain.
    script = (
        "echo first; sleep 0.3; echo oops >&2; sleep 0.3; "
        "head -c 40000 /dev/zero | tr '\\0' x; echo; printf 'no newline at the end'"
    )
    cli("run", *label, "--name", name, busybox_image, "sh", "-c", script)
    lines = read_all(test_engine, name, False, arun)
    assert [(line.stream, line.text[:10]) for line in lines] == [
        (STDOUT, "first"), (STDERR, "oops"), (STDOUT, "x" * 10), (STDOUT, "no newline"),
    ]  # fmt: skip
    assert lines[2].text == "x" * 40000, "a line the engine cut into 16 KiB pieces is whole again"
    assert all(line.timestamp.startswith("20") for line in lines)


def test_tty_container(
    test_engine: EngineUnderTest, busybox_image: str, cli: Callable[..., Any], label: list[str],
    name: str, arun: Any,
) -> None:  # fmt: skip
    script = "echo one; head -c 40000 /dev/zero | tr '\\0' x; echo; echo two"
    cli("run", "-t", *label, "--name", name, busybox_image, "sh", "-c", script)
    lines = read_all(test_engine, name, True, arun)
    assert [line.text[:10] for line in lines] == ["one", "x" * 10, "two"]
    # Without frames only the piece size tells where the engine stamped each 16 KiB piece.
    assert lines[1].text == "x" * 40000, "no timestamp inside the text"
    assert all(line.timestamp.startswith("20") for line in lines)
