"""Reading engine JSON into the DTOs the UI sees."""

from __future__ import annotations

from datetime import UTC, datetime

from engine_bridge.dto import parse_time
from engine_bridge.resources.containers.summary import ContainerSummary, PortBinding
from engine_bridge.resources.images.summary import ImageSummary

LIST_ENTRY = {
    "Id": "a" * 64,
    "Names": ["/shop-web-1"],
    "Image": "nginx:1.27",
    "ImageID": "sha256:" + "b" * 64,
    "Command": "nginx -g 'daemon off;'",
    "Created": 1_700_000_000,
    "Ports": [
        {"IP": "127.0.0.1", "PrivatePort": 80, "PublicPort": 8080, "Type": "tcp"},
        {"IP": "::1", "PrivatePort": 80, "PublicPort": 8080, "Type": "tcp"},
        {"PrivatePort": 443, "Type": "tcp"},
    ],
    "Labels": {"com.docker.compose.project": "shop", "com.docker.compose.service": "web"},
    "State": "running",
    "Status": "Up 3 minutes",
    "Mounts": [
        {"Type": "volume", "Name": "data", "Source": "/var/lib/docker/volumes/data/_data",
         "Destination": "/data", "RW": False},
    ],
}  # fmt: skip


def test_container_from_list_entry() -> None:
    row = ContainerSummary.from_api(LIST_ENTRY)
    assert row.name == "shop-web-1"
    assert row.short_id == "a" * 12
    assert (row.compose_project, row.compose_service) == ("shop", "web")
    assert row.created == datetime(2023, 11, 14, 22, 13, 20, tzinfo=UTC)
    assert [str(p) for p in row.ports] == [
        "127.0.0.1:8080->80/tcp",
        "[::1]:8080->80/tcp",
        "443/tcp",
    ]
    assert row.mounts[0].read_only
    assert row.mounts[0].name == "data"
    assert row.restart_policy is None
    assert not row.detailed


def test_details_from_inspect() -> None:
    row = ContainerSummary.from_api(LIST_ENTRY).with_details(
        {
            "HostConfig": {"RestartPolicy": {"Name": "on-failure", "MaximumRetryCount": 3}},
            "State": {
                "StartedAt": "2026-11-27T19:49:45.750419659Z",
                "FinishedAt": "0001-01-01T00:00:00Z",
                "ExitCode": 0,
                "Health": {"Status": "healthy"},
            },
        }
    )
    assert row.restart_policy is not None
    assert (row.restart_policy.name, row.restart_policy.max_retries) == ("on-failure", 3)
    assert row.started_at == datetime(2026, 11, 27, 19, 49, 45, 750419, tzinfo=UTC)
    assert row.finished_at is None
    assert row.health == "healthy"
    fresh = ContainerSummary.from_api(LIST_ENTRY)
    assert fresh.keep_details_of(row) == row


def test_parse_time_with_offset() -> None:
    assert parse_time("2026-01-02T03:04:05.123456789-02:00") == datetime(
        2026, 1, 2, 5, 4, 5, 123456, tzinfo=UTC
    )
    assert parse_time("garbage") is None
    assert parse_time(0) is None


def test_image_tags_and_dangling() -> None:
    image = ImageSummary.from_api(
        {"Id": "sha256:" + "c" * 64, "RepoTags": ["<none>:<none>"], "RepoDigests": [],
         "Size": 10, "Created": 1_700_000_000}
    )  # fmt: skip
    assert image.dangling
    assert image.short_id == "c" * 12


def test_port_text() -> None:
    assert str(PortBinding(53, "udp", "0.0.0.0", 5353)) == "0.0.0.0:5353->53/udp"
