"""The Compose pane against the real engine and the installed Compose (docker-compose v1 on
this machine): up from a file with a profile and an env file, the project listed with its
files, drift after the file is edited, scale, stop/start/restart, and down whose preview is
exactly what goes; a project started in a terminal is found and managed; a broken file and a
missing Compose are said in words."""

from __future__ import annotations

import asyncio
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from desktop_app.panes.base import ROW_ROLE
from desktop_app.panes.compose.down_dialog import DownDialog
from desktop_app.panes.compose.pane import ComposePane
from desktop_app.panes.compose.scale_dialog import ScaleDialog
from desktop_app.panes.compose.up_dialog import UpDialog
from desktop_app.window import MainWindow
from engine_bridge import ComposeConfig, ComposeFiles, ComposeTool, find_tool
from tests.engine_support import TEST_LABEL
from tests.gui.conftest import answer_choice, until

FILE = """\
version: "3.8"
services:
  web:
    image: {image}
    command: ["sh", "-c", "echo web says $$GREETING; sleep 600"]
    environment:
      GREETING: ${{GREETING:-plain}}
    volumes: ["data:/data"]
    networks: [back]
  worker:
    image: {image}
    command: ["sleep", "{sleep}"]
    networks: [back]
    depends_on: [web]
  debug:
    image: {image}
    command: ["sleep", "600"]
    profiles: ["debug"]
volumes:
  data:
    labels: {{ {label}: "1" }}
networks:
  back:
    labels: {{ {label}: "1" }}
"""


@pytest.fixture
def project_folder(tmp_path: Path, name: str, busybox_image: str) -> Iterator[Path]:
    """A folder named after the project, holding its compose file and an env file; the
    project is taken down (volumes too) afterwards, whatever the test left."""
    folder = tmp_path / name
    folder.mkdir()
    (folder / "docker-compose.yml").write_text(
        FILE.format(image=busybox_image, label=TEST_LABEL, sleep=600)
    )
    (folder / "custom.env").write_text("GREETING=hello from the env file\n")
    yield folder
    subprocess.run(["docker-compose", "-p", name, "--profile", "debug", "down", "-v"],
                   cwd=folder, capture_output=True, timeout=120, check=False)  # fmt: skip


async def pane_read_never(_target: ComposeFiles) -> ComposeConfig:
    raise AssertionError("not read in this test")


def _pane(window: MainWindow) -> ComposePane:
    pane = window.panes["Compose"]
    assert isinstance(pane, ComposePane)
    window.show_pane("Compose")
    return pane


