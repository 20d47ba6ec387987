# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The wirefault authors
"""`action reset`: drop the packet and send a valid RST to both ends
(RECIPES.md: "A RST that reaches *both* ends (iptables REJECT answers
only the sender)").

Two running transfers are cut: a rate-limited curl download from the
lab's web server, and a python server that sends in a loop to a client
that reads slowly. Each end must see the reset as a reset (curl exit 56
"Connection reset by peer"; the server's send fails with ECONNRESET, or
EPIPE once the RST already closed the socket), and captures on both
hosts' eth0 must show an RST arriving from the other end's address.
"""

import re
import subprocess
import tempfile
import time
from contextlib import ExitStack
from pathlib import Path

import pytest

from wirefault import Lab, TcpSeg

PY = "/usr/bin/python3"
PEERS = str(Path(__file__).resolve().parent / "rule_peers.py")
SERVER, CLIENT = "198.18.0.2", "198.18.0.1"
SEND_PORT = 8092
RST = 0x04
RESET_ERRORS = ("ECONNRESET", "EPIPE")
RATE = "1M"                 # curl --limit-rate: 20M.bin lasts ~20 s
# The client's receive buffer, small so that the download is slow on the
# wire too: with the default (tcp_rmem max 32 MiB on recent kernels) the
# whole 20M.bin crosses in half a second into curl's socket, and curl only
# reads it slowly; the reset would then find no transfer to cut.
CLIENT_RMEM = "4096 65536 262144"
CURL_WAIT_S = 40            # curl sees the reset once it read what its
                            # socket buffered (no time asserted)


def rsts(pkts: list[TcpSeg], src: str, dst: str) -> list[TcpSeg]:
    return [p for p in pkts if p.flags & RST and p.src == src and p.dst == dst]


def reset_counters(lab: Lab) -> dict[str, int]:
    return {k: lab.counter(k) for k in ("rst_sent", "rst_failed",
                                        "rule_reset")}


def delta(a: dict, b: dict) -> dict:
    return {k: b[k] - a[k] for k in a}


@pytest.mark.parametrize("kind", ["data", "pureack"])
def test_reset_cuts_download(lab, kind):
    """Steps: captures (RSTs only) on both hosts' eth0; curl of 20M.bin at
    200 KB/s; once it runs, `rule add proto tcp port 80 tcp KIND action
    reset` (data: the server's next data segment triggers it; pureack:
    the client's next ACK).
    Verifies: curl fails with exit 56 (a reset, "Connection reset"; it
    reads what its socket had buffered first, so no time is asserted);
    the client's capture has an RST from 198.18.0.2:80 to curl's port and
    the server's capture an RST from curl's port to 198.18.0.2:80 (both
    made by wirefault); the server no longer has the connection (ss);
    rst_sent grew by at least 2, rule_reset by at least 1, rst_failed not
    at all; the rule acted."""
    with ExitStack() as stack:
        tmp = Path(stack.enter_context(tempfile.TemporaryDirectory(
            prefix="wfreset")))
        old = lab.set_sysctl("client", "net.ipv4.tcp_rmem", CLIENT_RMEM)
        stack.callback(lab.run_in, "client", "sysctl", "-qw",
                       f"net.ipv4.tcp_rmem={old}")
        bpf = "tcp port 80 and tcp[tcpflags] & tcp-rst != 0"
        ccap = lab.capture("client", tmp / "client.pcap", bpf)
        stack.callback(ccap.stop)
        scap = lab.capture("server", tmp / "server.pcap", bpf)
        stack.callback(scap.stop)
        curl = lab.spawn("client", [
            "curl", "-sS", "--limit-rate", RATE, "--max-time", "60",
            "-o", "/dev/null", "-w", r"port=%{local_port}\n",
            f"http://{SERVER}/20M.bin"])
        stack.callback(curl.stop)
        time.sleep(1.5)
        assert curl.proc.poll() is None, f"curl ended early: {curl.output}"
        c0 = reset_counters(lab)
        added = lab.rule_add(f"name cut proto tcp port 80 tcp {kind} "
                             "action reset")
        stack.callback(lab.rule_del, added.id)
        t0 = time.monotonic()
        try:
            rc = curl.proc.wait(CURL_WAIT_S)
        except subprocess.TimeoutExpired:
            rc = None
        took = time.monotonic() - t0
        curl.stop()
        time.sleep(0.5)
        c1 = reset_counters(lab)
        rule = lab.show_rules().by_id(added.id)
        m = re.search(r"port=(\d+)", curl.output)
        client = f"{CLIENT}:{m.group(1)}" if m else "?"
        sock = [x for x in lab.tcp_sockets("server") if x.peer == client]
        assert (ccap.stop(), scap.stop()) == (0, 0)
        cpk, spk = ccap.packets(), scap.packets()

    assert rc == 56, f"curl exit {rc} (want 56, connection reset) " \
        f"{took:.1f}s after the reset rule: {curl.output}; RSTs to the " \
        f"client {len(rsts(cpk, f'{SERVER}:80', client))}, to the server " \
        f"{len(rsts(spk, client, f'{SERVER}:80'))}"
    assert re.search(r"reset", curl.output, re.I), curl.output
    to_client = rsts(cpk, f"{SERVER}:80", client)
    to_server = rsts(spk, client, f"{SERVER}:80")
    assert to_client, f"no RST reached the client {client}: client " \
        f"capture {cpk}"
    assert to_server, f"no RST reached the server for {client}: server " \
        f"capture {spk}"
    assert not [x for x in sock if x.state == "ESTAB"], \
        f"the server's socket of the connection is still open: {sock}"
    d = delta(c0, c1)
    assert d["rst_sent"] >= 2 and d["rule_reset"] >= 1 and \
        d["rst_failed"] == 0, d
    assert rule.acted >= 1, rule


