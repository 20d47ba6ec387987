# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The wirefault authors
"""Recipe 1: drop the n-th packets of every response, watch the
retransmission (../shared/RECIPES.md §1).

The lab is started as the recipe's file says, from the repository root:
`app/wirefault-lab -- -f config/retransmit.rules` (so this suite also
checks that the lab passes wirefault options through). That file holds
`rule add name resp proto tcp sport 80 tcp data action drop nth N count J`;
N and J are read from it.

What an engineer checks, per connection of several concurrent downloads:
every byte arrived (sha256); the server's kernel counted retransmissions
(`nstat TcpRetransSegs`); a capture before the box (the server's eth0) and
one after it (the client's eth0) differ by exactly the response's data
packets N..N+J-1, by seq and length, and by nothing else; `show rules`
counts J acted per connection. Then `drop seg 3 times 20`: the segment
and all its retransmissions are dropped, the server backs off (RTO
doubling) and curl gives up.
"""

from collections import Counter
import hashlib
import re
import tempfile
import time
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path

import pytest

from wirefault import ROOT, Lab, Rule, TcpSeg

RULES = "config/retransmit.rules"
LAB_CWD = ROOT                      # the README's invocation, relative path
LAB_EXTRA = ["-f", RULES]

SERVER = "198.18.0.2"
CLIENT = "198.18.0.1"
DOWNLOADS = 5
FILE = "1M.bin"
MAX_SEG = 1460                      # MTU 1500 - 40: a wire-sized segment
SEG_N, SEG_TIMES, SEG_MAX_TIME = 3, 20, 8
BACKOFF = 1.5                       # RTO doubles; each gap >= ~1.5 x the last
BACKOFF_SLACK = 0.93                # "~1.5": timer granularity
RTO_MIN = 0.2                       # Linux TCP_RTO_MIN, seconds
ROUNDS = 3                          # download rounds tried (see downloads)


def file_rule_words() -> list[str]:
    """The words after `rule add` of the recipe file's one rule."""
    lines = [l.split() for l in (ROOT / RULES).read_text().splitlines()
             if l.strip() and not l.lstrip().startswith("#")]
    assert len(lines) == 1 and lines[0][:2] == ["rule", "add"], lines
    return lines[0][2:]


def without_name(words: list[str]) -> list[str]:
    out, skip = [], False
    for i, w in enumerate(words):
        if skip:
            skip = False
            continue
        if w == "name" and i + 1 < len(words):
            skip = True
            continue
        out.append(w)
    return out


def nth_count() -> tuple[int, int]:
    words = file_rule_words()
    m = re.search(r"action drop nth (\d+)(?: count (\d+))?", " ".join(words))
    assert m, f"{RULES}: no 'action drop nth N count J': {words}"
    return int(m.group(1)), int(m.group(2) or 1)


def data_segs(pkts: list[TcpSeg], client: str) -> list[tuple[int, int]]:
    """(seq, length) of the server's data segments to @client, wire order."""
    return [(p.seq, p.length) for p in pkts
            if p.dst == client and p.src == f"{SERVER}:80" and p.length > 0]


def diff_detail(server: list, client: list, lo: int, hi: int) -> str:
    """Where two segment lists part, for a failure message (indices 1-based)."""
    first = next((i for i, (a, b) in enumerate(zip(server, client))
                  if a != b), min(len(server), len(client)))
    around = range(max(0, first - 3), first + 4)
    return (f"server sent {len(server)} data segments, client got "
            f"{len(client)}; the lists part at index {first + 1} (want the "
            f"client to lack exactly {lo}..{hi}):\n    server "
            + " ".join(f"{i + 1}:{server[i]}" for i in around
                       if i < len(server))
            + "\n    client "
            + " ".join(f"{i + 1}:{client[i]}" for i in around
                       if i < len(client)))


def rule_resp(lab: Lab) -> Rule:
    return lab.show_rules().by_name("resp")


def restore_file_rules(lab: Lab) -> None:
    lab.rule_load(ROOT / RULES)
    assert [r.name for r in lab.show_rules().rules] == ["resp"]


def test_lab_passes_rule_file(lab):
    """Steps: the lab was started with `-- -f config/retransmit.rules`.
    Verifies: wirefault runs that file at start-up: `show rules` and
    /wirefault/rules hold its one rule, named resp, with the file's words
    (in wirefault's canonical order), nothing matched yet."""
    rs = lab.show_rules()
    assert [r.name for r in rs.rules] == ["resp"], rs
    r = rs.rules[0]
    want = sorted(without_name(file_rule_words()))
    assert sorted(without_name(r.words())) == want, \
        f"show rules text {r.text!r}, the file says {want}"
    assert (r.matched, r.acted, r.expires_s) == (0, 0, None), r
    assert rs.deadman_s is None, rs
    head, tel = lab.rules_telemetry()
    assert head["total"] == 1 and head["deadman_ms"] == -1, head
    assert [(t.id, t.name, t.text) for t in tel] == [(r.id, r.name, r.text)]


