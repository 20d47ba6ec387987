# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The wirefault authors
"""Recipe 4, second half: spread new connections over backends
(../shared/RECIPES.md §4; iptables' statistic-nth DNAT + MASQUERADE).

The lab runs with three backend hosts (b1..b3, each a web server whose
/whoami names it and the address it sees) behind a switch on the server
side, and wirefault started as the recipe file says:
`app/wirefault-lab --backends 3 -- -f config/lb.rules`. The VIP
198.18.0.10 (2001:2::10) belongs to no host: wirefault answers ARP/ND for
it.

What an engineer checks: with `mode rr` 100 sequential connections land
exactly 50/50; every download is byte-exact and comes whole from one
backend (its own 1M.bin); the client never sees a backend address; with
`mode hash` a client port reaches the same backend again after its flow
is gone; with `snat` the backends see the SNAT address; an out-of-window
RST leaves the mapping in place; IPv6 works the same way.
"""

import hashlib
import json
import re
import tempfile
import time
from collections import Counter
from contextlib import ExitStack
from pathlib import Path

import pytest

from wirefault import ROOT, Lab, read_tcp_pcap

PY = "/usr/bin/python3"
VIP, VIP6, SNAT = "198.18.0.10", "2001:2::10", "198.18.0.20"
CLIENT, CLIENT6 = "198.18.0.1", "2001:2::1"
HASH_PORT = 81                      # the hash rule's VIP port (added here)
SNAT_PORT = 8080                    # config/lb.rules' snat rule
CLIENT_RMEM = "4096 32768 65536"
RESOLVE_S = 10                      # wirefault asks for backend MACs at once


@pytest.fixture(scope="module")
def lab(built):
    lab = Lab(backends=3, cwd=ROOT, tag="wflb",
              extra=["-f", "config/lb.rules",
                     # flows of closed connections go quickly, so that a
                     # client port can be mapped afresh (the hash test)
                     "--timeout", "TIME_WAIT=1", "--timeout", "CLOSED=1",
                     "--timeout", "LAST_ACK=1", "--timeout", "CLOSE_WAIT=1"])
    try:
        yield lab
    finally:
        lab.stop_clean()


def rule_page(lab: Lab, name: str) -> dict:
    """The /wirefault/rules dict of the rule named @name."""
    page = lab.telemetry("/wirefault/rules,0,32")
    for k, v in page.items():
        if k.startswith("rule") and isinstance(v, dict) and \
                v.get("name") == name:
            return v
    raise AssertionError(f"no rule {name}: {page}")


def backend_conns(lab: Lab, name: str) -> dict[str, int]:
    r = rule_page(lab, name)
    return {v["addr"]: v["conns"] for k, v in r.items()
            if k.startswith("backend")}


def wait_resolved(lab: Lab, name: str) -> None:
    """A user's first look: `show rules` lists every backend's MAC."""
    deadline = time.monotonic() + RESOLVE_S
    while time.monotonic() < deadline:
        macs = [v["mac"] for k, v in rule_page(lab, name).items()
                if k.startswith("backend")]
        if macs and "unresolved" not in macs:
            return
        time.sleep(0.2)
    raise AssertionError(f"{name}: backends unresolved: {rule_page(lab, name)}")


def backend_of(lab: Lab, who: str) -> int:
    """b1 -> 1 from a /whoami name."""
    m = re.fullmatch(re.escape(lab.name) + r"-b(\d+)", who)
    assert m, who
    return int(m.group(1))


def spread(lab: Lab, url: str, n: int) -> tuple[Counter, list[tuple[str, int]]]:
    """@n sequential GETs of a VIP's /whoami: how many each backend got,
    and the peers the backends saw, as (address, port)."""
    seen, peers = Counter(), []
    for _ in range(n):
        who, peer = lab.whoami(url)
        seen[backend_of(lab, who)] += 1
        addr, port = peer.rsplit(":", 1)
        peers.append((addr, int(port)))
    return seen, peers


