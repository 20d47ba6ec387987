# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The wirefault authors
"""Recipe 5: let the handshake finish, then starve the connection; log
and drop impossible flags; the dead-man switch (../shared/RECIPES.md §5).

The literal translation of the iptables recipe (`flags SYN/ALL action
pass`, `flags ACK/ALL action pass`, `action drop`) starves a small request
(one PSH segment) but lets a bulk upload's full-size ACK-only segments
through; `state established tcp data action drop` is the precise form.
Both are held against a counting server in the server namespace (bytes
received) and `ss -tn` there (ESTAB, Recv-Q 0). config/starve.rules is
loaded with `rule load` and starves the lab's web server. The lab runs in
a temporary directory, where the file's `log file badflags.pcap` lands.
"""

import re
import subprocess
import time
from contextlib import ExitStack
from pathlib import Path

import pytest

from wirefault import ROOT, Lab, Process, read_tcp_pcap

LAB_IN_TMPDIR = True

PY = "/usr/bin/python3"
PEERS = str(Path(__file__).resolve().parent / "rule_peers.py")
RULES = ROOT / "config" / "starve.rules"
SERVER, CLIENT = "198.18.0.2", "198.18.0.1"
PORT = 8090                 # the counting server
PROBE_PORT = 8091           # bad-flag probes (nobody listens)
STARVE_S = 3.0              # how long a starved connection is watched
BULK = 1 << 20

LITERAL = (f"name syn-only proto tcp dport {PORT} flags SYN/ALL action pass",
           f"name ack-only proto tcp dport {PORT} flags ACK/ALL action pass",
           f"name starve proto tcp dport {PORT} action drop")
PRECISE = (f"name starve proto tcp dport {PORT} dir c2s state established "
           f"tcp data action drop",)
# A client that shuts its side sends a FIN: from that packet on the
# connection is closing (FIN_WAIT), and the retransmissions of its request
# are data in the closing state; the precise rule for it names both.
PRECISE_CLOSING = (f"name starve proto tcp dport {PORT} dir c2s "
                   f"state established,closing tcp data action drop",)

# (name, flags of the probe rule_peers.py sends, SET/MASK that catches it)
FIN, SYN, RST, PSH, ACK, URG = 0x01, 0x02, 0x04, 0x08, 0x10, 0x20
ALL = 0x3F | 0xC0
BADFLAGS = (
    ("synfin", SYN | FIN, "SYN,FIN/SYN,FIN", (SYN | FIN, SYN | FIN)),
    ("synrst", SYN | RST, "SYN,RST/SYN,RST", (SYN | RST, SYN | RST)),
    ("null", 0, "NONE/ALL", (0, ALL)),
    ("xmas", FIN | PSH | URG, "FIN,PSH,URG/ALL", (FIN | PSH | URG, ALL)),
    ("finnoack", FIN, "FIN/FIN,ACK", (FIN, FIN | ACK)),
)
PROBE_SPORTS = {"synfin": 41001, "synrst": 41002, "null": 41003,
                "xmas": 41004, "finnoack": 41005}   # rule_peers.BADFLAGS


def badflags_rules(log: str) -> list[str]:
    """The BADFLAGS chain: per combination a log rule, then a drop rule."""
    out = []
    for name, _, spec, _ in BADFLAGS:
        out.append(f"name badflags.{name} flags {spec} action log file {log}")
        out.append(f"flags {spec} action drop")
    return out


def first_catch(flags: int) -> str | None:
    """Which pair of the chain takes a probe with @flags (first match)."""
    for name, _, _, (want, mask) in BADFLAGS:
        if flags & mask == want:
            return name
    return None


def server_socket(lab: Lab, client: str, port: int) -> tuple[str, int] | None:
    """`ss -tan` in the server: (state, Recv-Q) of the socket of @client's
    connection to @port, None when there is none."""
    for s in lab.tcp_sockets("server"):
        if s.peer == client and s.local.endswith(f":{port}"):
            return s.state, s.recv_q
    return None


def received(server: Process, client: str) -> int:
    """Bytes the counting server read from @client so far."""
    got = [int(l.split()[2]) for l in server.lines
           if l.startswith("recv ") and l.split()[1] == client]
    return max(got, default=0)


def accepted(server: Process) -> list[str]:
    return [l.split()[1] for l in server.lines if l.startswith("conn ")]


def rule_acted(lab: Lab) -> dict[str, int]:
    return {r.name: r.acted for r in lab.show_rules().rules if r.name}


def drops_and_starve(lab: Lab) -> tuple[int, tuple[int, int]]:
    """rule_drop on port 0, and the `starve` rule's acted count read just
    before and just after it (0 without such a rule), so that what that
    rule drops meanwhile lies within the pair."""
    before = rule_acted(lab).get("starve", 0)
    drops = lab.counter("rule_drop", port=0)
    return drops, (before, rule_acted(lab).get("starve", 0))