def test_offloads_off(lab):
    """Verifies: the lab's veths (both hosts' eth0, wirefault's wc and ws)
    have TSO, GSO and GRO off, so captured segments are wire-sized."""
    feats = ("tcp-segmentation-offload", "generic-segmentation-offload",
             "generic-receive-offload")
    for side, dev in (("client", "eth0"), ("server", "eth0"),
                      ("wire", "wc"), ("wire", "ws")):
        got = lab.offloads(side, dev)
        on = [f for f in feats if got.get(f) != "off"]
        assert not on, f"{side} {dev}: {on} not off: {got}"


@dataclass
class Downloads:
    """What the 5 concurrent downloads left for the tests to check."""
    n: int
    j: int
    rcs: list[int]
    sums: list[str]
    ports: list[int]
    outputs: list[str]
    retrans: int               # server TcpRetransSegs delta
    rule0: Rule
    rule1: Rule
    rule_drop: int             # port 1's rule_drop delta
    spk: list[TcpSeg]          # server eth0: what the server sent
    cpk: list[TcpSeg]          # client eth0: what reached the client
    lost: dict                 # lost_before_box()

    def __repr__(self) -> str:  # short, for pytest's tracebacks
        return (f"Downloads(nth {self.n} count {self.j}, curl exits "
                f"{self.rcs}, ports {self.ports}, {len(self.spk)} server / "
                f"{len(self.cpk)} client packets captured)")


def lost_before_box(lab: Lab, ports: list[int],
                    spk: list[TcpSeg]) -> dict[str, tuple[int, int]]:
    """Connections whose server packets did not all reach wirefault:
    client -> (packets the server's eth0 sent, reply_pkts wirefault
    counted). The lab's af_packet ring can overflow when the worker sleeps
    (2 cores shared with both TCP stacks): loss before the box, which no
    rule caused and which shifts every packet index after it."""
    flows = {f.client: f for f in lab.flows()
             if f.server == f"{SERVER}:80"}
    out = {}
    for port in ports:
        client = f"{CLIENT}:{port}"
        sent = sum(1 for p in spk if p.dst == client)
        got = flows[client].reply_pkts if client in flows else -1
        if got != sent:
            out[client] = (sent, got)
    return out


def download_round(lab: Lab, tmp: Path, n: int, j: int) -> Downloads:
    with ExitStack() as stack:
        bpf = "tcp src port 80"
        scap = lab.capture("server", tmp / "server.pcap", bpf)
        stack.callback(scap.stop)
        ccap = lab.capture("client", tmp / "client.pcap", bpf)
        stack.callback(ccap.stop)
        retrans0 = lab.nstat("server", "TcpRetransSegs")
        rule0 = rule_resp(lab)
        drop0 = lab.counter("rule_drop", port=1)
        curls = []
        for i in range(DOWNLOADS):
            (tmp / f"dl{i}").unlink(missing_ok=True)
            p = lab.spawn("client", [
                "curl", "-sS", "--fail", "--max-time", "60",
                "-o", str(tmp / f"dl{i}"), "-w", r"port=%{local_port}\n",
                f"http://{SERVER}/{FILE}"])
            stack.callback(p.stop)
            curls.append(p)
        rcs, sums, ports = [], [], []
        for p in curls:
            rcs.append(p.proc.wait(90))
            p.stop()                     # collects the last output
            f = tmp / f"dl{len(sums)}"
            sums.append(hashlib.sha256(f.read_bytes()).hexdigest()
                        if f.exists() else "")
            m = re.search(r"^port=(\d+)$", p.output, re.M)
            ports.append(int(m.group(1)) if m else 0)
        time.sleep(0.5)                  # the last ACKs and FINs
        retrans = lab.nstat("server", "TcpRetransSegs") - retrans0
        rule1 = rule_resp(lab)
        drop1 = lab.counter("rule_drop", port=1)
        dropped = (scap.stop(), ccap.stop())
        assert dropped == (0, 0), \
            f"tcpdump lost packets (server, client): {dropped}; the " \
            "captures cannot be compared"
        spk = scap.packets()
        return Downloads(n, j, rcs, sums, ports, [p.output for p in curls],
                         retrans, rule0, rule1, drop1 - drop0, spk,
                         ccap.packets(), lost_before_box(lab, ports, spk))


