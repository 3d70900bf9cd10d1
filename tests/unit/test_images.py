"""Pure image code: pull/push progress, layers from history, registry errors."""

from __future__ import annotations

from typing import Any

from engine_bridge.errors import ErrorKind, registry_error
from engine_bridge.specs.image_layers import instruction_of, layers_of
from engine_bridge.streams.transfer_progress import TransferProgress

DIGEST = "sha256:" + "ab" * 32

PULL: list[dict[str, Any]] = [
    {"status": "Pulling from team/web", "id": "1.0"},
    {"status": "Pulling fs layer", "progressDetail": {}, "id": "aaa"},
    {"status": "Pulling fs layer", "progressDetail": {}, "id": "bbb"},
    {"status": "Downloading", "progressDetail": {"current": 500, "total": 1000}, "id": "aaa"},
    {"status": "Downloading", "progressDetail": {"current": 1000, "total": 1000}, "id": "aaa"},
    {"status": "Verifying Checksum", "progressDetail": {}, "id": "aaa"},
    {"status": "Download complete", "progressDetail": {}, "id": "aaa"},
    {"status": "Extracting", "progressDetail": {"current": 1000, "total": 1000}, "id": "aaa"},
    {"status": "Pull complete", "progressDetail": {}, "id": "aaa"},
    {"status": "Downloading", "progressDetail": {"current": 10, "total": 3000}, "id": "bbb"},
    {"status": "Downloading", "progressDetail": {"current": 3000, "total": 3000}, "id": "bbb"},
    {"status": "Pull complete", "progressDetail": {}, "id": "bbb"},
    {"status": f"Digest: {DIGEST}"},
    {"status": "Status: Downloaded newer image for 127.0.0.1:5000/team/web:1.0"},
]


def test_pull_progress_adds_layers_up_and_never_goes_back() -> None:
    progress = TransferProgress()
    fractions = []
    for second, message in enumerate(PULL):
        progress.feed(message, float(second))
        fractions.append(progress.fraction)
    assert fractions == sorted(fractions)
    assert fractions[-1] == 1.0
    assert progress.counts() == (2, 2)
    assert progress.transferred == progress.total == 4000
    assert progress.digest == DIGEST
    assert progress.status.startswith("Downloaded newer image")
    assert "1.0" not in progress.layers, "the tag line is not a layer"
    assert not progress.error


def test_speed_and_time_left_come_from_the_last_seconds() -> None:
    progress = TransferProgress()
    progress.feed({"status": "Downloading", "progressDetail": {"current": 0, "total": 10_000},
                   "id": "a"}, 0.0)  # fmt: skip
    progress.feed({"status": "Downloading", "progressDetail": {"current": 2_000, "total": 10_000},
                   "id": "a"}, 1.0)  # fmt: skip
    assert progress.speed == 2000.0
    assert progress.seconds_left == 4.0
    assert progress.speed_and_time_left() == ["2kB/s", "4 s left"]


def test_push_progress_and_the_digest_the_registry_gave() -> None:
    progress = TransferProgress(pushing=True)
    for message in (
        {"status": "The push refers to repository [127.0.0.1:5000/team/web]"},
        {"status": "Preparing", "progressDetail": {}, "id": "ccc"},
        {"status": "Preparing", "progressDetail": {}, "id": "ddd"},
        {"status": "Layer already exists", "progressDetail": {}, "id": "ddd"},
        {"status": "Pushing", "progressDetail": {"current": 512, "total": 2048}, "id": "ccc"},
        {"status": "Pushed", "progressDetail": {}, "id": "ccc"},
        {"status": f"1.0: digest: {DIGEST} size: 527"},
        {"progressDetail": {}, "aux": {"Tag": "1.0", "Digest": DIGEST, "Size": 527}},
    ):
        progress.feed(message, 0.0)
    assert progress.digest == DIGEST
    assert {layer.phase for layer in progress.layers.values()} == {"done", "present"}
    assert progress.fraction == 1.0


def test_an_error_in_the_stream_is_kept_in_the_engines_words() -> None:
    progress = TransferProgress()
    progress.feed({"errorDetail": {"message": "unauthorized: authentication required"},
                   "error": "unauthorized: authentication required"}, 0.0)  # fmt: skip
    assert progress.error == "unauthorized: authentication required"
    found = registry_error(progress.error, "127.0.0.1:5000")
    assert found is not None
    assert found.kind is ErrorKind.UNAUTHORIZED
    assert found.hint.startswith("Log in to 127.0.0.1:5000")