@pytest.fixture
def rules(lab):
    """An empty rule set before and after the test."""
    lab.rule_flush()
    yield lab
    if lab.show_rules().deadman_s is not None:
        lab.deadman("off")
    lab.rule_flush()


def starve_run(lab: Lab, stack: ExitStack, rules: tuple[str, ...],
               mode: str, *args) -> tuple[Process, Process, str]:
    """Install @rules, start the counting server and a client in @mode;
    return (server, client, client endpoint) after STARVE_S seconds."""
    for r in rules:
        lab.rule_add(r)
    server = lab.spawn("server", [PY, PEERS, "serve-count", str(PORT)],
                       ready=r"^listening")
    stack.callback(server.stop)
    client = lab.spawn("client", [PY, PEERS, "connect", SERVER, str(PORT),
                                  mode, *map(str, args)])
    stack.callback(client.stop)
    assert client.wait_for(r"^(connected|error) ", 10), client.output
    m = re.search(r"^connected (\S+) ", client.output, re.M)
    assert m, f"the handshake did not complete: {client.output}"
    time.sleep(STARVE_S)
    return server, client, m.group(1)


def test_literal_rules_starve_small_request(rules):
    """Steps: the literal rules for port 8090 (SYN/ALL pass, ACK/ALL pass,
    drop); a counting server on 8090; a client that connects and sends a
    40-byte request in one write (one PSH segment).
    Verifies: the handshake completes (the client connected, the server
    accepted); for 3 s the server's ss shows the connection ESTAB with
    Recv-Q 0 and the server read 0 bytes; the drop rule acted at least
    twice (the request and a retransmission), the pass rules at least
    once each."""
    lab = rules
    with ExitStack() as stack:
        server, _, client = starve_run(lab, stack, LITERAL, "small")
        sock = server_socket(lab, client, PORT)
        got = received(server, client)
        acted = rule_acted(lab)
        conns = accepted(server)
    assert client in conns, f"server accepted {conns}, not {client}"
    assert sock is not None and sock[0] == "ESTAB" and sock[1] == 0, \
        f"server ss for {client}: {sock} (want ESTAB, Recv-Q 0)"
    assert got == 0, f"the server read {got} bytes from {client}"
    assert acted["starve"] >= 2 and acted["syn-only"] >= 1 and \
        acted["ack-only"] >= 1, acted


def test_literal_rules_hole_bulk_write(rules):
    """Steps: the same literal rules; the client writes 1 MiB at once.
    Verifies the recipe's warning: full-size segments flagged only ACK
    pass `flags ACK/ALL`, so the server does read some of the bulk
    (only the PSH segments are dropped), while the connection stays
    ESTAB; the ack-only rule passed many data segments."""
    lab = rules
    with ExitStack() as stack:
        server, _, client = starve_run(lab, stack, LITERAL, "bulk", BULK)
        got = received(server, client)
        sock = server_socket(lab, client, PORT)
        acted = rule_acted(lab)
    assert got > 0, \
        f"the server read nothing of a {BULK}-byte bulk write through the " \
        f"literal rules (acted {acted}): the recipe's hole is not there?"
    assert sock is not None and sock[0] == "ESTAB", sock
    assert acted["ack-only"] > 10, acted


@pytest.mark.parametrize("mode", ["bulk", "small-close"])
def test_precise_rule_starves(rules, mode):
    """Steps: `dir c2s state established tcp data action drop` for port
    8090; a counting server; the client writes 1 MiB at once (bulk), or
    sends a 40-byte request and shuts its sending side (small-close: the
    FIN may ride on a retransmission of the request).
    Verifies: the server's ss shows the connection ESTAB (bulk; CLOSE-WAIT
    is no data either) with Recv-Q 0 and the server read 0 bytes in 3 s;
    the rule acted."""
    lab = rules
    with ExitStack() as stack:
        server, client_p, client = starve_run(
            lab, stack, PRECISE if mode == "bulk" else PRECISE_CLOSING,
            *(("bulk", BULK) if mode == "bulk" else ("small-close",)))
        got = received(server, client)
        sock = server_socket(lab, client, PORT)
        acted = rule_acted(lab)
        conns = accepted(server)
    assert client in conns, f"server accepted {conns}, not {client}"
    assert got == 0, \
        f"the server read {got} bytes from {client} through `tcp data " \
        f"action drop` ({mode}; rule acted {acted['starve']}; server " \
        f"says {server.output.strip()[-300:]!r})"
    assert sock is not None and sock[1] == 0 and \
        sock[0] in (("ESTAB",) if mode == "bulk" else ("ESTAB",
                                                       "CLOSE-WAIT")), \
        f"server ss for {client}: {sock}"
    assert acted["starve"] >= 1, acted


