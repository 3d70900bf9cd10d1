"""Compose projects: project.py (what the engine's labels say a project is), config.py (what
a compose file says and what follows from it), tool.py (which Compose is installed) and
actions.py (reading files and acting through that Compose)."""

from engine_bridge.resources.compose.actions import (
    ComposeFiles,
    command,
    default_file,
    down_project,
    newest_change,
    read_config,
    read_hashes,
    run_verb,
    scale_service,
    up_project,
)
from engine_bridge.resources.compose.config import (
    ComposeConfig,
    DownPlan,
    Drift,
    ServiceConfig,
    container_name,
    default_project_name,
    drift_of,
    parse_config,
    parse_hashes,
    plan_down,
    profiles_in_use,
    project_name_problem,
    services_started,
)
from engine_bridge.resources.compose.project import ComposeProject, ComposeService, projects_of
from engine_bridge.resources.compose.tool import ComposeTool, find_tool, missing_tool

__all__ = [
    "ComposeConfig",
    "ComposeFiles",
    "ComposeProject",
    "ComposeService",
    "ComposeTool",
    "DownPlan",
    "Drift",
    "ServiceConfig",
    "command",
    "container_name",
    "default_file",
    "default_project_name",
    "down_project",
    "drift_of",
    "find_tool",
    "missing_tool",
    "newest_change",
    "parse_config",
    "parse_hashes",
    "plan_down",
    "profiles_in_use",
    "project_name_problem",
    "projects_of",
    "read_config",
    "read_hashes",
    "run_verb",
    "scale_service",
    "services_started",
    "up_project",
]
