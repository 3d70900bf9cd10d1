"""The `docker run` parser reads a command as the docker CLI does."""

from __future__ import annotations

import pytest

from engine_bridge.specs import SpecError
from engine_bridge.specs.env import parse_env_file
from engine_bridge.specs.mounts import parse_mount
from engine_bridge.specs.ports import parse_port
from engine_bridge.specs.run_spec import parse_run_args


def _files(files: dict[str, str]):  # type: ignore[no-untyped-def]
    return lambda path: files[path]


def test_a_later_e_wins_over_the_env_file() -> None:
    spec = parse_run_args(["--env-file", "a.env", "-e", "MODE=cli", "busybox"],
                          _files({"a.env": "MODE=file\nOTHER=1\n"}))  # fmt: skip
    assert spec.env == (("MODE", "cli"), ("OTHER", "1"))


def test_e_name_alone_comes_from_the_environment_and_says_so() -> None:
    notes: list[str] = []
    spec = parse_run_args(["-e", "HOME", "-e", "NOT_SET", "busybox"],
                          environ={"HOME": "/root"}, notes=notes)  # fmt: skip
    assert spec.env == (("HOME", "/root"),)
    assert notes == [
        "-e HOME takes HOME from Dockyard's own environment.",
        "-e NOT_SET is left out: NOT_SET is not set in Dockyard's environment.",
    ]


def test_short_options_written_as_the_cli_takes_them() -> None:
    spec = parse_run_args(["-u=1000", "-e=A=1", "-dp", "8080:80", "-itd", "busybox", "sh"])
    assert spec.user == "1000"
    assert spec.env == (("A", "1"),)
    assert (spec.detach, spec.interactive, spec.tty) == (True, True, True)
    assert str(spec.ports[0]) == "8080:80/tcp"
    assert parse_run_args(["--rm=false", "busybox"]).auto_remove is False
    assert parse_run_args(["--rm=true", "busybox"]).auto_remove is True
    with pytest.raises(SpecError, match="true or false"):
        parse_run_args(["--rm=maybe", "busybox"])


def test_port_zero_means_any_free_port() -> None:
    assert parse_port("0:80").host is None
    assert parse_port("127.0.0.1:0:80").host_ip == "127.0.0.1"


def test_volume_modes_are_kept_and_relative_sources_resolved() -> None:
    for text in ("dir:/app:cached", "v:/d:nocopy", "/h:/c:ro,delegated", "/a:/b:ro,Z",
                 "/s:/t:rshared", "/x:/y:z"):  # fmt: skip
        assert str(parse_mount(text)) == text
    assert parse_mount("/h:/c:ro,delegated").read_only
    spec = parse_run_args(["-v", "./site:/usr/share/html:ro", "-v", "../up:/up", "busybox"],
                          cwd="/home/me/project")  # fmt: skip
    assert [str(m) for m in spec.mounts] == ["/home/me/project/site:/usr/share/html:ro",
                                             "/home/me/up:/up"]  # fmt: skip
    with pytest.raises(SpecError, match="both read-only and read-write"):
        parse_mount("/a:/b:ro,rw")


def test_env_files_as_docker_reads_them() -> None:
    assert parse_env_file('\ufeffA=1\n# note\nB="q"\n') == [("A", "1"), ("B", '"q"')]
    with pytest.raises(SpecError, match="without 'export'"):
        parse_env_file("export A=1\n")
    notes: list[str] = []
    assert parse_env_file("HOME\n", environ={"HOME": "/root"}, notes=notes) == [("HOME", "/root")]
    assert notes


def test_the_whole_spec_is_checked() -> None:
    with pytest.raises(SpecError, match="not a valid container name"):
        parse_run_args(["--name", "bad name", "busybox"])
    with pytest.raises(SpecError, match="restart policy"):
        parse_run_args(["--rm", "--restart", "always", "busybox"])
    with pytest.raises(SpecError):
        parse_run_args(["-p", "99999:80", "busybox"])
    with pytest.raises(SpecError, match="no image"):
        parse_run_args(["-d"])


def test_a_container_whose_variable_has_no_value_is_read() -> None:
    from engine_bridge.specs.container_config import blueprint_of, docker_run_text

    container = {
        "Id": "a" * 64, "Name": "/app",
        "Config": {"Image": "busybox", "Env": ["ALONE", "A=1"], "Cmd": ["sleep", "9"]},
        "HostConfig": {"Binds": ["/srv:/app:cached", "v:/d:nocopy", "/h:/c:ro,delegated"],
                       "NetworkMode": "default"},
        "NetworkSettings": {"Networks": {"bridge": {}}}, "Mounts": [],
    }  # fmt: skip
    blueprint = blueprint_of(container, None)
    assert blueprint.spec.env == (("ALONE", ""), ("A", "1"))
    text = docker_run_text(blueprint)
    assert "--volume /srv:/app:cached" in text
    assert "--volume v:/d:nocopy" in text
    assert "--volume /h:/c:ro,delegated" in text
    assert "--env ALONE" in text