def test_rule_file_starves_web_server(rules):
    """Steps: `rule load config/starve.rules` (the lab runs in a temporary
    directory); curl http://198.18.0.2/ --max-time 4.
    Verifies: show rules lists the file's 13 rules in order (5 named
    BADFLAGS log rules each followed by its drop, then syn-only, ack-only,
    starve); badflags.pcap was created in wirefault's directory; curl
    times out (exit 28) although the handshake completed: the server's
    ss shows curl's connection ESTAB with Recv-Q 0; the pass rules and
    the drop rule acted."""
    lab = rules
    out = lab.rule_load(RULES)
    rs = lab.show_rules()
    names = [r.name for r in rs.rules]
    want = [n for b in BADFLAGS for n in (f"badflags.{b[0]}", "")] + \
        ["syn-only", "ack-only", "starve"]
    assert names == want, f"rule load said {out!r}; show rules {names}"
    assert (lab.cwd / "badflags.pcap").exists(), \
        f"no badflags.pcap in wirefault's directory {lab.cwd}"
    r = lab.in_client("curl", "-sS", "--max-time", "4", "-o", "/dev/null",
                      "-w", r"port=%{local_port}\n", f"http://{SERVER}/")
    assert r.returncode == 28, f"curl exit {r.returncode}: {r.stderr}"
    m = re.search(r"port=(\d+)", r.stdout)
    assert m and m.group(1) != "0", r.stdout
    client = f"{CLIENT}:{m.group(1)}"
    sock = server_socket(lab, client, 80)
    acted = rule_acted(lab)
    # curl's socket, orphaned in FIN-WAIT, would go on retransmitting to
    # port 80 for minutes and show up in later tests' counters: close it.
    lab.run_in("client", "ss", "-K", "dst", SERVER, "sport", "=",
               f":{m.group(1)}", check=False)
    assert sock is not None and sock[0] == "ESTAB" and sock[1] == 0, \
        f"server ss for curl's {client}: {sock} (want ESTAB, Recv-Q 0)"
    assert acted["syn-only"] >= 1 and acted["ack-only"] >= 1 and \
        acted["starve"] >= 1, acted


@pytest.mark.parametrize("source", ["file", "rules"])
def test_badflags_logged_and_dropped(rules, source, tmp_path):
    """Steps: the BADFLAGS chain, from config/starve.rules (file: logs to
    badflags.pcap in wirefault's directory) or added rule by rule with an
    absolute log path (rules); a capture on the server's eth0; scapy in
    the client sends SYN+FIN, SYN+RST, NULL, XMAS and FIN-without-ACK to
    198.18.0.2:8091, each from its own port.
    Verifies: the log pcap, read while wirefault runs, holds exactly the
    5 probes, each once with its flags (read with scapy-free parsing and
    with tshark -r); the server's capture holds none of them; each log
    rule and each drop rule acted once; rule_drop on port 0 grew by 5
    (plus what the file's port-80 starve rule dropped, if anything);
    ping still crosses (the chain leaves non-TCP alone) and, without the
    file's port 80 rules, so does an HTTP download."""
    lab = rules
    if source == "file":
        lab.rule_load(RULES)
        log = lab.cwd / "badflags.pcap"
    else:
        log = tmp_path / "badflags.pcap"
        for r in badflags_rules(str(log)):
            lab.rule_add(r)
    before = len(read_tcp_pcap(log)) if log.exists() else 0
    acted0 = rule_acted(lab)
    drop0, starve0 = drops_and_starve(lab)
    with ExitStack() as stack:
        scap = lab.capture("server", tmp_path / "server.pcap",
                           "tcp portrange 41001-41005")
        stack.callback(scap.stop)
        probe = lab.spawn("client", [PY, PEERS, "badflags", SERVER,
                                     str(PROBE_PORT)])
        stack.callback(probe.stop)
        assert probe.wait_for(r"^done", 60), probe.output
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            logged = read_tcp_pcap(log)[before:]
            if len(logged) >= len(BADFLAGS):
                break
            time.sleep(0.1)
        time.sleep(0.3)
        logged = read_tcp_pcap(log)[before:]
        assert scap.stop() == 0
        leaked = scap.packets()
    acted = rule_acted(lab)
    by_port = {p.sport: p.flags for p in logged}
    want = {PROBE_SPORTS[n]: f for n, f, _, _ in BADFLAGS}
    assert len(logged) == len(BADFLAGS) and by_port == want, \
        f"{log}: {len(logged)} new records, (source port: flags) " \
        f"{ {k: hex(v) for k, v in by_port.items()} }, want " \
        f"{ {k: hex(v) for k, v in want.items()} }"
    ts = subprocess.run(["tshark", "-r", str(log), "-T", "fields",
                         "-e", "tcp.srcport", "-e", "tcp.flags"],
                        capture_output=True, text=True, timeout=60)
    assert ts.returncode == 0, ts.stderr
    rows = [l.split() for l in ts.stdout.splitlines() if l.strip()]
    shark = {int(p): int(f, 16) for p, f in rows[before:]}
    assert {p: f & 0x3F for p, f in shark.items()} == want, \
        f"tshark -r {log}: {rows}"
    assert not leaked, f"bad-flag probes reached the server: {leaked}"
    for name, flags, _, _ in BADFLAGS:
        assert first_catch(flags) == name
        got = acted.get(f"badflags.{name}", 0) - \
            acted0.get(f"badflags.{name}", 0)
        assert got == 1, f"log rule badflags.{name} acted {got} times"
    # The file's port-80 starve rule may also drop a late retransmission
    # of the previous test's curl connection (its client socket lives on
    # in FIN-WAIT after curl gave up); those drops are its own, counted
    # by its rule, and never a probe's (each probe was logged once above).
    # One can land between two reads, so the starve rule's count is read
    # on both sides of each rule_drop read.
    drop1, starve1 = drops_and_starve(lab)
    drops = drop1 - drop0
    lo, hi = starve1[0] - starve0[1], starve1[1] - starve0[0]
    assert len(BADFLAGS) + lo <= drops <= len(BADFLAGS) + hi, \
        f"rule_drop on port 0 grew by {drops}, the chain dropped " \
        f"{len(BADFLAGS)} and the file's starve rule {lo}..{hi}"
    drop_rules = [r for r in lab.show_rules().rules if not r.name]
    assert [r.acted for r in drop_rules] == [1] * len(BADFLAGS), drop_rules
    lab.run_in("client", "ping", "-c1", "-W2", SERVER)
    if source == "rules":
        r = lab.in_client("curl", "-sS", "--max-time", "10", "-o",
                          "/dev/null", f"http://{SERVER}/index.html")
        assert r.returncode == 0, f"HTTP through the BADFLAGS chain: " \
            f"{r.stderr}"


