"""What users type into the Run dialog: parsed, checked, and written back the same way."""

from __future__ import annotations

import pytest

from engine_bridge.dto import RestartPolicy
from engine_bridge.specs import SpecError
from engine_bridge.specs.env import parse_env, parse_env_file
from engine_bridge.specs.image_ref import parse_image_ref
from engine_bridge.specs.mounts import parse_mount
from engine_bridge.specs.ports import parse_port
from engine_bridge.specs.restart_policy import parse_restart_policy, render_restart_policy
from engine_bridge.specs.run_form import RunForm, build_run_spec
from engine_bridge.specs.run_spec import RunSpec, from_inspect, parse_run_args
from engine_bridge.specs.sizes import parse_cpus, parse_memory, render_memory


@pytest.mark.parametrize(
    ("text", "registry", "repository", "tag", "digest"),
    [
        ("nginx", "", "nginx", "", ""),
        ("nginx:1.27", "", "nginx", "1.27", ""),
        ("library/alpine:3", "", "library/alpine", "3", ""),
        ("127.0.0.1:5000/team/app:v2", "127.0.0.1:5000", "team/app", "v2", ""),
        ("localhost/app", "localhost", "app", "", ""),
        ("ghcr.io/org/app@sha256:" + "a" * 64, "ghcr.io", "org/app", "", "sha256:" + "a" * 64),
    ],
)
def test_image_refs(text: str, registry: str, repository: str, tag: str, digest: str) -> None:
    ref = parse_image_ref(text)
    assert (ref.registry, ref.repository, ref.tag, ref.digest) == (
        registry,
        repository,
        tag,
        digest,
    )
    assert str(ref) == text


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("", "empty"),
        ("Nginx", "lower case"),
        ("nginx:", "not a valid tag"),
        ("app@sha256:xyz", "not a digest"),
        ("a//b", "empty part"),
    ],
)
def test_bad_image_refs_say_why(text: str, words: str) -> None:
    with pytest.raises(SpecError, match=words):
        parse_image_ref(text)


@pytest.mark.parametrize(
    ("text", "rendered", "bindings"),
    [
        ("80", "80/tcp", {"80/tcp": [("", "")]}),
        ("8080:80", "8080:80/tcp", {"80/tcp": [("", "8080")]}),
        ("127.0.0.1::80/udp", "127.0.0.1::80/udp", {"80/udp": [("127.0.0.1", "")]}),
        ("[::1]:53:53/udp", "[::1]:53:53/udp", {"53/udp": [("::1", "53")]}),
        ("8000-8001:80-81", "8000-8001:80-81/tcp",
         {"80/tcp": [("", "8000")], "81/tcp": [("", "8001")]}),
        ("9000-9009:80", "9000-9009:80/tcp", {"80/tcp": [("", "9000-9009")]}),
    ],
)  # fmt: skip
def test_ports(text: str, rendered: str, bindings: dict[str, list[tuple[str, str]]]) -> None:
    port = parse_port(text)
    assert str(port) == rendered
    assert port.bindings() == bindings
    assert parse_port(str(port)) == port


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("70000:80", "out of range"),
        ("8080:80/icmp", "not a protocol"),
        ("1:2:3:4", "too many colons"),
        ("localhost:8080:80", "not an IP address"),
        ("8000-8002:80-81", "same length"),
        ("80-70", "ends before it starts"),
    ],
)
def test_bad_ports_say_why(text: str, words: str) -> None:
    with pytest.raises(SpecError, match=words):
        parse_port(text)


def test_mounts() -> None:
    assert parse_mount("data:/var/lib/data").kind == "volume"
    bind = parse_mount("/srv/site:/usr/share/html:ro")
    assert (bind.kind, bind.source, bind.read_only, bind.bind) == (
        "bind", "/srv/site", True, "/srv/site:/usr/share/html:ro",
    )  # fmt: skip
    anonymous = parse_mount("/cache")
    assert (anonymous.kind, anonymous.bind) == ("anonymous", None)
    for text, words in (
        ("data:cache", "absolute path"),
        ("./site:/site", "relative host path"),
        ("da ta:/x", "not a valid volume name"),
        ("a:b:c:d", "too many colons"),
    ):
        with pytest.raises(SpecError, match=words):
            parse_mount(text)  # fmt: skip


def test_env_and_env_file() -> None:
    assert parse_env("GREETING=hello=world") == ("GREETING", "hello=world")
    assert parse_env("EMPTY=") == ("EMPTY", "")
    with pytest.raises(SpecError, match="no '='"):
        parse_env("JUST_A_NAME")
    text = '# settings\nA=1\n\n  B=two words\nC="quoted"\n'
    assert parse_env_file(text) == [("A", "1"), ("B", "two words"), ("C", '"quoted"')]
    with pytest.raises(SpecError, match=r"Line 2 of app\.env"):
        parse_env_file("A=1\nBROKEN\n", "app.env")


