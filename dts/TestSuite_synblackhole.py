# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The wirefault authors
"""Recipe 2: blackhole SYNs, watch the connect time out
(../shared/RECIPES.md §2).

The lab is started as the recipe's file says, from the repository root:
`app/wirefault-lab -- -f config/syn-blackhole.rules`, whose one rule is
`rule add name syn proto tcp dport 12345 tcp syn action drop`.

The client gets net.ipv4.tcp_syn_retries = 3 (and, on Linux >= 6.7,
tcp_syn_linear_timeouts = 0, so the retries back off exponentially as
the recipe describes: SYNs at ~0, 1, 3, 7 s, ETIMEDOUT at ~15 s). A
listener waits on 12345 in the server, so the only reason the connect
fails is the wire.
"""

import re
import tempfile
import time
from contextlib import ExitStack
from pathlib import Path

from wirefault import ROOT

RULES = "config/syn-blackhole.rules"
LAB_CWD = ROOT
LAB_EXTRA = ["-f", RULES]

PY = "/usr/bin/python3"
PEERS = str(Path(__file__).resolve().parent / "rule_peers.py")
SERVER, PORT = "198.18.0.2", 12345
SYN_RETRIES = 3
SYNS = 1 + SYN_RETRIES
TIMEOUT_S = (12.0, 20.0)         # "~15 s": 1 + 2 + 4 + 8 with some slack
SYN_TIME_TOLERANCE_MS = 5.0


def syn_times(pkts, port: int) -> dict[str, list[float]]:
    """client endpoint -> its SYNs' times (ms after its first SYN)."""
    t: dict[str, list[float]] = {}
    for p in pkts:
        if p.flags & 0x12 == 0x02 and p.dport == port:
            t.setdefault(p.src, []).append(p.time)
    return {k: [(x - v[0]) * 1000.0 for x in v] for k, v in t.items()}


def test_lab_passes_rule_file(lab):
    """Steps: the lab was started with `-- -f config/syn-blackhole.rules`.
    Verifies: `show rules` holds the file's rule, named syn, unused."""
    rs = lab.show_rules()
    assert [r.name for r in rs.rules] == ["syn"], rs
    r = rs.rules[0]
    for words in ("proto tcp", "dport 12345", "tcp syn", "action drop"):
        assert words in r.text, f"{words!r} not in {r.text!r}"
    assert (r.matched, r.acted) == (0, 0), r