@pytest.fixture(scope="module")
def downloads(lab) -> Downloads:
    """Steps: captures of port 80's answers on the server's eth0 (before
    the box) and the client's eth0 (after it); then 5 concurrent curl
    downloads of 1M.bin with the file's rule in place (drop data packets
    N..N+J-1 of each response); counters read before and after. A round
    in which the lab lost server packets before wirefault (the flows'
    reply_pkts below the server capture's count) is run again, up to
    ROUNDS times: such loss is not the rule's and shifts the indices."""
    n, j = nth_count()
    with tempfile.TemporaryDirectory(prefix="wfdrop") as tmp:
        losses = []
        for _ in range(ROUNDS):
            d = download_round(lab, Path(tmp), n, j)
            if not d.lost:
                return d
            losses.append(d.lost)
            print(f"lab lost packets before wirefault, again: {d.lost}")
        pytest.fail(f"in each of {ROUNDS} rounds the lab lost server "
                    "packets before they reached wirefault (client: server "
                    f"sent, wirefault saw): {losses}")


def test_downloads_byte_exact(lab, downloads):
    """Verifies: each of the 5 downloads succeeded (curl exit 0) and its
    sha256 is the server's."""
    sha = lab.www_sha256(FILE)
    for i, (rc, got) in enumerate(zip(downloads.rcs, downloads.sums)):
        assert rc == 0, f"curl {i}: exit {rc}: {downloads.outputs[i]}"
        assert got == sha, f"curl {i}: sha256 {got}, the server's {sha}"


def test_server_counted_retransmissions(downloads):
    """Verifies: the server's kernel counted at least J retransmitted
    segments per connection (nstat TcpRetransSegs)."""
    d = downloads
    assert d.retrans >= DOWNLOADS * d.j, \
        f"server TcpRetransSegs grew by {d.retrans}, want >= " \
        f"{DOWNLOADS} x {d.j}"


def test_captures_differ_by_exactly_the_dropped(downloads):
    """Verifies: every captured segment is wire-sized (offloads off); per
    connection, the client's data segments from the server (seq, length)
    are the server's with exactly entries N..N+J-1 removed, and each of
    those the server sent again later.

    Compared as multisets, and in order up to the drop: the server's
    segments can reach the box in another order than its capture shows
    (veth queues the packets a stack sends from either CPU on that CPU's
    backlog), and the box keeps the order it received. Exactness is kept:
    nothing but those J segments may be missing, nothing may be added."""
    d = downloads
    too_big = [p for p in d.spk + d.cpk if p.length > MAX_SEG]
    assert not too_big, f"segments larger than the wire allows " \
        f"(offloads on?): {too_big[:3]}"
    assert all(d.ports) and len(set(d.ports)) == DOWNLOADS, d.ports
    for port in d.ports:
        client = f"{CLIENT}:{port}"
        s, c = data_segs(d.spk, client), data_segs(d.cpk, client)
        dropped = s[d.n - 1:d.n - 1 + d.j]
        missing = Counter(s) - Counter(c)
        extra = Counter(c) - Counter(s)
        assert missing == Counter(dropped) and not extra, \
            f"connection {client}: missing at the client {dict(missing)}, " \
            f"extra {dict(extra)}, want exactly {dropped}; " + \
            diff_detail(s, c, d.n, d.n + d.j - 1)
        assert c[:d.n - 1] == s[:d.n - 1], f"connection {client}: " + \
            diff_detail(s, c, d.n, d.n + d.j - 1)
        for seq, length in dropped:
            later = [x for x in s[d.n - 1 + d.j:] if x[0] == seq]
            assert later, f"{client}: dropped segment seq {seq} len " \
                f"{length} was never sent again by the server"


def test_rule_counters(lab, downloads):
    """Verifies: `show rules` says rule resp acted J times per download
    (5 x J); port 1's rule_drop grew by as much; every direction still
    has rx = tx + drops."""
    d = downloads
    acted = d.rule1.acted - d.rule0.acted
    assert acted == DOWNLOADS * d.j, \
        f"rule resp acted {acted} times for {DOWNLOADS} downloads, want " \
        f"{DOWNLOADS} x {d.j}: {d.rule1}"
    assert d.rule_drop == DOWNLOADS * d.j, \
        f"rule_drop on port 1 grew by {d.rule_drop}, want {DOWNLOADS * d.j}"
    for row in lab.show_stats():
        assert row.balanced, row


