"""The engine settings form and the raw daemon.json: checked in words, merged without
losing keys the form does not show, and each change known to apply live or on restart."""

from __future__ import annotations

from engine_bridge.specs.daemon_settings import (
    SettingsForm,
    changed,
    form_of,
    merged,
    needs_restart,
    parse_raw,
    settings_problems,
    text_of,
)


def test_a_file_read_into_the_form_and_back_is_the_same_file() -> None:
    config = {
        "registry-mirrors": ["https://mirror.example:5000"],
        "insecure-registries": ["127.0.0.1:5000", "10.0.0.0/8"],
        "log-driver": "local",
        "log-opts": {"max-size": "10m", "max-file": "3"},
        "default-address-pools": [{"base": "10.201.0.0/16", "size": 24}],
        "live-restore": True,
        "features": {"buildkit": False},
        "max-concurrent-downloads": 6,  # not in the form: kept as it was
    }
    assert merged(config, form_of(config)) == config


def test_clearing_a_field_removes_its_key_and_leaves_the_rest() -> None:
    config = {"debug": True, "labels": ["team=a"], "features": {"buildkit": True, "x": True}}
    form = form_of(config)
    cleared = SettingsForm(debug=False, buildkit=None)
    assert form.debug
    assert form.buildkit is True
    assert merged(config, cleared) == {"labels": ["team=a"], "features": {"x": True}}


def test_bad_entries_are_named_with_what_to_write() -> None:
    form = SettingsForm(
        registry_mirrors="mirror.example",
        insecure_registries="http://127.0.0.1:5000",
        log_driver="jsonfile",
        log_opts="max-size",
        address_pools="10.201.0.1/16 24",
    )
    problems = settings_problems(form)
    assert "https://host[:port]" in problems["registry-mirrors"]
    assert "without http://" in problems["insecure-registries"]
    assert "no log driver 'jsonfile'" in problems["log-driver"]
    assert "name=value" in problems["log-opts"]
    assert "host part zero" in problems["default-address-pools"]


def test_address_pools_must_fit_and_not_overlap() -> None:
    too_big = settings_problems(SettingsForm(address_pools="10.201.0.0/16 8"))
    assert "between /16" in too_big["default-address-pools"]
    overlap = settings_problems(SettingsForm(address_pools="10.0.0.0/8 24\n10.201.0.0/16 24"))
    assert "overlap" in overlap["default-address-pools"]
    assert settings_problems(SettingsForm(address_pools="10.201.0.0/16 24\n10.202.0.0/16 26")) == {}


def test_raw_json_is_checked_before_it_is_saved() -> None:
    assert parse_raw("") == ({}, "")
    config, problem = parse_raw('{"debug": true,}')
    assert config is None
    assert problem.startswith("This is not valid JSON")
    assert "line 1" in problem
    assert parse_raw("[1, 2]")[1].startswith("The settings must be one JSON object")
    assert "Dockyard sets data-root" in parse_raw('{"data-root": "/srv/docker"}')[1]
    assert parse_raw('{"live-restore": "yes"}')[1] == "live-restore must be true or false."
    assert parse_raw('{"max-concurrent-downloads": true}')[1].endswith("a whole number.")
    assert (
        "must be a string" in parse_raw('{"log-driver": "local", "log-opts": {"max-file": 3}}')[1]
    )
    assert "no log driver" in parse_raw('{"log-driver": "nope"}')[1]
    config, problem = parse_raw(text_of({"debug": True, "labels": ["a=b"]}))
    assert problem == ""
    assert config == {"debug": True, "labels": ["a=b"]}


def test_which_changes_need_a_restart() -> None:
    before = {"debug": False, "log-driver": "json-file"}
    live = {"debug": True, "log-driver": "json-file", "registry-mirrors": ["https://m:1"]}
    assert changed(before, live) == ["debug", "registry-mirrors"]
    assert needs_restart(before, live) == []
    assert needs_restart(before, {**live, "log-driver": "local"}) == ["log-driver"]
    assert needs_restart(before, {"debug": False}) == ["log-driver"]  # removed counts too