def test_connect_times_out(lab):
    """Steps: tcp_syn_retries=3 (exponential backoff) in the client; a
    listener on 12345 in the server; captures on both hosts' eth0; a
    blocking connect() to 198.18.0.2:12345 from the client.
    Verifies: while the client retries, wirefault shows the connection
    SYN_SENT (show flows, show tcp states); connect() fails with ETIMEDOUT
    after ~15 s; the client sent 4 SYNs and the server saw none (nothing
    to port 12345 at all); wirefault's flow has syns 4 and SYN times
    within 5 ms of the client capture's (show flows and /wirefault/flows);
    the rule matched and acted 4 times, rule_drop on port 0 grew by 4, the
    listener accepted nothing."""
    with ExitStack() as stack:
        tmp = Path(stack.enter_context(tempfile.TemporaryDirectory(
            prefix="wfsyn")))
        for key, val in (("net.ipv4.tcp_syn_retries", SYN_RETRIES),
                         ("net.ipv4.tcp_syn_linear_timeouts", 0)):
            old = lab.set_sysctl("client", key, val)
            if old is not None:
                stack.callback(lab.run_in, "client", "sysctl", "-qw",
                               f"{key}={old}")
        listener = lab.spawn("server", [PY, PEERS, "serve-count", str(PORT)],
                             ready=r"^listening")
        stack.callback(listener.stop)
        bpf = f"tcp port {PORT}"
        ccap = lab.capture("client", tmp / "client.pcap", bpf)
        stack.callback(ccap.stop)
        scap = lab.capture("server", tmp / "server.pcap", bpf)
        stack.callback(scap.stop)
        rule0 = lab.show_rules().by_name("syn")
        drop0 = lab.counter("rule_drop", port=0)
        t0 = time.monotonic()
        client = lab.spawn("client", [PY, PEERS, "connect", SERVER,
                                      str(PORT)])
        stack.callback(client.stop)
        # while it retries (the first retry is 1 s in, the last ~7 s):
        # one SYN_SENT connection to 12345, once the client has started
        deadline = time.monotonic() + 5
        while True:
            during = lab.show_flows(port=PORT)
            if during.matched or time.monotonic() > deadline:
                break
            time.sleep(0.2)
        states = lab.show_tcp_states()
        assert client.wait_for(r"^(error|connected) ", TIMEOUT_S[1] + 10), \
            f"connect() gave no answer in {TIMEOUT_S[1] + 10}s: " \
            f"{client.output}"
        took = time.monotonic() - t0
        time.sleep(0.3)
        rule1 = lab.show_rules().by_name("syn")
        drop1 = lab.counter("rule_drop", port=0)
        shown = lab.show_flows(port=PORT)
        tel = [f for f in lab.flows() if f.server == f"{SERVER}:{PORT}"]
        dropped = (ccap.stop(), scap.stop())
        assert dropped == (0, 0), f"tcpdump lost packets: {dropped}"
        cpk, spk = ccap.packets(), scap.packets()
        accepted = [l for l in listener.lines if l.startswith("conn ")]

    m = re.match(r"error (\S+) ([0-9.]+)", client.output.strip())
    assert m, f"connect() did not fail: {client.output!r}"
    assert m.group(1) == "ETIMEDOUT", f"connect() failed with {m.group(1)}"
    elapsed = float(m.group(2))
    assert TIMEOUT_S[0] <= elapsed <= TIMEOUT_S[1], \
        f"ETIMEDOUT after {elapsed:.1f}s (want ~15s, {TIMEOUT_S}); " \
        f"took {took:.1f}s in all"
    assert not accepted, f"the listener accepted: {accepted}"
    assert not spk, f"the server saw {len(spk)} packets to {PORT}: " \
        f"{spk[:4]}"

    cap = syn_times(cpk, PORT)
    assert len(cap) == 1, f"SYNs of {len(cap)} connections: {cap}"
    key, want = next(iter(cap.items()))
    assert len(want) == SYNS, \
        f"{key}: the client sent {len(want)} SYNs (want 1 + " \
        f"tcp_syn_retries = {SYNS}) at {want} ms"

    assert during.matched == 1 and during.flows[0].state == "SYN_SENT", \
        f"during the retries, show flows port {PORT}: {during}"
    assert states.counts["SYN_SENT"] >= 1, states

    assert len(shown.flows) == 1 and len(tel) == 1, (shown, tel)
    for src, f in (("show flows", shown.flows[0]), ("/wirefault/flows",
                                                     tel[0])):
        assert f.client == key, f"{src}: client {f.client}, capture {key}"
        assert f.syns == SYNS, f"{src}: {f.syns} SYNs, capture {SYNS}: {f}"
        assert f.reply_pkts == 0 and f.orig_pkts == SYNS, f
        assert len(f.syn_times_ms) == SYNS, f
        off = [abs(a - b) for a, b in zip(f.syn_times_ms, want)]
        assert max(off) <= SYN_TIME_TOLERANCE_MS, \
            f"{src}: SYN times {f.syn_times_ms} ms, the client capture " \
            f"{[round(t, 3) for t in want]} ms (off by " \
            f"{[round(o, 3) for o in off]})"
    assert (rule1.matched - rule0.matched, rule1.acted - rule0.acted) == \
        (SYNS, SYNS), f"rule syn before {rule0}, after {rule1}"
    assert drop1 - drop0 == SYNS, \
        f"rule_drop on port 0 grew by {drop1 - drop0}, want {SYNS}"