def test_up_from_a_file_then_drift_scale_stop_start_and_down(
    window: MainWindow, name: str, project_folder: Path, run: Any, docker_client: Any
) -> None:
    pane = _pane(window)
    compose_file = project_folder / "docker-compose.yml"

    def row() -> Any:
        return pane.model.row(name)  # Any: the tests wait for it before using it

    def containers() -> dict[str, str]:
        found = docker_client.api.containers(
            all=True, filters={"label": f"com.docker.compose.project={name}"}
        )
        return {c["Names"][0].lstrip("/"): c["State"] for c in found}

    async def scenario() -> None:
        await until(lambda: pane.tool is not None, 30, "Compose found")
        upping = asyncio.ensure_future(pane.up_dialog())
        await until(lambda: isinstance(pane.dialog, UpDialog), 5, "the up dialog")
        dialog = pane.dialog
        assert isinstance(dialog, UpDialog)
        dialog.file.setText(str(compose_file))
        dialog.env_file.setText(str(project_folder / "custom.env"))
        await until(lambda: dialog.config is not None, 30, "the file read by Compose")
        assert dialog.name.text() == name
        preview = dialog.preview.text()
        assert "Up starts 2 services" in preview
        assert f"{name}_web_1" in preview
        assert "Not started: debug (profile debug)" in preview
        dialog.profile_boxes["debug"].setChecked(True)
        assert "Up starts 3 services" in dialog.preview.text()
        assert dialog.command.text() == (
            f"cd {project_folder} && docker-compose -p {name} --env-file custom.env "
            "--profile debug up -d"
        )
        assert dialog.up_button.isEnabled()
        dialog.up_button.click()
        assert await upping == name, pane.message.text()

        # Listed, with where it came from, and what Compose printed.
        await until(lambda: row() is not None and row().running == 3, 30, "three running")
        project = row()
        assert [s.name for s in project.services] == ["debug", "web", "worker"]
        assert project.working_dir == str(project_folder)
        assert project.config_files == (str(compose_file),)
        assert pane.fmt.text(project, 4) == str(project_folder)
        env = docker_client.api.inspect_container(f"{name}_web_1")["Config"]["Env"]
        assert "GREETING=hello from the env file" in env
        assert set(project.networks) >= {f"{name}_back"}
        assert project.volumes == (f"{name}_data",)
        pane.select(name)
        details = pane.details
        assert details is not None
        output = details.output_model  # type: ignore[attr-defined]
        assert any(f"Creating {name}_web_1" in line.text for line in output.rows)
        logs = details.logs  # type: ignore[attr-defined]
        await until(lambda: any("web says hello from the env file" in line.text
                                for line in logs.model.rows), 30, "the project's logs")  # fmt: skip
        await until(lambda: name in pane.drift, 30, "the file compared")
        assert not pane.drift[name].any

        # Drift: edit the file, the project says so; applying it recreates that service.
        edited = compose_file.read_text().replace('"600"]\n    networks', '"601"]\n    networks')
        compose_file.write_text(edited)
        pane.check_files()
        await until(lambda: pane.drift.get(name) is not None and pane.drift[name].any, 30,
                    "the change seen")  # fmt: skip
        assert pane.drift[name].changed == ("worker",)
        assert pane.fmt.text(row(), 0) == f"{name}  · file changed"
        pane.select(name)
        assert pane.apply_action.isEnabled()
        before = docker_client.api.inspect_container(f"{name}_worker_1")["Id"]
        assert await pane.apply_file(row()), pane.message.text()
        await until(lambda: name in pane.drift and not pane.drift[name].any, 30, "in line")
        assert docker_client.api.inspect_container(f"{name}_worker_1")["Id"] != before
        assert docker_client.api.inspect_container(f"{name}_worker_1")["Config"]["Cmd"] == [
            "sleep", "601"]  # fmt: skip

        # Scale worker to two containers.
        scaling = asyncio.ensure_future(pane.scale_dialog(row(), "worker"))
        await until(lambda: isinstance(pane.dialog, ScaleDialog), 5, "the scale dialog")
        scale = pane.dialog
        assert isinstance(scale, ScaleDialog)
        scale.count.setValue(2)
        assert "--scale worker=2" in scale.command.text()
        scale.scale_button.click()
        assert await scaling, pane.message.text()
        await until(lambda: containers().get(f"{name}_worker_2") == "running", 30, "two workers")

        # Stop keeps everything; start and restart bring it back.
        assert await pane.act(row(), "stop"), pane.message.text()
        await until(lambda: row() is not None and row().status == "Stopped", 30, "stopped")
        assert set(containers().values()) == {"exited"}
        assert await pane.act(row(), "start"), pane.message.text()
        await until(lambda: row() is not None and row().running == 4, 30, "running again")
        assert await pane.act(row(), "restart"), pane.message.text()
        await until(lambda: row() is not None and row().running == 4, 30, "restarted")

        # Down with -v: the preview is what goes.
        downing = asyncio.ensure_future(pane.down_dialog(row()))
        await until(lambda: isinstance(pane.dialog, DownDialog), 5, "the down preview")
        down = pane.dialog
        assert isinstance(down, DownDialog)
        assert f"Kept</b>: volumes {name}_data" in down.preview.text()
        down.volumes_box.setChecked(True)
        assert not down.down_button.isEnabled()  # not before the name is typed
        down.confirm.setText(name)
        assert down.down_button.isEnabled()
        plan = down.plan()
        assert set(plan.containers) == set(containers())
        assert plan.volumes == (f"{name}_data",)
        networks_before = {n["Name"] for n in docker_client.api.networks()}
        assert set(plan.networks) <= networks_before
        assert down.command.text() == f"cd {project_folder} && docker-compose -p {name} " \
            "--env-file custom.env --profile debug down -v"  # fmt: skip
        down.down_button.click()
        assert await downing, pane.message.text()
        assert containers() == {}
        networks_after = {n["Name"] for n in docker_client.api.networks()}
        assert networks_before - networks_after == set(plan.networks)
        volumes = {v["Name"] for v in docker_client.api.volumes()["Volumes"] or []}
        assert f"{name}_data" not in volumes
        await until(lambda: row() is None, 10, "the project gone from the list")

    run(scenario())


