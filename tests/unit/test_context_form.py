"""An engine on another machine as the user types it: names, addresses and TLS files checked
in words, and the docker context command it stands for."""

from __future__ import annotations

from engine_bridge.specs.context_form import (
    ContextForm,
    context_problems,
    context_warning,
    create_text,
)


def test_names_and_addresses_are_checked_in_words() -> None:
    assert context_problems(ContextForm("build-box", "ssh://dev@10.0.0.5")) == {}
    assert "already" in context_problems(ContextForm("box", "ssh://h"), ["box"])["name"]
    assert context_problems(ContextForm("box", "ssh://h"), ["box"], editing="box") == {}
    assert "the docker CLI's own" in context_problems(ContextForm("default", "ssh://h"))["name"]
    assert "cannot be a context name" in context_problems(ContextForm("-x", "ssh://h"))["name"]
    assert "not an address" in context_problems(ContextForm("box", "http://h:2375"))["host"]
    assert "Give the port" in context_problems(ContextForm("box", "tcp://h"))["host"]
    assert "names no host" in context_problems(ContextForm("box", "ssh://"))["host"]


def test_tls_files_belong_to_tcp_and_come_in_pairs() -> None:
    files = {"/c/ca.pem": "", "/c/cert.pem": "", "/c/key.pem": "", "/c/bad.pem": "not PEM"}
    tcp = ContextForm("box", "tcp://10.0.0.5:2376", ca="/c/ca.pem", cert="/c/cert.pem",
                      key="/c/key.pem")  # fmt: skip
    assert context_problems(tcp, files=files) == {}
    assert context_warning(tcp) == ""
    no_key = ContextForm("box", "tcp://10.0.0.5:2376", cert="/c/cert.pem")
    assert "needs its key" in context_problems(no_key, files=files)["tls"]
    bad = ContextForm("box", "tcp://10.0.0.5:2376", ca="/c/bad.pem")
    assert context_problems(bad, files=files)["ca"] == "not PEM"
    over_ssh = ContextForm("box", "ssh://dev@h", ca="/c/ca.pem")
    assert "for tcp:// addresses" in context_problems(over_ssh, files=files)["tls"]
    assert "anyone who can reach that port" in context_warning(ContextForm("b", "tcp://h:2375"))
    assert create_text(tcp) == (
        "docker context create --docker "
        "host=tcp://10.0.0.5:2376,ca=/c/ca.pem,cert=/c/cert.pem,key=/c/key.pem box")  # fmt: skip
    described = ContextForm("box", "ssh://dev@h", description="Build box")
    assert create_text(described, update=True) == (
        "docker context update --description 'Build box' --docker host=ssh://dev@h box"
    )