def sha_of_download(lab: Lab, url: str, extra: tuple = ()) -> str:
    with tempfile.NamedTemporaryFile() as f:
        r = lab.in_client("curl", "-sS", "--fail", "--max-time", "60",
                          *extra, "-o", f.name, url, timeout=90)
        assert r.returncode == 0, f"curl {url}: {r.stderr.strip()}"
        return hashlib.sha256(Path(f.name).read_bytes()).hexdigest()


def test_vip_answered(lab):
    """Verifies: the client resolves the VIP (ARP) to wirefault's client-side
    port, while an address nobody owns stays unresolved; wirefault counted
    the questions it answered."""
    before = lab.counter("neigh_answered", 0)
    lab.run_in("client", "ip", "neigh", "flush", "dev", "eth0")
    r = lab.run_in("client", "ping", "-c1", "-W2", VIP, check=False)
    # nothing answers echo requests for the VIP; ARP is what matters here
    neigh = lab.run_in("client", "ip", "neigh", "show", VIP).stdout
    wire_mac = lab.run_in("wire", "cat", "/sys/class/net/wc/address"
                          ).stdout.strip()
    assert f"lladdr {wire_mac}" in neigh, (neigh, wire_mac, r.stdout)
    assert lab.counter("neigh_answered", 0) > before
    lab.run_in("client", "ping", "-c1", "-W1", "198.18.0.30", check=False)
    nobody = lab.run_in("client", "ip", "neigh", "show", "198.18.0.30").stdout
    assert "lladdr" not in nobody, nobody


def test_rr_exact(lab):
    """Steps: 100 sequential connections to VIP:80 (mode rr, b1 and b2).
    Verifies: exactly 50 reach each backend (as /whoami says and as the
    rule's per-backend counters say), and each backend saw the client's
    own address (no snat on this rule)."""
    wait_resolved(lab, "vip")
    before = backend_conns(lab, "vip")
    seen, peers = spread(lab, f"http://{VIP}/whoami", 100)
    assert seen == Counter({1: 50, 2: 50}), seen
    assert {a for a, _ in peers} == {CLIENT}, peers
    after = backend_conns(lab, "vip")
    assert {k: after[k] - before[k] for k in after} == {
        "198.18.0.3:80": 50, "198.18.0.4:80": 50}, (before, after)


def test_whole_download_from_one_backend(lab, tmp_path):
    """Steps: a client capture; 4 downloads of 1M.bin from the VIP at once,
    then 2 more one by one. Verifies: each is byte-identical to one
    backend's own 1M.bin (no mid-connection switch), both backends served;
    the client's capture holds TCP packets from the VIP and none with a
    backend's address."""
    wait_resolved(lab, "vip")
    shas = {lab.backend_sha256(i): i for i in (1, 2, 3)}
    assert len(shas) == 3
    cap_path = tmp_path / "client.pcap"
    with ExitStack() as stack:
        cap = lab.capture("client", cap_path, "tcp")
        stack.callback(cap.stop)
        procs = []
        outs = [tmp_path / f"d{i}.bin" for i in range(4)]
        for out in outs:
            procs.append(lab.spawn("client", [
                "curl", "-sS", "--fail", "--max-time", "60", "-o", str(out),
                f"http://{VIP}/1M.bin"]))
        for p in procs:
            stack.callback(p.stop)
        for p in procs:
            assert p.proc.wait(timeout=70) == 0, p.output
        got = [hashlib.sha256(o.read_bytes()).hexdigest() for o in outs]
        got += [sha_of_download(lab, f"http://{VIP}/1M.bin")
                for _ in range(2)]
        cap.stop()
    served = [shas.get(s) for s in got]
    assert None not in served, f"a download matches no backend: {served}"
    assert set(served) == {1, 2}, served
    pkts = cap.packets()
    backends = {lab.backend_addr(i) for i in (1, 2, 3)}
    leaked = [p for p in pkts if p.src.rsplit(":", 1)[0] in backends or
              p.dst.rsplit(":", 1)[0] in backends]
    assert not leaked, f"the client saw backend addresses: {leaked[:3]}"
    assert sum(1 for p in pkts if p.src == f"{VIP}:80") > 6 * 700


