"""Dockyard's engine bridge: everything that talks to a Docker Engine, and no Qt.

This module is the public surface: the desktop app imports from here (and from `specs`,
what people type), never from the modules behind it; the import contracts in
pyproject.toml check that. A command-line tool or another UI could do the same.
"""

from engine_bridge.blocking import run_blocking
from engine_bridge.bridge import EngineBridge
from engine_bridge.credentials import Credentials, CredentialStore
from engine_bridge.dto import (
    COMPOSE_PROJECT,
    COMPOSE_SERVICE,
    EngineFacts,
    RestartPolicy,
    parse_time,
)
from engine_bridge.endpoints import Endpoint
from engine_bridge.engines.base import EngineProvider, Lifecycle, ProviderStatus
from engine_bridge.engines.bundled import BundledEngine, data_dir
from engine_bridge.engines.choice import Choice, Preference, choose
from engine_bridge.engines.local import SystemEngine
from engine_bridge.errors import EngineError, ErrorKind, NotStarted
from engine_bridge.live.log_follower import Happening, LogFollower, LogNote
from engine_bridge.live.logs import container_log, export_container_log
from engine_bridge.live.stats_watch import StatsWatch
from engine_bridge.live.terminals import (
    DETACH_KEYS,
    SHELL_MISSING_CODES,
    CommandResult,
    TerminalSession,
    run_command,
)
from engine_bridge.live.terminals import attach as attach_terminal
from engine_bridge.live.terminals import close as close_terminal
from engine_bridge.live.terminals import exit_code as terminal_exit_code
from engine_bridge.live.terminals import open_exec as open_exec_terminal
from engine_bridge.live.terminals import resize as resize_terminal
from engine_bridge.live.terminals import send as send_to_terminal
from engine_bridge.operations import Operation, OperationLog, OperationState
from engine_bridge.resources.builds import ContextSummary, build_image, summarise_context
from engine_bridge.resources.containers import (
    ContainerRef,
    ContainerSummary,
    MountPoint,
    PortBinding,
    blueprint_of_container,
    container_processes,
    duplicate_container,
    inspect_container,
    kill_container,
    list_containers,
    pause_container,
    recreate_container,
    remove_container,
    restart_container,
    run_container,
    run_spec_of,
    start_container,
    stop_container,
    unpause_container,
    update_restart_policy,
)
from engine_bridge.resources.images import (
    ImageSummary,
    image_layers,
    images_disk_usage,
    inspect_image,
    list_images,
    load_image,
    log_in,
    log_out,
    prune_images,
    pull_image,
    push_image,
    registry_manifest,
    remove_image,
    save_image,
    tag_image,
)
from engine_bridge.resources.networks import NetworkSummary, list_networks
from engine_bridge.resources.volumes import (
    HELPER_LABEL,
    PrunePlan,
    Verification,
    VolumeFile,
    VolumeSummary,
    VolumeTree,
    VolumeUsage,
    archive_names,
    clone_volume,
    create_volume,
    download,
    export_volume,
    import_volume,
    inspect_volume,
    list_volumes,
    plan_prune,
    prune_takes_named,
    prune_volumes,
    remove_volume,
    short_name,
    upload,
    verify_export,
    volume_tree,
    volumes_disk_usage,
)
from engine_bridge.specs.build_spec import BuildSpec, docker_build_text
from engine_bridge.specs.build_spec import problems as build_problems
from engine_bridge.specs.dockerfile import Dockerfile
from engine_bridge.specs.dockerfile import parse as read_dockerfile
from engine_bridge.state import Change, Connection, ConnectionChange, EngineState
from engine_bridge.streams.build_progress import BuildProgress, BuildStep
from engine_bridge.streams.log_lines import STDERR, STDOUT, LogLine
from engine_bridge.streams.stats import StatsSample
from engine_bridge.streams.stats_history import StatsHistory
from engine_bridge.streams.transfer_progress import LayerProgress, TransferProgress

__all__ = [
    "COMPOSE_PROJECT",
    "COMPOSE_SERVICE",
    "DETACH_KEYS",
    "HELPER_LABEL",
    "SHELL_MISSING_CODES",
    "STDERR",
    "STDOUT",
    "BuildProgress",
    "BuildSpec",
    "BuildStep",
    "BundledEngine",
    "Change",
    "Choice",
    "CommandResult",
    "Connection",
    "ConnectionChange",
    "ContainerRef",
    "ContainerSummary",
    "ContextSummary",
    "CredentialStore",
    "Credentials",
    "Dockerfile",
    "Endpoint",
    "EngineBridge",
    "EngineError",
    "EngineFacts",
    "EngineProvider",
    "EngineState",
    "ErrorKind",
    "Happening",
    "ImageSummary",
    "LayerProgress",
    "Lifecycle",
    "LogFollower",
    "LogLine",
    "LogNote",
    "MountPoint",
    "NetworkSummary",
    "NotStarted",
    "Operation",
    "OperationLog",
    "OperationState",
    "PortBinding",
    "Preference",
    "ProviderStatus",
    "PrunePlan",
    "RestartPolicy",
    "StatsHistory",
    "StatsSample",
    "StatsWatch",
    "SystemEngine",
    "TerminalSession",
    "TransferProgress",
    "Verification",
    "VolumeFile",
    "VolumeSummary",
    "VolumeTree",
    "VolumeUsage",
    "archive_names",
    "attach_terminal",
    "blueprint_of_container",
    "build_image",
    "build_problems",
    "choose",
    "clone_volume",
    "close_terminal",
    "container_log",
    "container_processes",
    "create_volume",
    "data_dir",
    "docker_build_text",
    "download",
    "duplicate_container",
    "export_container_log",
    "export_volume",
    "image_layers",
    "images_disk_usage",
    "import_volume",
    "inspect_container",
    "inspect_image",
    "inspect_volume",
    "kill_container",
    "list_containers",
    "list_images",
    "list_networks",
    "list_volumes",
    "load_image",
    "log_in",
    "log_out",
    "open_exec_terminal",
    "parse_time",
    "pause_container",
    "plan_prune",
    "prune_images",
    "prune_takes_named",
    "prune_volumes",
    "pull_image",
    "push_image",
    "read_dockerfile",
    "recreate_container",
    "registry_manifest",
    "remove_container",
    "remove_image",
    "remove_volume",
    "resize_terminal",
    "restart_container",
    "run_blocking",
    "run_command",
    "run_container",
    "run_spec_of",
    "save_image",
    "send_to_terminal",
    "short_name",
    "start_container",
    "stop_container",
    "summarise_context",
    "tag_image",
    "terminal_exit_code",
    "unpause_container",
    "update_restart_policy",
    "upload",
    "verify_export",
    "volume_tree",
    "volumes_disk_usage",
]  # fmt: skip
