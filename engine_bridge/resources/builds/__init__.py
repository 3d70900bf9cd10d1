"""Builds: a build from a Dockerfile on the engine's classic builder, with its steps as they
happen, and what a build context holds before it is sent."""

from __future__ import annotations

from engine_bridge.resources.builds.actions import build_image, describe_build
from engine_bridge.resources.builds.context import ContextSummary, summarise_context

__all__ = ["ContextSummary", "build_image", "describe_build", "summarise_context"]