WHOAMI_FROM_PORTS = """
import json, socket, struct, sys
vip, vport, ports = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
out = {}
for p in ports:
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    # close with an RST: the client port keeps no TIME_WAIT, so the next
    # round can use it again
    s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    s.settimeout(10)
    s.bind(("0.0.0.0", int(p)))
    s.connect((vip, vport))
    s.sendall(b"GET /whoami HTTP/1.0\\r\\n\\r\\n")
    data = b""
    while True:
        chunk = s.recv(4096)
        if not chunk:
            break
        data += chunk
    s.close()
    out[p] = data.split(b"\\r\\n\\r\\n", 1)[1].decode()
print(json.dumps(out))
"""


def whoami_from_ports(lab: Lab, ports) -> dict[int, int]:
    """GET /whoami of VIP:HASH_PORT once from each client port: port ->
    backend number; each backend must have seen that very port."""
    r = lab.run_in("client", PY, "-c", WHOAMI_FROM_PORTS, VIP,
                   str(HASH_PORT), *map(str, ports), timeout=120)
    out = {}
    for port, text in json.loads(r.stdout).items():
        m = re.fullmatch(r"backend=(\S+) peer=(\S+)\n?", text)
        assert m and m.group(2) == f"{CLIENT}:{port}", text
        out[int(port)] = backend_of(lab, m.group(1))
    return out


def test_hash_stable(lab):
    """Steps: `rule add ... dport 81 action lb to b1,b2,b3 mode hash`; 24
    connections from 24 fixed client ports above the namespace's ephemeral
    range (each closed with an RST, so the client keeps no TIME_WAIT and the
    port is free again); wait
    until their flows are gone; the same 24 again. Verifies: each client
    port reaches the same backend both times, and the hash spreads the
    ports over more than one backend."""
    lab.rule_add(f"name vhash proto tcp dst {VIP} dport {HASH_PORT} action lb "
                 f"to {','.join(lab.backend_addr(i) + ':80' for i in (1, 2, 3))}"
                 " mode hash")
    wait_resolved(lab, "vhash")
    # above ip_local_port_range: a port inside it may still be in TIME_WAIT
    # from an earlier test's curl (no SO_REUSEADDR there), and bind() fails
    lo, hi = map(int, lab.run_in("client", "cat",
                 "/proc/sys/net/ipv4/ip_local_port_range").stdout.split())
    assert hi + 24 <= 65535, f"ephemeral range {lo}-{hi} leaves no room"
    ports = range(hi + 1, hi + 25)

    first = whoami_from_ports(lab, ports)
    assert len(set(first.values())) > 1, first
    # the flows of the first round must be gone, or the second round
    # would only show that a flow keeps its mapping
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        left = lab.show_flows(port=HASH_PORT)
        if not left.flows:
            break
        time.sleep(0.5)
    else:
        pytest.fail(f"flows to port {HASH_PORT} did not age out: {left}")
    second = whoami_from_ports(lab, ports)
    assert first == second


def test_snat(lab):
    """Steps: 10 connections to VIP:8080 (the snat rule), then a download.
    Verifies: every backend saw 198.18.0.20 with a port of the pool
    (1024-65535), never the client; rotation alternates b1 and b2; the
    download is byte-exact from one backend; the SNAT ports in use show in
    the rule's telemetry."""
    wait_resolved(lab, "vipsnat")
    seen, peers = spread(lab, f"http://{VIP}:{SNAT_PORT}/whoami", 10)
    for addr, port in peers:
        assert addr == SNAT and 1024 <= port <= 65535, peers
    assert seen == Counter({1: 5, 2: 5}), seen
    sha = sha_of_download(lab, f"http://{VIP}:{SNAT_PORT}/1M.bin")
    assert sha in (lab.backend_sha256(1), lab.backend_sha256(2))
    assert rule_page(lab, "vipsnat")["snat_ports_in_use"] >= 1


