"""Reading Dockerfiles as the builder does: continuations, comments, stages, build arguments,
here-documents, and the syntax only BuildKit knows."""

from __future__ import annotations

from engine_bridge.specs.dockerfile import parse

MULTI_STAGE = """\
# A comment before anything
ARG BASE=scratch
ARG VERSION

FROM ${BASE} AS Build
ARG GREETING="hello there"
COPY busybox /bin/busybox
RUN ["/bin/busybox", "sh", "-c", \\
     # a comment inside a continuation is dropped
     "echo $GREETING > /out.txt"]

FROM scratch
COPY --from=build /out.txt /out.txt
CMD ["/out.txt"]
"""


def test_stages_args_and_lines() -> None:
    dockerfile = parse(MULTI_STAGE)
    assert [(s.number, s.base, s.name, s.line) for s in dockerfile.stages] == [
        (0, "${BASE}", "build", 5), (1, "scratch", "", 12),
    ]  # fmt: skip
    assert dockerfile.targets == ["build"]
    assert dockerfile.stages[1].label == "stage 1"
    args = [(a.name, a.default, a.has_default, a.global_) for a in dockerfile.args]
    assert args == [("BASE", "scratch", True, True), ("VERSION", "", False, True),
                    ("GREETING", "hello there", True, False)]  # fmt: skip
    run = dockerfile.instruction_at(9)
    assert run is not None
    assert run.keyword == "RUN"
    assert run.line == 8
    assert run.arguments == '["/bin/busybox", "sh", "-c", "echo $GREETING > /out.txt"]'
    assert dockerfile.buildkit_only == ()


def test_what_only_buildkit_understands_is_named_with_its_line() -> None:
    text = """\
# syntax=docker/dockerfile:1
FROM scratch
RUN --mount=type=cache,target=/root/.cache make
COPY --link a /a
COPY <<NOTE /etc/note
written inline
NOTE
RUN echo done
"""
    dockerfile = parse(text)
    found = [(b.line, b.what) for b in dockerfile.buildkit_only]
    assert found == [
        (1, "a '# syntax=docker/dockerfile:1' line, which only BuildKit reads"),
        (3, "RUN --mount"), (4, "COPY --link"), (5, "a here-document in COPY"),
    ]  # fmt: skip
    # The here-document's body is not read as instructions.
    assert [i.keyword for i in dockerfile.instructions] == ["FROM", "RUN", "COPY", "COPY", "RUN"]
    assert dockerfile.instructions[3].heredocs == ("written inline",)


def test_the_escape_directive_changes_the_continuation_character() -> None:
    dockerfile = parse("# escape=`\nFROM scratch\nRUN echo a `\n    b\n")
    assert dockerfile.directives == {"escape": "`"}
    assert dockerfile.instructions[1].arguments == "echo a b"


def test_nothing_to_read_is_no_failure() -> None:
    assert parse("").stages == ()
    assert parse("RUN echo before any FROM\n").stages == ()