def curl_ok(lab: Lab, max_time: float) -> bool:
    r = lab.in_client("curl", "-sS", "--max-time", str(max_time), "-o",
                      "/dev/null", f"http://{SERVER}/index.html")
    return r.returncode == 0


def test_deadman_flushes(rules):
    """Steps: `rule add proto tcp action drop`, then `deadman 3`.
    Verifies: while armed, show rules and /wirefault/rules say so (3 s or
    less left) and HTTP fails; between 2.5 and 5 s after `deadman 3` the
    rule set is empty (show rules), wirefault says it flushed, the switch
    is off and HTTP passes again."""
    lab = rules
    lab.rule_add("name wall proto tcp action drop")
    t0 = time.monotonic()
    lab.deadman(3)
    armed = lab.show_rules()
    head, _ = lab.rules_telemetry()
    blocked = curl_ok(lab, 1)
    flushed_at = None
    while time.monotonic() - t0 < 8:
        rs = lab.show_rules()
        if not rs.rules:
            flushed_at = time.monotonic() - t0
            break
        time.sleep(0.1)
    assert armed.deadman_s is not None and 0 < armed.deadman_s <= 3, armed
    assert 0 < head["deadman_ms"] <= 3000, head
    assert not blocked, "HTTP went through `proto tcp action drop`"
    assert flushed_at is not None, "rules still there 8 s after deadman 3"
    assert 2.5 <= flushed_at <= 5, \
        f"the dead-man switch flushed {flushed_at:.2f}s after deadman 3"
    assert rs.deadman_s is None, rs
    assert lab.rules_telemetry()[0]["deadman_ms"] == -1
    assert curl_ok(lab, 10), "HTTP still blocked after the flush"
    assert re.search(r"deadman: not confirmed within 3 s", lab.process.output), \
        lab.process.output[-1000:]


def test_deadman_confirm_keeps_rules(rules):
    """Steps: `rule add proto tcp dport 9 action drop`, `deadman 3`,
    `deadman confirm` a second later.
    Verifies: 4 s after arming the rule is still there and the switch is
    off."""
    lab = rules
    added = lab.rule_add("name keep proto tcp dport 9 action drop")
    t0 = time.monotonic()
    lab.deadman(3)
    time.sleep(1)
    r = lab.deadman("confirm")
    assert "confirm" in r.out, r.out
    time.sleep(max(0.0, 4 - (time.monotonic() - t0)))
    rs = lab.show_rules()
    assert [x.id for x in rs.rules] == [added.id], rs
    assert rs.deadman_s is None, rs
    assert lab.rules_telemetry()[0]["deadman_ms"] == -1