def test_snat_exhaustion_refused_then_reused(lab, tmp_path):
    """Steps: an lb rule whose SNAT address has 2 ports
    (`snat 198.18.0.21 ports 40000-40001`); two slow downloads through it
    hold both; a third connection; then the two are cut, and a fourth.
    Verifies: the third SYN is dropped and counted (`lb_snat_no_port`,
    `lb_refused`), so curl's connect times out; 2 ports in use while the
    two run, 0 once their flows are gone; the fourth connection gets a
    port of the range again (HOSTILE §b.1: SNAT exhaustion is counted and
    no port is used twice)."""
    lab.rule_add("name tiny proto tcp dst 198.18.0.10 dport 8081 action lb "
                 "to 198.18.0.5:80 snat 198.18.0.21 ports 40000-40001")
    try:
        wait_resolved(lab, "tiny")
        with ExitStack() as stack:
            old = lab.set_sysctl("client", "net.ipv4.tcp_rmem", CLIENT_RMEM)
            stack.callback(lab.set_sysctl, "client", "net.ipv4.tcp_rmem",
                           old)
            outs = [tmp_path / f"hold{i}.bin" for i in range(2)]
            curls = []
            for out in outs:
                c = lab.spawn("client", [
                    "curl", "-sS", "--max-time", "60", "--limit-rate", "50k",
                    "-o", str(out), f"http://{VIP}:8081/1M.bin"])
                stack.callback(c.stop)
                curls.append(c)
            deadline = time.monotonic() + 10
            while time.monotonic() < deadline and not all(
                    o.exists() and o.stat().st_size > 20_000 for o in outs):
                time.sleep(0.1)
            assert rule_page(lab, "tiny")["snat_ports_in_use"] == 2
            no_port0 = lab.counter("lb_snat_no_port")
            refused0 = lab.counter("lb_refused")
            r = lab.in_client("curl", "-sS", "--connect-timeout", "2",
                              f"http://{VIP}:8081/whoami", timeout=10)
            assert r.returncode == 28, (r.returncode, r.stdout, r.stderr)
            assert lab.counter("lb_snat_no_port") > no_port0
            assert lab.counter("lb_refused") > refused0
            for c in curls:
                c.stop()
        # the cut connections' flows time out (1 s), then a grace period
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline and \
                rule_page(lab, "tiny")["snat_ports_in_use"] != 0:
            time.sleep(0.2)
        assert rule_page(lab, "tiny")["snat_ports_in_use"] == 0
        who, peer = lab.whoami(f"http://{VIP}:8081/whoami")
        assert backend_of(lab, who) == 3
        addr, port = peer.rsplit(":", 1)
        assert addr == "198.18.0.21" and int(port) in (40000, 40001), peer
    finally:
        lab.rule_del("tiny")


def test_snat_ipv6(lab):
    """Steps: an IPv6 lb rule with `snat 2001:2::21 ports 50000-50099`;
    six connections. Verifies: the backends saw [2001:2::21] with a port
    of the range, never the client; mode rr alternates b1 and b2."""
    lab.rule_add("name snat6 proto tcp dst 2001:2::10 dport 8080 action lb "
                 "to [2001:2::3]:80,[2001:2::4]:80 snat 2001:2::21 "
                 "ports 50000-50099")
    try:
        wait_resolved(lab, "snat6")
        seen, peers = spread(lab, f"http://[{VIP6}]:8080/whoami", 6)
        for addr, port in peers:
            assert addr == "[2001:2::21]" and 50000 <= port <= 50099, peers
        assert seen == Counter({1: 3, 2: 3}), seen
    finally:
        lab.rule_del("snat6")