def test_tcp_data_matches_every_segment_with_payload(downloads):
    """Verifies: rule resp (`tcp data`, "any segment with payload",
    RECIPES §5) matched every data segment the server sent on the 5
    connections, the last one too even when it carries the FIN."""
    d = downloads
    segs = [p for port in d.ports for p in d.spk
            if p.dst == f"{CLIENT}:{port}" and p.length > 0]
    with_fin = [p for p in segs if p.flags & 0x01]
    matched, sent = d.rule1.matched - d.rule0.matched, len(segs)
    assert matched == sent, \
        f"rule resp matched {matched} packets; the server sent " \
        f"{sent} segments with payload on these connections, " \
        f"{len(with_fin)} of them with FIN set (flags " \
        f"{sorted({hex(p.flags) for p in with_fin})})"


def test_drop_seg_rto_backoff(lab):
    """Steps: the file's rule replaced by `drop seg 3 times 20` on port
    80's answers; a capture on the server's eth0; curl of 1M.bin with
    --max-time 8.
    Verifies: curl gives up (exit 28); the server sent the 3rd data
    segment (by seq) again and again: after loss recovery's quick resends
    (within a round trip), at least 3 timer retransmissions (gaps >= 200
    ms, TCP_RTO_MIN), each gap at least ~1.5 times the one before (RTO
    backoff); none of the copies reached the client; the rule acted once
    per transmission. Afterwards the file's rule set is back."""
    with ExitStack() as stack:
        tmp = Path(stack.enter_context(tempfile.TemporaryDirectory(
            prefix="wfseg")))
        stack.callback(restore_file_rules, lab)
        lab.rule_flush()
        added = lab.rule_add(f"name seg3 proto tcp sport 80 action drop seg "
                             f"{SEG_N} times {SEG_TIMES}")
        bpf = "tcp src port 80"
        scap = lab.capture("server", tmp / "server.pcap", bpf)
        stack.callback(scap.stop)
        ccap = lab.capture("client", tmp / "client.pcap", bpf)
        stack.callback(ccap.stop)
        t0 = time.monotonic()
        r = lab.in_client("curl", "-sS", "--max-time", str(SEG_MAX_TIME),
                          "-o", "/dev/null", "-w", r"port=%{local_port}\n",
                          f"http://{SERVER}/{FILE}", timeout=60)
        took = time.monotonic() - t0
        assert r.returncode == 28, \
            f"curl exit {r.returncode} after {took:.1f}s (want 28, timed " \
            f"out): {r.stdout} {r.stderr}"
        m = re.search(r"^port=(\d+)$", r.stdout, re.M)
        assert m, r.stdout
        client = f"{CLIENT}:{m.group(1)}"
        time.sleep(0.3)
        rule = lab.show_rules().by_id(added.id)
        dropped = (scap.stop(), ccap.stop())
        assert dropped == (0, 0), f"tcpdump lost packets: {dropped}"
        spk, cpk = scap.packets(), ccap.packets()

    sent = [p for p in spk if p.dst == client and p.length > 0]
    order = list(dict.fromkeys(p.seq for p in sent))
    assert len(order) >= SEG_N, f"{client}: only {len(order)} data segments"
    seq = order[SEG_N - 1]
    times = [p.time for p in sent if p.seq == seq]
    gaps = [b - a for a, b in zip(times, times[1:])]
    shown = ", ".join(f"{g * 1000:.1f}" for g in gaps)
    # Loss recovery (fast retransmit, RACK) resends within a round trip
    # (sub-ms here); the retransmission timer never fires sooner than
    # TCP_RTO_MIN (200 ms) and doubles each time: those are the backoff.
    rto = [g for g in gaps if g >= RTO_MIN * BACKOFF_SLACK]
    assert len(rto) >= 3, \
        f"{client}: segment {SEG_N} (seq {seq}) sent {len(times)} times " \
        f"with {len(rto)} timer retransmissions (gap >= {RTO_MIN * 1000:.0f}" \
        f" ms), want >= 3; gaps ms: {shown}"
    assert gaps.index(rto[0]) + len(rto) == len(gaps), \
        f"{client}: a short gap after the timer retransmissions began; " \
        f"gaps ms: {shown}"
    for i in range(1, len(rto)):
        assert rto[i] >= BACKOFF * BACKOFF_SLACK * rto[i - 1], \
            f"{client}: timer retransmissions of seq {seq} do not back " \
            f"off ({rto[i] * 1000:.1f} ms after {rto[i - 1] * 1000:.1f} " \
            f"ms); gaps ms: {shown}"
    leaked = [p for p in cpk if p.dst == client and p.seq == seq]
    assert not leaked, f"{client}: seq {seq} reached the client " \
        f"{len(leaked)} time(s) although dropped {SEG_TIMES} times"
    assert rule.acted == len(times), \
        f"rule seg3 acted {rule.acted}, the server sent seq {seq} " \
        f"{len(times)} times: {rule}"
