"""The build history: kept across restarts, newest first, bounded, damaged lines skipped."""

from __future__ import annotations

from pathlib import Path

from desktop_app.panes.builds import history
from desktop_app.panes.builds.history import BuildHistory, record_of
from engine_bridge import BuildProgress, BuildSpec


def _progress() -> BuildProgress:
    progress = BuildProgress()
    for number, line in enumerate(
        ["Step 1/2 : FROM scratch\n", " ---> \n", "Step 2/2 : COPY a /a\n", " ---> Using cache\n",
         " ---> 0123456789ab\n", "Successfully built 0123456789ab\n",
         "Successfully tagged web:1\n"]
    ):  # fmt: skip
        progress.add({"stream": line}, float(number))
    progress.add({"aux": {"ID": "sha256:0123456789ab"}}, 9.0)
    return progress


def test_a_build_is_kept_across_a_restart_and_built_again_the_same(tmp_path: Path) -> None:
    spec = BuildSpec("/src/web", "docker/Dockerfile", ("web:1",), "final", (("V", "2"),),
                     (("team", "a"),), no_cache=True)  # fmt: skip
    BuildHistory(tmp_path).add(record_of(spec, _progress(), "succeeded", 1000.0, 9.0, "local"))
    (record,) = BuildHistory(tmp_path).records()  # a new store: as after a restart
    assert record.spec == spec
    assert (record.outcome, record.seconds, record.engine) == ("succeeded", 9.0, "local")
    assert record.image_id == "sha256:0123456789ab"
    assert [(s.number, s.instruction, s.cached) for s in record.steps] == [
        (1, "FROM scratch", None), (2, "COPY a /a", True)]  # fmt: skip
    assert record.cached_steps == 1
    assert "Successfully tagged web:1" in record.log


def test_newest_first_bounded_and_damage_skipped(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(history, "KEPT", 3)
    store = BuildHistory(tmp_path)
    for n in range(5):
        store.add(record_of(BuildSpec(f"/src/{n}"), None, "failed", float(n), 1.0, error="no"))
    with store.path.open("a") as damaged:
        damaged.write('{"id": "half-writ')
    assert [r.context for r in store.records()] == ["/src/4", "/src/3", "/src/2"]
    store.remove({store.records()[0].id})
    assert [r.context for r in BuildHistory(tmp_path).records()] == ["/src/3", "/src/2"]


def test_a_platform_is_checked_in_words() -> None:
    from engine_bridge import build_problems, docker_build_text

    assert build_problems(BuildSpec("/src", platform="linux/arm/v7")) == {}
    assert "not a platform" in build_problems(BuildSpec("/src", platform="arm64"))["platform"]
    assert docker_build_text(BuildSpec("/src", platform="linux/amd64")) == (
        "docker build --platform linux/amd64 /src")  # fmt: skip
