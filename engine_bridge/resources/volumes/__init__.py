"""Volumes: how they are read, acted on and looked into, and how EngineState follows them
(keyed by name: a volume has no other ID)."""

from __future__ import annotations

from engine_bridge.resources import Kind
from engine_bridge.resources.volumes.actions import (
    PrunePlan,
    api_at_least,
    create_volume,
    plan_prune,
    prune_takes_named,
    prune_volumes,
    remove_volume,
    short_name,
)
from engine_bridge.resources.volumes.files import (
    HELPER_LABEL,
    Verification,
    VolumeFile,
    VolumeTree,
    archive_names,
    clone_volume,
    download,
    export_volume,
    import_volume,
    read_tree,
    upload,
    verify_export,
    volume_tree,
)
from engine_bridge.resources.volumes.reads import (
    inspect_volume,
    list_volumes,
    volume,
    volumes_disk_usage,
)
from engine_bridge.resources.volumes.summary import VolumeSummary, VolumeUsage

NAME = "volume"

KIND = Kind(NAME, key=lambda v: str(v.name), list_all=list_volumes, fetch=volume)

__all__ = [
    "HELPER_LABEL", "KIND", "NAME", "PrunePlan", "Verification", "VolumeFile", "VolumeSummary",
    "VolumeTree", "VolumeUsage", "api_at_least", "archive_names", "clone_volume",
    "create_volume", "download", "export_volume", "import_volume", "inspect_volume",
    "list_volumes", "plan_prune", "prune_takes_named", "prune_volumes", "read_tree",
    "remove_volume", "short_name", "upload", "verify_export", "volume", "volume_tree",
    "volumes_disk_usage",
]  # fmt: skip