def test_a_project_started_in_a_terminal_is_found_and_managed(
    window: MainWindow, name: str, project_folder: Path, run: Any, docker_client: Any
) -> None:
    pane = _pane(window)
    subprocess.run(["docker-compose", "-p", name, "up", "-d"], cwd=project_folder, check=True,
                   capture_output=True, timeout=120)  # fmt: skip

    async def scenario() -> None:
        row: Any = lambda: pane.model.row(name)  # noqa: E731
        await until(lambda: row() is not None, 30, "the project listed")
        project = row()
        assert project.running == 2
        assert project.config_files == (str(project_folder / "docker-compose.yml"),)
        # The row under the mouse offers the common verbs.
        at = next(pane.proxy.index(n, 0) for n in range(pane.proxy.rowCount())
                  if pane.proxy.index(n, 0).data(ROW_ROLE).name == name)  # fmt: skip
        assert [words for _icon, words, _do in pane.row_verbs(at)] == [
            "Stop", "Show the logs", "Down…"]  # fmt: skip
        # Compose v2 over this v1 project would recreate its containers: said before.
        v2 = ComposeTool(("docker", "compose"), "2.29.0")
        warned = UpDialog(v2, {name: project}, pane_read_never, str(project_folder / "x.yml"))
        warned.name.setText(name)
        assert "made by Compose v1" in warned.warning.text()
        assert "recreates every one of its containers" in warned.warning.text()
        warned.deleteLater()
        asking = asyncio.ensure_future(pane.recreation_agreed(project, v2))
        said = await answer_choice(pane, "cancel")
        assert "recreates every container" in said
        assert await asking is False
        assert await pane.act(project, "stop"), pane.message.text()
        await until(lambda: row().running == 0, 30, "stopped from the app")
        downing = asyncio.ensure_future(pane.down_dialog(row()))
        await until(lambda: isinstance(pane.dialog, DownDialog), 5, "the down preview")
        down = pane.dialog
        assert isinstance(down, DownDialog)
        assert down.plan().kept_volumes == (f"{name}_data",)
        down.down_button.click()
        assert await downing, pane.message.text()
        await until(lambda: row() is None, 10, "gone from the list")
        # Without -v the named volume and its data stay for the next up.
        assert docker_client.api.inspect_volume(f"{name}_data")["Name"] == f"{name}_data"

    run(scenario())


def test_a_broken_file_and_a_missing_compose_are_said_in_words(
    window: MainWindow, name: str, project_folder: Path, run: Any, monkeypatch: Any
) -> None:
    pane = _pane(window)
    broken = project_folder / "docker-compose.yml"
    broken.write_text("services:\n  web:\n    image: [unclosed\n")

    async def scenario() -> None:
        await until(lambda: pane.tool is not None, 30, "Compose found")
        upping = asyncio.ensure_future(pane.up_dialog(str(broken)))
        await until(lambda: isinstance(pane.dialog, UpDialog), 5, "the up dialog")
        dialog = pane.dialog
        assert isinstance(dialog, UpDialog)
        await until(lambda: bool(dialog.problem.text()), 30, "Compose's complaint")
        said = dialog.problem.text()
        assert said.startswith("Compose cannot read the file.")
        assert "Traceback" not in said
        assert not dialog.up_button.isEnabled()
        dialog.reject()
        assert await upping is None

        monkeypatch.setenv("PATH", str(project_folder))  # no docker, no docker-compose
        assert find_tool() is None
        await pane._find_tool(again=True)
        assert pane.tool is None
        assert "Docker Compose is not installed" in pane.message.text()
        assert "apt install docker-compose" in pane.message.text()
        assert await pane.up_dialog() is None
        monkeypatch.undo()
        await pane._find_tool(again=True)
        assert pane.tool is not None

    run(scenario())