RST_CODE = """
import sys
from scapy.all import IP, TCP, send, conf
conf.verb = 0
vip, port, seq = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
send(IP(dst=vip)/TCP(sport=port, dport=80, flags="R", seq=seq))
"""


def test_out_of_window_rst_keeps_mapping(lab, tmp_path):
    """Steps: a slow download of 1M.bin from the VIP on a fixed client port;
    while it runs, an RST for its 4-tuple with a sequence number far out
    of the window, sent from the client's namespace. Verifies: wirefault
    counted it as tcp_rst_invalid; the download still completes and is
    byte-identical to one backend's file (the mapping survived); the
    rule mapped one connection."""
    wait_resolved(lab, "vip")
    before = backend_conns(lab, "vip")
    invalid0 = lab.counter("tcp_rst_invalid")
    out = tmp_path / "slow.bin"
    port = 41001
    with ExitStack() as stack:
        # a small receive buffer keeps the transfer on the wire while curl
        # reads slowly (else 1M.bin crosses at once into curl's socket)
        old = lab.set_sysctl("client", "net.ipv4.tcp_rmem", CLIENT_RMEM)
        stack.callback(lab.set_sysctl, "client", "net.ipv4.tcp_rmem", old)
        curl = lab.spawn("client", [
            "curl", "-sS", "--fail", "--max-time", "60", "--limit-rate",
            "200k", "--local-port", str(port), "-o", str(out),
            f"http://{VIP}/1M.bin"])
        stack.callback(curl.stop)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and (
                not out.exists() or out.stat().st_size < 100_000):
            time.sleep(0.1)
        assert out.exists() and out.stat().st_size >= 100_000
        socks = [s for s in lab.tcp_sockets("client")
                 if s.local == f"{CLIENT}:{port}" and s.state == "ESTAB"]
        assert socks, lab.tcp_sockets("client")
        # far from anything the connection used: out of every window
        lab.run_in("client", PY, "-c", RST_CODE, VIP, str(port),
                   str(0x40000000))
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline and \
                lab.counter("tcp_rst_invalid") == invalid0:
            time.sleep(0.1)
        assert lab.counter("tcp_rst_invalid") > invalid0
        rc = curl.proc.wait(timeout=70)
        assert rc == 0, curl.output
    sha = hashlib.sha256(out.read_bytes()).hexdigest()
    assert sha in (lab.backend_sha256(1), lab.backend_sha256(2)), sha
    after = backend_conns(lab, "vip")
    assert sum(after.values()) - sum(before.values()) == 1


def test_ipv6_vip(lab, tmp_path):
    """Steps: 20 sequential connections to [2001:2::10]:80 (mode rr over
    [2001:2::3] and [2001:2::4]), then 2 downloads with a client capture.
    Verifies: exactly 10 each, the backends saw the client's address;
    downloads byte-exact from one backend each; no backend address in the
    client's capture."""
    wait_resolved(lab, "vip6")
    seen, peers = spread(lab, f"http://[{VIP6}]/whoami", 20)
    assert seen == Counter({1: 10, 2: 10}), seen
    assert {a for a, _ in peers} == {f"[{CLIENT6}]"}, peers
    cap_path = tmp_path / "client6.pcap"
    with ExitStack() as stack:
        cap = lab.capture("client", cap_path, "ip6 and tcp")
        stack.callback(cap.stop)
        got = [sha_of_download(lab, f"http://[{VIP6}]/1M.bin")
               for _ in range(2)]
        cap.stop()
    assert sorted(got) == sorted([lab.backend_sha256(1),
                                  lab.backend_sha256(2)]), got
    pkts = cap.packets()
    backends = {lab.backend_addr(i, v6=True) for i in (1, 2, 3)}
    leaked = [p for p in pkts if p.src.rsplit(":", 1)[0].strip("[]") in
              backends or p.dst.rsplit(":", 1)[0].strip("[]") in backends]
    assert not leaked, leaked[:3]
    assert any(VIP6 in p.src for p in pkts), pkts[:3]
