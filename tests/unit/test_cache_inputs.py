"""Why a build step ran when it came from the cache the time before: the instruction, a build
argument, the files it copies, a step before it, or --no-cache."""

from __future__ import annotations

from engine_bridge import read_dockerfile
from engine_bridge.specs.cache_inputs import copy_sources, files_of, step_inputs, why_it_ran

DOCKERFILE = read_dockerfile(
    "ARG BASE=scratch\n"
    "FROM scratch AS build\n"
    "ARG FLAVOUR=plain\n"
    "COPY src/ /src/\n"
    'RUN ["/bin/busybox", "sh", "-c", "make"]\n'
    "FROM scratch\n"
    "COPY --from=build /out /out\n"
    "COPY notes.txt *.cfg /etc/\n"
)
SENT = ["src/a.c", "src/b.c", "notes.txt", "app.cfg", "other.txt"]


def test_what_copy_and_add_take_from_the_context() -> None:
    assert copy_sources("COPY", "--chown=1:1 src/ /src/") == ["src/"]
    assert copy_sources("COPY", "--from=build /out /out") == []
    assert copy_sources("ADD", "https://example.org/x.tgz /x") == []
    assert copy_sources("COPY", '["a b", "/dst/"]') == ["a b"]
    assert files_of(["src/"], SENT) == ["src/a.c", "src/b.c"]
    assert files_of(["notes.txt", "*.cfg"], SENT) == ["notes.txt", "app.cfg"]
    assert files_of(["."], SENT) == SENT


def test_each_reason_in_words() -> None:
    digests = {path: "d1" for path in SENT}
    before = step_inputs(DOCKERFILE, {}, digests)
    assert before[3].files == {"src/a.c": "d1", "src/b.c": "d1"}
    assert before[3].args == {"FLAVOUR": "plain"}
    assert before[6].files == {}, "a stage's files are not the context's"

    spicy = step_inputs(DOCKERFILE, {"FLAVOUR": "spicy"}, digests)
    assert why_it_ran(4, spicy, before) == (
        "A build argument in effect changed: FLAVOUR (plain → spicy).")  # fmt: skip

    edited = step_inputs(DOCKERFILE, {}, {**digests, "src/b.c": "d2"})
    assert why_it_ran(4, edited, before) == "Files it copies changed: src/b.c."
    cascade = "Step 4 ran before it, and a step after one that ran cannot come from the cache."
    assert why_it_ran(5, edited, before, ran_before=[4, 5]) == cascade

    moved = "ARG BASE=scratch\nFROM scratch AS build\nARG FLAVOUR=plain\nCOPY src/ /srv/\n"
    changed = step_inputs(read_dockerfile(moved), {}, digests)
    assert why_it_ran(4, changed, before) == "The instruction changed: it was 'COPY src/ /src/'."
    assert why_it_ran(4, before, before, no_cache=True).startswith("The build was asked")
    assert "no longer held" in why_it_ran(4, before, before)


def test_a_cache_prune_preview_follows_the_choices() -> None:
    from datetime import UTC, datetime, timedelta

    from engine_bridge import BuildCache, CacheEntry, plan_cache_prune

    now = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)

    def entry(name: str, hours: float, in_use: bool = False, shared: bool = False) -> CacheEntry:
        return CacheEntry(name, "regular", 1000, in_use, shared, now - timedelta(hours=hours), "")

    cache = BuildCache((entry("old", 48), entry("new", 1), entry("busy", 48, in_use=True),
                        entry("shared", 48, shared=True)), 0)  # fmt: skip
    assert [e.id for e in plan_cache_prune(cache, False, timedelta(0), now)] == ["old", "new"]
    assert [e.id for e in plan_cache_prune(cache, True, timedelta(0), now)] == [
        "old",
        "new",
        "shared",
    ]
    assert [e.id for e in plan_cache_prune(cache, True, timedelta(hours=24), now)] == [
        "old",
        "shared",
    ]


def test_a_prune_down_to_a_size_takes_the_least_recently_used_first() -> None:
    from datetime import UTC, datetime, timedelta

    from engine_bridge import BuildCache, CacheEntry, plan_cache_prune, prune_build_cache

    now = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)
    entries = tuple(CacheEntry(f"e{h}", "regular", 1_000_000_000, False, False,
                               now - timedelta(hours=h), "") for h in (1, 5, 3))  # fmt: skip
    going = plan_cache_prune(BuildCache(entries, 0), False, timedelta(0), now, keep=1_000_000_000)
    assert [e.id for e in going] == ["e5", "e3"], "the oldest go until 1 GB is left"
    assert prune_build_cache(keep_bytes=5_000_000_000).argv == (
        "docker", "builder", "prune", "--force", "--keep-storage", "5GB")  # fmt: skip
