"""What the app works out from a compose file and the engine's labels, without running
anything: the services an up starts, the names Compose gives, drift, and what down removes."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from engine_bridge import (
    ComposeFiles,
    ComposeTool,
    ContainerSummary,
    VolumeSummary,
    compose_command,
    container_name,
    default_project_name,
    drift_of,
    parse_config,
    parse_hashes,
    plan_down,
    profiles_in_use,
    project_name_problem,
    projects_of,
    services_started,
)
from engine_bridge.errors import EngineError
from engine_bridge.resources.containers.summary import MountPoint

RESOLVED = """
services:
  db:
    image: postgres:16
    volumes:
    - data:/var/lib/postgresql/data:rw
  web:
    build:
      context: /src/shop
    depends_on:
    - db
  debug:
    image: busybox
    profiles:
    - debug
  seed:
    image: busybox
    profiles: [tools, debug]
    depends_on: [db]
volumes:
  data: {}
  shared:
    external: true
networks:
  back: {}
"""


def container(name: str, service: str, project: str = "shop", *, hash_: str = "h",
              running: bool = True, version: str = "1.29.2", mounts: tuple[MountPoint, ...] = (),
              image: str = "busybox") -> ContainerSummary:  # fmt: skip
    labels = {
        "com.docker.compose.project": project,
        "com.docker.compose.service": service,
        "com.docker.compose.config-hash": hash_,
        "com.docker.compose.version": version,
        "com.docker.compose.project.working_dir": "/src/shop",
        "com.docker.compose.project.config_files": "docker-compose.yml",
        "com.docker.compose.container-number": name.rsplit("_", 1)[-1],
    }
    return ContainerSummary(
        id=f"id-{name}", name=name, image=image, image_id="sha256:1", command="",
        state="running" if running else "exited", status="", labels=labels, mounts=mounts,
        created=datetime(2026, 11, 1, tzinfo=UTC),
    )  # fmt: skip


def test_the_config_as_compose_prints_it() -> None:
    config = parse_config(RESOLVED)
    assert [s.name for s in config.services] == ["db", "debug", "seed", "web"]
    web = config.service("web")
    assert web is not None
    assert web.builds
    assert web.depends_on == ("db",)
    assert config.profiles == ("debug", "tools")
    assert config.volumes == {"data": False, "shared": True}
    with pytest.raises(EngineError, match="not YAML"):
        parse_config("services: [unclosed")


def test_which_services_an_up_starts_with_profiles() -> None:
    config = parse_config(RESOLVED)
    assert services_started(config, []) == ["db", "web"]
    assert services_started(config, ["tools"]) == ["db", "seed", "web"]
    assert services_started(config, ["debug"]) == ["db", "debug", "seed", "web"]


def test_project_names_and_container_names_follow_each_compose() -> None:
    assert default_project_name("My Shop.v2", v2=False) == "myshopv2"
    assert default_project_name("_shop", v2=True) == "shop"
    assert project_name_problem("Shop", v2=True)
    assert project_name_problem("-shop", v2=True)
    assert project_name_problem("shop_1-a", v2=True) == ""
    assert project_name_problem("", v2=False) == "Give the project a name."
    assert container_name("shop", "web", 2, v2=False) == "shop_web_2"
    assert container_name("shop", "web", 2, v2=True) == "shop-web-2"


def test_projects_come_from_labels() -> None:
    found = projects_of([
        container("shop_web_1", "web"), container("shop_db_1", "db", running=False),
        container("other_x_1", "x", project="other"),
        ContainerSummary(id="lone", name="lone", image="i", image_id="", command="",
                         state="running", status="", created=None),
    ])  # fmt: skip
    assert [p.name for p in found] == ["other", "shop"]
    shop = found[1]
    assert shop.status == "Running (1 of 2)"
    assert shop.working_dir == "/src/shop"
    assert shop.config_files == ("/src/shop/docker-compose.yml",)
    assert shop.made_by_v1
    assert [s.name for s in shop.services] == ["db", "web"]


def test_drift_names_what_changed() -> None:
    (shop,) = projects_of([container("shop_web_1", "web", hash_="a"),
                           container("shop_old_1", "old", hash_="b")])  # fmt: skip
    assert not drift_of(shop, {"web": "a", "old": "b"}).any
    drift = drift_of(shop, {"web": "a2", "db": "c"})
    assert (drift.changed, drift.added, drift.removed) == (("web",), ("db",), ("old",))
    assert "changed: web" in drift.in_words()
    assert parse_hashes("web 1a2b\ndb 3c4d\n") == {"web": "1a2b", "db": "3c4d"}


def test_down_plan_keeps_named_volumes_unless_asked() -> None:
    anon = "f" * 64
    mounts = (MountPoint("volume", "", "/data", False, "shop_data"),
              MountPoint("volume", "", "/cache", False, anon))  # fmt: skip
    containers = [container("shop_db_1", "db", mounts=mounts, image="postgres:16"),
                  container("shop_web_1", "web", image="shop_web"),
                  container("shop_gone_1", "gone")]  # fmt: skip
    volumes = [VolumeSummary("shop_data", "local", "", None,
                             {"com.docker.compose.project": "shop",
                              "com.docker.compose.volume": "data"}),
               VolumeSummary(anon, "local", "", None, {})]  # fmt: skip
    (shop,) = projects_of(containers, volumes=volumes)
    config = parse_config(RESOLVED)
    kept = plan_down(shop, config, volumes)
    assert kept.containers == ("shop_db_1", "shop_web_1")
    assert kept.orphans == ("shop_gone_1",)
    assert kept.volumes == ()
    assert kept.kept_volumes == ("shop_data",)
    going = plan_down(shop, config, volumes, remove_volumes=True, images="local")
    assert going.volumes == ("shop_data", anon)
    assert going.images == ("shop_web",)  # only the image built for it
    assert plan_down(shop, config, volumes, images="all").images == ("postgres:16", "shop_web")


def test_profiles_in_use_and_the_command_as_typed() -> None:
    (shop,) = projects_of([container("shop_debug_1", "debug"), container("shop_db_1", "db")])
    assert profiles_in_use(parse_config(RESOLVED), shop) == ["debug"]
    tool = ComposeTool(("docker-compose",), "1.29.2")
    target = ComposeFiles("shop", "/src/shop", ("/src/shop/prod.yml",), "/src/shop/prod.env",
                          ("debug",))  # fmt: skip
    assert compose_command(tool, target, "up", "-d") == (
        "docker-compose", "-p", "shop", "-f", "prod.yml", "--env-file", "prod.env",
        "--profile", "debug", "up", "-d",
    )  # fmt: skip
