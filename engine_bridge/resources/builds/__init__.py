"""Builds: a build from a Dockerfile on the engine's classic builder, with its steps as they
happen, and what a build context holds before it is sent."""

from __future__ import annotations

from engine_bridge.resources.builds.actions import (
    build_image,
    describe_build,
    dockerfile_excerpt,
    failing_line,
)
from engine_bridge.resources.builds.builders import (
    BuildCache,
    Builders,
    CacheEntry,
    build_cache,
    builders,
    plan_cache_prune,
    prune_build_cache,
)
from engine_bridge.resources.builds.context import (
    ContextSummary,
    step_inputs_of,
    summarise_context,
)

__all__ = [
    "BuildCache",
    "Builders",
    "CacheEntry",
    "ContextSummary",
    "build_cache",
    "build_image",
    "builders",
    "describe_build",
    "dockerfile_excerpt",
    "failing_line",
    "plan_cache_prune",
    "prune_build_cache",
    "step_inputs_of",
    "summarise_context",
]  # fmt: skip
