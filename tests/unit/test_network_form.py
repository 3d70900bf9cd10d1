"""A new network's form checked in words: names, subnets that overlap another network or a
route of this machine, a gateway and an address range inside the subnet; and its command."""

from __future__ import annotations

from engine_bridge import NetworkForm, network_command, network_problems


def test_overlaps_and_ranges_are_refused_in_words() -> None:
    used = {"172.17.0.0/16": "bridge", "10.20.0.0/16": "shop_default"}
    routes = ["192.168.1.0/24"]

    def problems(**fields: object) -> dict[str, str]:
        return network_problems(NetworkForm(**{"name": "shop", **fields}), ["bridge"], used, routes)  # type: ignore[arg-type]

    assert problems() == {}
    assert problems(subnet="10.30.0.0/24", gateway="10.30.0.1", ip_range="10.30.0.128/25") == {}
    assert problems(subnet="10.20.5.0/24")["subnet"] == (
        "10.20.5.0/24 overlaps 10.20.0.0/16, which network shop_default uses: choose another "
        "range.")  # fmt: skip
    assert "a network this machine routes to" in problems(subnet="192.168.0.0/16")["subnet"]
    assert "not a subnet" in problems(subnet="10.30.0.1/24")["subnet"], "host bits set"
    assert problems(subnet="10.30.0.0/24", gateway="10.31.0.1")["gateway"] == (
        "10.31.0.1 is not inside 10.30.0.0/24.")  # fmt: skip
    assert "Give the subnet first" in problems(gateway="10.30.0.1")["gateway"]
    assert network_problems(NetworkForm("bridge"), ["bridge"])["name"] == (
        "There is a network named bridge already.")  # fmt: skip
    assert "cannot be a network name" in network_problems(NetworkForm("-x"))["name"]


def test_the_command_says_the_same() -> None:
    form = NetworkForm("shop", subnet="10.30.0.0/24", gateway="10.30.0.1", internal=True,
                       labels=(("team", "a"),))  # fmt: skip
    assert network_command(form) == (
        "docker network create --subnet 10.30.0.0/24 --gateway 10.30.0.1 --internal "
        "--label team=a shop")  # fmt: skip


def test_room_in_the_default_pools() -> None:
    from engine_bridge.specs.network_form import pool_room

    assert pool_room([], []) == (31, 31)
    # A network in 172.18/16 and a host route over 192.168.0-15 take one of each.
    assert pool_room(["172.18.0.0/16"], ["192.168.0.0/20"]) == (29, 31)


def test_an_ipv6_subnet_is_asked_for_checked_and_said() -> None:
    used = {"fd00:aa::/48": "old6"}

    def problems(**fields: object) -> dict[str, str]:
        return network_problems(NetworkForm(**{"name": "six", **fields}), [], used)  # type: ignore[arg-type]

    assert "IPv6 needs a subnet of its own" in problems(ipv6=True)["subnet6"]
    assert problems(ipv6=True, subnet6="fd00:bb::/64", gateway6="fd00:bb::1") == {}
    assert "overlaps fd00:aa::/48, which network old6 uses" in problems(
        ipv6=True, subnet6="fd00:aa:0:1::/64")["subnet6"]  # fmt: skip
    assert problems(ipv6=True, subnet6="10.1.0.0/24")["subnet6"] == (
        "10.1.0.0/24 is an IPv4 subnet: it goes in the Subnet field.")  # fmt: skip
    assert problems(subnet="fd00:cc::/64")["subnet"] == (
        "fd00:cc::/64 is an IPv6 subnet: it goes in the IPv6 subnet field.")  # fmt: skip
    assert "Tick IPv6" in problems(subnet6="fd00:bb::/64")["subnet6"]
    assert problems(ipv6=True, subnet6="fd00:bb::/64", gateway6="fd00:cc::1")["gateway6"] == (
        "fd00:cc::1 is not inside fd00:bb::/64.")  # fmt: skip
    form = NetworkForm("six", subnet="10.40.0.0/24", ipv6=True, subnet6="fd00:bb::/64",
                       gateway6="fd00:bb::1")  # fmt: skip
    assert network_command(form) == (
        "docker network create --subnet 10.40.0.0/24 --subnet fd00:bb::/64 "
        "--gateway fd00:bb::1 --ipv6 six")  # fmt: skip
