"""Listening sockets read from /proc/net/tcp and tcp6 as Linux prints them."""

from __future__ import annotations

from engine_bridge.streams.proc_net import Listener, listeners

TCP = """\
  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 0100007F:0050 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1 1
   1: 00000000:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 2 1
   2: 0200110A:1F90 0100110A:D2A4 01 00000000:00000000 00:00000000 00000000     0        0 3 1
"""
TCP6 = """\
  sl  local_address                         remote_address                        st tx_queue
   0: 00000000000000000000000000000000:0016 00000000000000000000000000000000:0000 0A 0:0
   1: 00000000000000000000000001000000:0277 00000000000000000000000000000000:0000 0A 0:0
   2: 0000000000000000FFFF00000100007F:0035 00000000000000000000000000000000:0000 0A 0:0
"""


def test_listening_sockets_with_their_addresses() -> None:
    found = listeners(TCP + TCP6)
    assert found == [
        Listener("::", 22),
        Listener("127.0.0.1", 53),  # an IPv4-mapped IPv6 address, shown as IPv4
        Listener("127.0.0.1", 80),
        Listener("::1", 631),
        Listener("0.0.0.0", 8080),
    ]
    assert [listener.everywhere for listener in found] == [True, False, False, False, True]
    assert [listener.loopback_only for listener in found] == [False, True, True, True, False]


def test_connections_and_noise_are_not_listeners() -> None:
    assert listeners("") == []
    assert listeners("cat: can't open '/proc/net/tcp6': No such file or directory\n") == []
    assert listeners(TCP.splitlines()[3]) == [], "an established connection"