def test_registry_errors_in_human_words() -> None:
    cases = {
        'Get "http://127.0.0.1:9/v2/": dial tcp 127.0.0.1:9: connect: connection refused':
            ErrorKind.REGISTRY_UNREACHABLE,
        "manifest for 127.0.0.1:5000/x:1 not found: manifest unknown: manifest unknown":
            ErrorKind.IMAGE_NOT_FOUND,
        "invalid reference format: repository name must be lowercase": ErrorKind.BAD_REQUEST,
        "Head https://r/v2/x/manifests/1: no basic auth credentials": ErrorKind.UNAUTHORIZED,
        "pull access denied for x, repository does not exist or may require 'docker login'":
            ErrorKind.IMAGE_NOT_FOUND,
    }  # fmt: skip
    for message, kind in cases.items():
        found = registry_error(message)
        assert found is not None, message
        assert found.kind is kind, message
        assert found.message == message
    assert registry_error("container is not running") is None


def test_instructions_read_back_from_history() -> None:
    assert instruction_of('/bin/sh -c #(nop)  CMD ["sh"]') == 'CMD ["sh"]'
    assert instruction_of("/bin/sh -c #(nop) COPY file:ab in /x ") == "COPY file:ab in /x"
    assert instruction_of("/bin/sh -c apk add curl") == "RUN /bin/sh -c apk add curl"
    assert instruction_of("RUN /bin/sh -c make # buildkit") == "RUN /bin/sh -c make"
    assert instruction_of("|2 A=1 B=2 /bin/sh -c make") == "RUN /bin/sh -c make"
    assert instruction_of("") == "(no instruction recorded)"


def test_layers_pair_with_steps_and_shared_layers_are_named() -> None:
    history = [  # newest first, as the engine gives it
        {"CreatedBy": '/bin/sh -c #(nop)  CMD ["sh"]', "Size": 0, "Created": 3},
        {"CreatedBy": "/bin/sh -c #(nop) LABEL a=b", "Size": 0, "Created": 2},
        {"CreatedBy": "/bin/sh -c make", "Size": 100, "Created": 2},
        {"CreatedBy": "/bin/sh -c #(nop) COPY file:x in /bin/busybox ", "Size": 1000, "Created": 1},
    ]  # fmt: skip
    layers = layers_of(history, ["sha256:base", "sha256:make"],
                       {"busybox:latest": ["sha256:base"], "other:1": ["sha256:else"]})  # fmt: skip
    assert [layer.instruction.split()[0] for layer in layers] == ["COPY", "RUN", "LABEL", "CMD"]
    assert [layer.layer for layer in layers] == ["sha256:base", "sha256:make", "", ""]
    assert [layer.empty for layer in layers] == [False, False, True, True]
    assert layers[0].shared_with == ("busybox:latest",)
    assert layers[1].shared_with == ()


def test_layers_when_the_builder_made_a_layer_of_a_settings_step() -> None:
    history = [
        {"CreatedBy": "WORKDIR /app", "Size": 0},
        {"CreatedBy": "COPY . / # buildkit", "Size": 10},
    ]
    layers = layers_of(history, ["sha256:copy", "sha256:workdir"])
    assert [layer.layer for layer in layers] == ["sha256:copy", "sha256:workdir"]


def test_the_heading_counts_images_tags_and_dangling_ones_apart() -> None:
    from desktop_app.panes.images.rows import count_text, rows_of
    from engine_bridge import ImageSummary

    images = [
        ImageSummary.from_api({"Id": "sha256:aa", "RepoTags": ["web:1", "web:latest"]}),
        ImageSummary.from_api({"Id": "sha256:bb", "RepoTags": ["db:2"]}),
        ImageSummary.from_api({"Id": "sha256:cc", "RepoTags": ["<none>:<none>"]}),
    ]
    assert count_text(rows_of(images, [])) == "3 images · 3 tags · 1 dangling"
    assert count_text(rows_of(images[1:2], [])) == "1 image"
    assert count_text(rows_of(images[:1], [])) == "1 image · 2 tags"
