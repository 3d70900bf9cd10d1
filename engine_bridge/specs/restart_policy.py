"""Restart policies: `--restart no|always|unless-stopped|on-failure[:max-retries]`."""

from __future__ import annotations

from engine_bridge.dto import RestartPolicy
from engine_bridge.specs import SpecError

NAMES = ("no", "on-failure", "always", "unless-stopped")


def parse_restart_policy(text: str) -> RestartPolicy:
    """Parse a `--restart` value."""
    name, sep, count = text.strip().partition(":")
    if name not in NAMES:
        raise SpecError(
            f"'{name}' is not a restart policy: use no, on-failure, always or unless-stopped."
        )
    if not sep:
        return RestartPolicy(name)
    if name != "on-failure":
        raise SpecError(f"Only on-failure takes a retry count; '{name}' restarts without a limit.")
    if not count.isdigit():
        raise SpecError(f"'{count}' is not a number of retries: write on-failure:5, for example.")
    return RestartPolicy(name, int(count))


def render_restart_policy(policy: RestartPolicy) -> str:
    """The `--restart` value for a policy."""
    if policy.name == "on-failure" and policy.max_retries:
        return f"on-failure:{policy.max_retries}"
    return policy.name or "no"