def test_restart_policies() -> None:
    assert parse_restart_policy("on-failure:3") == RestartPolicy("on-failure", 3)
    assert render_restart_policy(RestartPolicy("on-failure", 3)) == "on-failure:3"
    assert parse_restart_policy("unless-stopped") == RestartPolicy("unless-stopped")
    for text, words in (
        ("sometimes", "not a restart policy"),
        ("always:3", "Only on-failure"),
        ("on-failure:x", "not a number"),
    ):
        with pytest.raises(SpecError, match=words):
            parse_restart_policy(text)  # fmt: skip


def test_sizes() -> None:
    assert parse_memory("512m") == 512 * 1024**2
    assert parse_memory("1.5g") == int(1.5 * 1024**3)
    assert render_memory(512 * 1024**2) == "512m"
    assert parse_cpus("1.5") == 1.5
    with pytest.raises(SpecError, match="minimum"):
        parse_memory("1m")
    with pytest.raises(SpecError, match="has 2 CPUs"):
        parse_cpus("3", available=2)


def test_run_spec_renders_the_docker_command() -> None:
    spec = RunSpec(
        image="nginx:1.27", name="web", ports=(parse_port("127.0.0.1:8080:80"),),
        env=(("A", "one two"),), mounts=(parse_mount("site:/usr/share/nginx/html:ro"),),
        restart=RestartPolicy("on-failure", 2), labels=(("tier", "web"),), memory=256 * 1024**2,
        cpus=0.5, command=("nginx", "-g", "daemon off;"),
    )  # fmt: skip
    assert spec.problems() == {}
    assert spec.argv() == (
        "docker", "run", "-d", "--name", "web", "--restart", "on-failure:2",
        "-p", "127.0.0.1:8080:80/tcp", "-e", "A=one two", "-v", "site:/usr/share/nginx/html:ro",
        "--label", "tier=web", "-m", "256m", "--cpus", "0.5", "nginx:1.27",
        "nginx", "-g", "daemon off;",
    )  # fmt: skip
    assert parse_run_args(spec.argv()) == spec


def test_run_spec_refuses_contradictions() -> None:
    spec = RunSpec(image="alpine", auto_remove=True, restart=RestartPolicy("always"))
    assert "--rm" in spec.problems()["auto_remove"]
    assert "not a valid container name" in RunSpec("alpine", name="-x").problems()["name"]
    assert "terminal" in RunSpec("alpine", detach=False).problems()["interactive"]


def test_parse_run_args_reads_combined_flags() -> None:
    spec = parse_run_args(["-dit", "--rm", "-p8080:80", "--name=shell", "alpine", "sh"])
    assert (spec.detach, spec.interactive, spec.tty, spec.auto_remove) == (True, True, True, True)
    assert spec.name == "shell"
    assert str(spec.ports[0]) == "8080:80/tcp"
    with pytest.raises(SpecError, match="does not know"):
        parse_run_args(["--privileged", "alpine"])
    with pytest.raises(SpecError, match="names no image"):
        parse_run_args(["-d"])


def test_from_inspect_leaves_out_the_image_defaults() -> None:
    image = {"Config": {"Cmd": ["sh"], "Env": ["PATH=/bin"], "Labels": {"maintainer": "x"}}}
    container = {
        "Name": "/web",
        "Config": {
            "Image": "busybox", "Cmd": ["httpd", "-f"], "Entrypoint": None, "Tty": False,
            "OpenStdin": False, "Env": ["PATH=/bin", "MODE=prod"],
            "Labels": {"maintainer": "x", "tier": "web"}, "Volumes": {"/cache": {}},
            "WorkingDir": "", "User": "",
        },
        "HostConfig": {
            "PortBindings": {"80/tcp": [{"HostIp": "127.0.0.1", "HostPort": "8080"}]},
            "Binds": ["site:/www:ro"], "RestartPolicy": {"Name": "always"},
            "NetworkMode": "default", "Memory": 0, "NanoCpus": 0, "AutoRemove": False,
        },
    }  # fmt: skip
    spec = from_inspect(container, image)
    assert " ".join(spec.argv()) == (
        "docker run -d --name web --restart always -p 127.0.0.1:8080:80/tcp -e MODE=prod "
        "-v site:/www:ro -v /cache --label tier=web busybox httpd -f"
    )


def test_run_form_names_the_field_of_each_problem() -> None:
    form = RunForm(
        image="busybox", ports=["8080:80", "99999:80"], env=["OK=1", "broken"],
        command="sh -c 'unclosed", memory="12", restart="always", auto_remove=True,
    )  # fmt: skip
    result = build_run_spec(form)
    assert result.spec is None
    assert set(result.problems) == {"ports[1]", "env[1]", "command", "memory", "auto_remove"}
    assert "out of range" in result.problems["ports[1]"]
    assert "quotation" in result.problems["command"]


def test_run_form_round_trips_a_spec() -> None:
    spec = parse_run_args(
        ["-dit", "--name", "app", "-p", "127.0.0.1:8080:80", "-e", "A=1", "-v", "data:/data",
         "--restart", "on-failure:2", "-m", "64m", "--cpus", "0.5", "--entrypoint", "sh",
         "busybox", "-c", "echo hi"]
    )  # fmt: skip
    result = build_run_spec(RunForm.from_spec(spec))
    assert result.problems == {}
    assert result.spec == spec
