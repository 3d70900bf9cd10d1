"""Pure parts of volumes: which volumes a prune takes on each Engine API version, the
command it stands for, names and KEY=value lines as typed, and what the list shows."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from desktop_app.panes.volumes.rows import VolumeRows, count_text, rows_of
from engine_bridge import ContainerSummary, VolumeSummary, VolumeUsage, plan_prune
from engine_bridge.specs.volume_form import key_values, volume_name_problem

ANON = "a" * 64
NOW = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)


def _volume(name: str, driver: str = "local", **labels: str) -> VolumeSummary:
    return VolumeSummary(name, driver, f"/v/{name}", NOW - timedelta(hours=2), labels)


def _container(name: str, running: bool, *volumes: str) -> ContainerSummary:
    data = {
        "Id": name * 4, "Names": [f"/{name}"], "Image": "busybox", "ImageID": "sha256:1",
        "State": "running" if running else "exited", "Status": "", "Created": 0,
        "Mounts": [{"Type": "volume", "Name": v, "Destination": "/d", "RW": True} for v in volumes],
    }  # fmt: skip
    return ContainerSummary.from_api(data)


VOLUMES = [
    _volume("db"), _volume("cache"), _volume(ANON), _volume("nfs", driver="nfs"),
    _volume("marked", **{"com.docker.volume.anonymous": ""}), _volume("team", team="web"),
]  # fmt: skip


def test_before_api_1_42_a_prune_takes_unused_named_volumes_too() -> None:
    plan = plan_prune(VOLUMES, {"db"}, "1.41")
    assert plan.volumes == tuple(sorted(["cache", ANON, "marked", "team"]))
    assert plan.named_too
    assert plan.argv == ("docker", "volume", "prune", "--force")
    assert plan.filters == {}


def test_since_api_1_42_only_anonymous_ones_unless_all() -> None:
    plan = plan_prune(VOLUMES, {"db"}, "1.43")
    assert plan.volumes == tuple(sorted([ANON, "marked"]))
    every = plan_prune(VOLUMES, {"db"}, "1.43", named_too=True)
    assert every.volumes == tuple(sorted(["cache", ANON, "marked", "team"]))
    assert every.argv == ("docker", "volume", "prune", "--all", "--force")
    assert every.filters == {"all": ["true"]}


def test_a_label_filter_narrows_the_prune_and_shows_in_the_command() -> None:
    plan = plan_prune(VOLUMES, set(), "1.41", label="team=web")
    assert plan.volumes == ("team",)
    assert plan.argv == ("docker", "volume", "prune", "--filter", "label=team=web", "--force")
    assert plan_prune(VOLUMES, set(), "1.41", label="team=db").volumes == ()


def test_names_and_key_values_as_typed() -> None:
    assert volume_name_problem("") is None
    assert volume_name_problem("app-data_1.x") is None
    assert volume_name_problem("a") is not None
    assert "no spaces" in (volume_name_problem("my data") or "")
    assert "no spaces" in (volume_name_problem("a/b") or "")
    found, problems = key_values(["type=tmpfs", "", "o=size=5m", "bad key=1", "type=x", "flag"],
                                 "driver option")  # fmt: skip
    assert found == {"type": "tmpfs", "o": "size=5m", "flag": ""}
    assert set(problems) == {3, 4}


def test_rows_name_users_kinds_and_sizes() -> None:
    containers = [_container("web", True, "db", ANON), _container("job", False, "db")]
    rows = {r.name: r for r in rows_of(VOLUMES, containers, {"db": VolumeUsage(2_000_000, 2)})}
    fmt = VolumeRows()
    fmt.now = NOW
    db = rows["db"]
    assert [u.name for u in db.users] == ["job", "web"]
    assert fmt.text(db, 2) == "job, web (running)"
    assert fmt.tone(db, 2) == "running"
    assert fmt.text(db, 4) == "2MB"
    assert fmt.text(db, 5) == "2 hours ago"
    assert fmt.text(rows["cache"], 2) == "unused"
    assert fmt.text(rows["cache"], 4) == ""
    assert fmt.text(rows[ANON], 0) == "aaaaaaaaaaaa…  · anonymous"
    assert fmt.matches(db, "WEB")
    assert not fmt.matches(rows["cache"], "web")
    assert str(fmt.sort_key(rows["cache"], 0)) < str(fmt.sort_key(rows[ANON], 0))
    text = count_text(list(rows.values()), NOW - timedelta(seconds=5), NOW)
    assert text == "6 volumes, 4 unused · 2MB (sizes read just now)"