def test_reset_seen_by_sending_server(lab):
    """Steps: a python server on 8092 that sends in a loop; a client that
    reads it slowly; captures (RSTs only) on both hosts' eth0; once data
    flows, `rule add proto tcp port 8092 tcp data action reset`.
    Verifies: the server's send fails with ECONNRESET or EPIPE (what a
    send returns once an RST closed the socket) and the server's capture
    shows an RST from the client's address; the client's read ends with
    ECONNRESET and its capture shows an RST from the server's address;
    rst_sent grew by at least 2, rst_failed not at all."""
    with ExitStack() as stack:
        tmp = Path(stack.enter_context(tempfile.TemporaryDirectory(
            prefix="wfreset")))
        server = lab.spawn("server", [PY, PEERS, "serve-send",
                                      str(SEND_PORT)], ready=r"^listening")
        stack.callback(server.stop)
        bpf = f"tcp port {SEND_PORT} and tcp[tcpflags] & tcp-rst != 0"
        ccap = lab.capture("client", tmp / "client.pcap", bpf)
        stack.callback(ccap.stop)
        scap = lab.capture("server", tmp / "server.pcap", bpf)
        stack.callback(scap.stop)
        client = lab.spawn("client", [PY, PEERS, "connect", SERVER,
                                      str(SEND_PORT), "read"],
                           ready=r"^connected ")
        stack.callback(client.stop)
        time.sleep(1.0)
        c0 = reset_counters(lab)
        added = lab.rule_add(f"name cut proto tcp port {SEND_PORT} tcp data "
                             "action reset")
        stack.callback(lab.rule_del, added.id)
        server.wait_for(r"^probe ", 15)
        client.wait_for(r"^end ", 15)
        time.sleep(0.3)
        c1 = reset_counters(lab)
        assert (ccap.stop(), scap.stop()) == (0, 0)
        cpk, spk = ccap.packets(), scap.packets()
    cli = re.search(r"^connected (\S+) ", client.output, re.M).group(1)
    fail = re.search(r"^fail (\S+) (\S+) (\d+)$", server.output, re.M)
    probe = re.search(r"^probe (\S+) (\S+) (\S+)$", server.output, re.M)
    assert fail, f"the server's send never failed: {server.output[-500:]}"
    assert fail.group(1) == cli, (fail.group(0), cli)
    to_server = rsts(spk, cli, f"{SERVER}:{SEND_PORT}")
    assert fail.group(2) in RESET_ERRORS, \
        f"the server's send failed with {fail.group(2)}, not a reset"
    # EPIPE is what a send on a socket an RST already closed returns
    assert to_server, f"the server's send failed with {fail.group(2)} " \
        f"but no RST reached the server: {spk}"
    end = re.search(r"^end (\d+) (\S+)$", client.output, re.M)
    assert end and end.group(2) == "ECONNRESET", \
        f"the client's read: {client.output[-300:]}"
    assert rsts(cpk, f"{SERVER}:{SEND_PORT}", cli), \
        f"no RST reached the client: {cpk}"
    d = delta(c0, c1)
    assert d["rst_sent"] >= 2 and d["rst_failed"] == 0, d
    assert probe, server.output[-300:]
