"""What a Dockerfile says, read the way the builder reads it: its instructions with the line
each starts on, its stages (`FROM ... AS name`), its build arguments with their defaults, and
the syntax only BuildKit understands (the engine's classic builder fails on it).

Pure: text in, facts out. The rules followed are the Dockerfile reference's: parser directives
(`# syntax=`, `# escape=`) only at the very top, comments on their own lines, a line ending
in the escape character continuing on the next, here-documents (`<<EOF`) running to their end
word.
"""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass, field

_DIRECTIVE = re.compile(r"^#\s*([a-zA-Z][a-zA-Z0-9]*)\s*=\s*(.*?)\s*$")
_HEREDOC = re.compile(r"<<-?\s*([\"']?)([A-Za-z_][A-Za-z0-9_]*)\1")
_FROM = re.compile(r"^(?P<flags>(?:--\S+\s+)*)(?P<image>\S+)(?:\s+AS\s+(?P<name>\S+))?\s*$", re.I)
#: Flags of instructions that only BuildKit knows, by instruction.
_BUILDKIT_FLAGS = {
    "RUN": ("--mount", "--network", "--security"),
    "COPY": ("--link", "--parents", "--exclude", "--chmod"),
    "ADD": ("--link", "--checksum", "--keep-git-dir", "--exclude", "--chmod"),
}


@dataclass(frozen=True)
class Instruction:
    """One instruction: its keyword in upper case, its arguments as written (continuations
    joined), and the line it starts on (1-based)."""

    keyword: str
    arguments: str
    line: int
    heredocs: tuple[str, ...] = ()


@dataclass(frozen=True)
class Stage:
    """A `FROM` and what follows it up to the next one. `name` is "" for an unnamed stage."""

    number: int
    base: str
    name: str
    line: int
    instructions: tuple[Instruction, ...] = ()

    @property
    def label(self) -> str:
        """How a person refers to the stage: its name, else its number."""
        return self.name or f"stage {self.number}"


@dataclass(frozen=True)
class BuildArg:
    """An `ARG`: its default ("" with `has_default` False when it has none), and whether it
    is declared before the first FROM (global: usable in FROM lines)."""

    name: str
    default: str
    has_default: bool
    line: int
    global_: bool


@dataclass(frozen=True)
class BuildKitOnly:
    """Syntax the classic builder does not know: where, and what it is in words."""

    line: int
    what: str


@dataclass(frozen=True)
class Dockerfile:
    instructions: tuple[Instruction, ...]
    stages: tuple[Stage, ...]
    args: tuple[BuildArg, ...]
    directives: dict[str, str] = field(default_factory=dict)
    buildkit_only: tuple[BuildKitOnly, ...] = ()

    @property
    def targets(self) -> list[str]:
        """The stages a build can stop at by name (`--target`)."""
        return [stage.name for stage in self.stages if stage.name]

    def instruction_at(self, line: int) -> Instruction | None:
        """The instruction that line `line` belongs to."""
        found = None
        for instruction in self.instructions:
            if instruction.line <= line:
                found = instruction
        return found


def parse(text: str) -> Dockerfile:
    """Read a Dockerfile's text. Never fails: what cannot be read is left out."""
    lines = text.splitlines()
    directives, first = _directives(lines)
    escape = directives.get("escape", "\\")
    escape = escape if escape in ("\\", "`") else "\\"
    instructions = _instructions(lines, first, escape)
    return Dockerfile(
        instructions=tuple(instructions),
        stages=tuple(_stages(instructions)),
        args=tuple(_args(instructions)),
        directives=directives,
        buildkit_only=tuple(_buildkit_only(instructions, directives)),
    )


def _directives(lines: list[str]) -> tuple[dict[str, str], int]:
    """Parser directives: `# key=value` lines at the very top, before anything else."""
    found: dict[str, str] = {}
    for number, raw in enumerate(lines):
        match = _DIRECTIVE.match(raw.strip())
        if not match or match.group(1).lower() in found:
            return found, number
        found[match.group(1).lower()] = match.group(2)
    return found, len(lines)


def _instructions(lines: list[str], first: int, escape: str) -> list[Instruction]:
    found: list[Instruction] = []
    number = first
    while number < len(lines):
        raw = lines[number]
        stripped = raw.strip()
        if not stripped or stripped.startswith("#"):
            number += 1
            continue
        start = number
        parts = [stripped]
        # A line ending in the escape character goes on; comment lines inside are dropped.
        while parts[-1].endswith(escape) and number + 1 < len(lines):
            parts[-1] = parts[-1][: -len(escape)].rstrip()
            number += 1
            following = lines[number].strip()
            if following.startswith("#"):
                parts.append(escape)  # keeps the continuation going past the comment
                continue
            parts.append(following)
        text = " ".join(p for p in parts if p and p != escape)
        keyword, _, arguments = text.partition(" ")
        heredocs = []
        for match in (
            _HEREDOC.finditer(arguments) if keyword.upper() in ("RUN", "COPY", "ADD") else []
        ):
            end_word = match.group(2)
            body = []
            while number + 1 < len(lines) and lines[number + 1].strip() != end_word:
                number += 1
                body.append(lines[number])
            number += 1  # the end word
            heredocs.append("\n".join(body))
        found.append(Instruction(keyword.upper(), arguments.strip(), start + 1, tuple(heredocs)))
        number += 1
    return found


def _stages(instructions: list[Instruction]) -> list[Stage]:
    stages: list[Stage] = []
    current: list[Instruction] = []
    head: Instruction | None = None
    for instruction in instructions:
        if instruction.keyword == "FROM":
            if head is not None:
                stages.append(_stage(len(stages), head, current))
            head, current = instruction, []
        elif head is not None:
            current.append(instruction)
    if head is not None:
        stages.append(_stage(len(stages), head, current))
    return stages


def _stage(number: int, head: Instruction, body: list[Instruction]) -> Stage:
    match = _FROM.match(head.arguments)
    base = match.group("image") if match else head.arguments
    name = (match.group("name") or "") if match else ""
    return Stage(number, base, name.lower(), head.line, tuple(body))


def _args(instructions: list[Instruction]) -> list[BuildArg]:
    found: list[BuildArg] = []
    seen_from = False
    for instruction in instructions:
        if instruction.keyword == "FROM":
            seen_from = True
        if instruction.keyword != "ARG":
            continue
        try:
            words = shlex.split(instruction.arguments)
        except ValueError:
            words = instruction.arguments.split()
        for word in words:  # ARG a=1 b=2 declares both (newer syntax; harmless here)
            name, equals, default = word.partition("=")
            if name and (name[0].isalpha() or name[0] == "_"):
                found.append(BuildArg(name, default, bool(equals), instruction.line, not seen_from))
    return found


def _buildkit_only(
    instructions: list[Instruction], directives: dict[str, str]
) -> list[BuildKitOnly]:
    found: list[BuildKitOnly] = []
    if "syntax" in directives:
        found.append(BuildKitOnly(1, f"a '# syntax={directives['syntax']}' line, which "
                                     "only BuildKit reads"))  # fmt: skip
    for instruction in instructions:
        if instruction.heredocs:
            found.append(
                BuildKitOnly(instruction.line, f"a here-document in {instruction.keyword}")
            )
        for flag in _BUILDKIT_FLAGS.get(instruction.keyword, ()):
            if re.search(rf"(^|\s){re.escape(flag)}(=|\s)", instruction.arguments):
                found.append(BuildKitOnly(instruction.line, f"{instruction.keyword} {flag}"))
    return found
