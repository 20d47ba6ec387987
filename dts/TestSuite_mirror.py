# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The wirefault authors
"""Recipe 4, first half: mirror HTTP to a sniffer (../shared/RECIPES.md §4).

The lab is started as config/mirror.rules says, from the repository root:
`app/wirefault-lab --mirror -- -f config/mirror.rules` (port 2 is the
mirror port, its far end is eth0 of the namespace <name>-sniff). The file
holds `rule add name web proto tcp port 80 action mirror`.

What an engineer checks: tcpdump on the sniffer holds every packet of
20 downloads (IPv4 and IPv6), both directions, byte for byte what the
hosts' captures hold and, per direction, in the order they crossed the
box; every download is intact; the rule's acted, the copies captured and
mirror_tx (per ingress port) agree, nothing failed; the originals were
all forwarded (rx == tx, no drops). A mirror rule without a mirror port,
or naming another port, is refused and changes nothing. When the sniffer
does not read (the lab's --mirror-ring: port 2 is a net_ring nobody
drains) copies are lost and counted, every copy is accounted for, and no
original is lost.
"""

import hashlib
import json
import re
import struct
import subprocess
import tempfile
import time
from collections import Counter
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from conftest import _can_make_namespaces
from wirefault import (ROOT, WIREFAULT, Capture, Lab, Process, Rule,
                       VdevAppliance, pcap_records, unique_name)

RULES = "config/mirror.rules"
SERVER4, CLIENT4 = "198.18.0.2", "198.18.0.1"
SERVER6, CLIENT6 = "2001:2::2", "2001:2::1"
FILE = "1M.bin"
BIG = "20M.bin"
CURLS = (SERVER4, f"[{SERVER6}]")   # concurrent (more lose pre-box)
PER_CURL = 10                       # sequential downloads per curl
DOWNLOADS = len(CURLS) * PER_CURL   # 20
MAX_FRAME = 1514                    # MTU 1500 + Ethernet: wire-sized
ROUNDS = 3                          # rounds tried (see mirrored)
NULL_PAIR = ["net_null0,no-rx=1", "net_null1,no-rx=1"]
NULL_THREE = NULL_PAIR + ["net_null2,no-rx=1"]
NO_MIRROR = "mirror: no mirror port (start wirefault with --mirror-port P)"
# counters of wirefault's per-port accounting and of the mirror
PORT_KEYS = ("rx", "tx", "drops", "tx_full", "rule_drop", "mirror_tx",
             "mirror_tx_fail", "mirror_nombuf")


# --- raw frames of a classic pcap ---

def read_frames(path: Path) -> list[tuple[int, bytes]]:
    """(original length, captured bytes) of each record of a classic pcap
    (Ethernet), in file order."""
    return [(orig, fr) for _, orig, fr in pcap_records(path)]


def tcp_ports(fr: bytes) -> tuple[int, int] | None:
    """(sport, dport) of an untagged IPv4/IPv6 TCP frame, else None."""
    if len(fr) < 14:
        return None
    etype = struct.unpack_from("!H", fr, 12)[0]
    if etype == 0x0800 and len(fr) >= 34 and fr[23] == 6:
        l4 = 14 + (fr[14] & 0x0F) * 4
    elif etype == 0x86DD and len(fr) >= 54 and fr[20] == 6:
        l4 = 54
    else:
        return None
    if len(fr) < l4 + 4:
        return None
    return struct.unpack_from("!HH", fr, l4)


def split_http(frames: list[bytes]) -> tuple[list[bytes], list[bytes],
                                              list[bytes]]:
    """(to port 80, from port 80, anything else), each in capture order."""
    c2s, s2c, other = [], [], []
    for fr in frames:
        p = tcp_ports(fr)
        if p is not None and p[1] == 80:
            c2s.append(fr)
        elif p is not None and p[0] == 80:
            s2c.append(fr)
        else:
            other.append(fr)
    return c2s, s2c, other


def where_parted(a: list[bytes], b: list[bytes]) -> str:
    """Where two frame lists first differ, for a failure message."""
    i = next((k for k, (x, y) in enumerate(zip(a, b)) if x != y),
             min(len(a), len(b)))
    def show(lst):
        if i >= len(lst):
            return "(ended)"
        p = tcp_ports(lst[i])
        return f"{len(lst[i])} bytes, ports {p}, {lst[i][:64].hex()}"
    return (f"{len(a)} vs {len(b)} frames; first difference at frame "
            f"{i + 1}: {show(a)} / {show(b)}")


# --- the sniffer and its captures ---

def sniff_capture(lab: Lab, path: Path) -> Capture:
    """tcpdump on the sniffer's eth0 (what port 2 sent), no filter, whole
    frames; the caller stops it by PID (Capture.stop)."""
    ns = f"{lab.name}-sniff"
    proc = Process(["ip", "netns", "exec", ns, "tcpdump", "-i", "eth0", "-n",
                    "-U", "--immediate-mode", "-B", "32768", "-s", "0",
                    "-Z", "root", "-w", str(path)])
    if not proc.wait_for(r"listening on", 15):
        proc.stop()
        raise RuntimeError(f"tcpdump in {ns}: {proc.output[-2000:]}")
    return Capture(path, proc)


def capture_trouble(name: str, cap: Capture) -> str | None:
    """Why a stopped capture cannot be trusted (tcpdump says the kernel
    dropped packets, or it wrote fewer than its filter accepted), or None."""
    out = cap.proc.output
    got = re.search(r"(\d+) packets? captured", out)
    seen = re.search(r"(\d+) packets? received by filter", out)
    if cap.dropped != 0 or not got or not seen \
            or got.group(1) != seen.group(1):
        return f"tcpdump on {name}: {' / '.join(out.strip().splitlines()[-3:])}"
    return None


def wire_tx_dropped(lab: Lab) -> int:
    """Frames the wire namespace's veths (wirefault's ports) failed to hand
    to their peers: kernel loss after the box, not wirefault's."""
    r = lab.run_in("wire", "ip", "-s", "-j", "link", "show")
    return sum(l["stats64"]["tx"]["dropped"] for l in json.loads(r.stdout)
               if l.get("ifname") in ("wc", "ws", "wm") and "stats64" in l)


def port_snapshot(lab: Lab) -> dict[int, dict[str, int]]:
    ports = lab.port_counters()
    return {p: {k: int(ports[p][k]) for k in PORT_KEYS} for p in (0, 1)}


def port_delta(a: dict, b: dict) -> dict[int, dict[str, int]]:
    return {p: {k: b[p][k] - a[p][k] for k in PORT_KEYS} for p in (0, 1)}


def mirror_sum(d: dict[int, dict[str, int]], key: str) -> int:
    return d[0][key] + d[1][key]


@pytest.fixture(scope="module")
def need_netns(built):
    if not _can_make_namespaces():
        pytest.skip("needs root and network namespaces")


@pytest.fixture(scope="module")
def mlab(need_netns):
    """The recipe's lab: --mirror, the file's rule, run from the root."""
    lab = Lab(mirror=True, extra=["-f", RULES], cwd=ROOT, tag="wfmi")
    try:
        yield lab
    finally:
        rc = lab.stop_clean()
        assert rc == 0, lab.process.output[-2000:]


# --- the recipe: 20 mirrored downloads ---

@dataclass
class Round:
    """What one round of 20 downloads left to check."""
    rcs: list[int]
    outputs: list[str]
    sums: list[str]                   # sha256 of each download, in order
    ports: dict[int, dict[str, int]]  # port counter deltas
    rule0: Rule
    rule1: Rule
    sniff: list[tuple[int, bytes]]    # (orig len, frame): the sniffer
    server: list[tuple[int, bytes]]   # the server's eth0 (tcp port 80)
    client: list[tuple[int, bytes]]   # the client's eth0 (tcp port 80)
    trouble: list[str] = field(default_factory=list)  # reasons to rerun

    def __repr__(self) -> str:       # short, for pytest's tracebacks
        return (f"Round(curl exits {self.rcs}, {len(self.sniff)} sniffer / "
                f"{len(self.server)} server / {len(self.client)} client "
                f"frames, rule web {self.rule0.acted}->{self.rule1.acted})")


def download_round(lab: Lab, tmp: Path) -> Round:
    with ExitStack() as stack:
        before = lab.show_rules().by_name("web")
        sniff = sniff_capture(lab, tmp / "sniff.pcap")
        stack.callback(sniff.stop)
        scap = lab.capture("server", tmp / "server.pcap", "tcp port 80",
                           snaplen=0)
        stack.callback(scap.stop)
        ccap = lab.capture("client", tmp / "client.pcap", "tcp port 80",
                           snaplen=0)
        stack.callback(ccap.stop)
        rule0 = lab.show_rules().by_name("web")
        ports0 = port_snapshot(lab)
        dropped0 = wire_tx_dropped(lab)
        curls = []
        for i, host in enumerate(CURLS):
            argv = ["curl", "-sS", "--fail", "--max-time", "60",
                    "-w", r"port=%{local_port}\n"]
            for j in range(PER_CURL):
                f = tmp / f"dl{i}.{j}"
                f.unlink(missing_ok=True)
                argv += ["-o", str(f), f"http://{host}/{FILE}"]
            p = lab.spawn("client", argv)
            stack.callback(p.stop)
            curls.append(p)
        rcs, outputs, sums = [], [], []
        for i, p in enumerate(curls):
            rcs.append(p.proc.wait(120))
            p.stop()                       # collects the last output
            outputs.append(p.output)
            for j in range(PER_CURL):
                f = tmp / f"dl{i}.{j}"
                sums.append(hashlib.sha256(f.read_bytes()).hexdigest()
                            if f.exists() else "")
        time.sleep(0.5)                    # the last ACKs and FINs
        rule1 = lab.show_rules().by_name("web")
        ports = port_delta(ports0, port_snapshot(lab))
        dropped = wire_tx_dropped(lab) - dropped0
        trouble = []
        for name, cap in (("the sniffer", sniff), ("the server", scap),
                          ("the client", ccap)):
            cap.stop()
            t = capture_trouble(name, cap)
            if t:
                trouble.append(t)
        after = lab.show_rules().by_name("web")
    # The counters are read at other moments than the captures start and
    # stop: a port-80 packet then (a late FIN of an earlier test, say)
    # would be in one and not the other.
    for what, a, b in (("as the captures started", before, rule0),
                       ("as the captures stopped", rule1, after)):
        if a.acted != b.acted:
            trouble.append(f"port-80 traffic {what}: rule web acted "
                           f"{a.acted}, then {b.acted}")
    r = Round(rcs, outputs, sums, ports, rule0, rule1,
              read_frames(tmp / "sniff.pcap"),
              read_frames(tmp / "server.pcap"),
              read_frames(tmp / "client.pcap"), trouble)
    # Loss outside wirefault: a host's packet that never reached it (the
    # af_packet ring overflowed while the worker slept: 2 cores shared
    # with both TCP stacks), or one the kernel dropped after it.
    c2s_sent = len(split_http([f for _, f in r.client])[0])
    s2c_sent = len(split_http([f for _, f in r.server])[1])
    if ports[0]["rx"] < c2s_sent:
        trouble.append(f"pre-box loss: the client sent {c2s_sent} packets "
                       f"to port 80, wirefault's port 0 received "
                       f"{ports[0]['rx']} frames in all")
    if ports[1]["rx"] < s2c_sent:
        trouble.append(f"pre-box loss: the server sent {s2c_sent} packets "
                       f"from port 80, wirefault's port 1 received "
                       f"{ports[1]['rx']} frames in all")
    if dropped:
        trouble.append(f"the wire namespace's veths dropped {dropped} "
                       "frames on transmit (kernel, after the box)")
    return r


@pytest.fixture(scope="module")
def mirrored(mlab) -> Round:
    """Steps: tcpdump (whole frames, 32 MiB buffer) on the sniffer's eth0
    (no filter) and on the client's and the server's eth0 (tcp port 80);
    counters read; 2 concurrent curls (IPv4 and IPv6), each
    downloading 1M.bin 10 times in turn: 20 downloads; 0.5 s for the last
    FINs; counters read; captures stopped by PID. A round in which a
    capture was incomplete (tcpdump's kernel drops, or fewer written than
    its filter accepted), a host's packets were lost outside wirefault
    (its rx below what a capture says was sent to it, or the wire's veths
    dropping on transmit) or port-80 traffic passed while the captures
    started or stopped (rule web's count moved across them) is run again,
    up to ROUNDS times."""
    with tempfile.TemporaryDirectory(prefix="wfmirror") as tmp:
        troubles = []
        for _ in range(ROUNDS):
            r = download_round(mlab, Path(tmp))
            if not r.trouble:
                return r
            troubles.append(r.trouble)
            print(f"round not comparable, again: {r.trouble}")
        pytest.fail(f"in each of {ROUNDS} rounds the captures could not be "
                    f"compared: {troubles}")


def test_lab_passes_rule_file(mlab):
    """Steps: the lab was started with `--mirror -- -f config/mirror.rules`.
    Verifies: wirefault runs that file: `show rules` holds its one rule,
    named web, a mirror of tcp port 80; port 2 is the mirror port (not
    paired) and the sniffer namespace exists."""
    rs = mlab.show_rules()
    assert [r.name for r in rs.rules] == ["web"], rs
    words = rs.rules[0].words()
    assert words[-2:] == ["action", "mirror"] and "80" in words, rs.rules[0]
    ports = mlab.telemetry("/wirefault/ports")
    assert ports["port2"]["role"] == "mirror", ports
    assert ports["port2"]["peer"] == -1, ports
    r = subprocess.run(["ip", "netns", "exec", f"{mlab.name}-sniff", "ip",
                        "-o", "link", "show", "eth0"], capture_output=True,
                       text=True)
    assert r.returncode == 0 and "UP" in r.stdout, r.stdout + r.stderr


def test_downloads_byte_exact(mlab, mirrored):
    """Verifies: each curl succeeded (exit 0) and each of the 20 downloads
    has the server's sha256."""
    sha = mlab.www_sha256(FILE)
    for i, rc in enumerate(mirrored.rcs):
        assert rc == 0, f"curl {i} ({CURLS[i]}): exit {rc}: " \
            f"{mirrored.outputs[i]}"
    bad = [i for i, s in enumerate(mirrored.sums) if s != sha]
    assert len(mirrored.sums) == DOWNLOADS and not bad, \
        f"downloads {bad} differ from the server's sha256 {sha}"


def test_sniffer_sees_every_packet_byte_identical(mirrored):
    """Verifies: the sniffer captured only copies of tcp port 80 (nothing
    else left port 2), whole and wire-sized; per direction its frames are,
    as lists of bytes and in order, exactly what reached the other host
    (client to server: the server's capture; server to client: the
    client's), and as multisets exactly what the sending host put on the
    wire. Both directions of all 20 downloads are there, over IPv4 and
    IPv6.

    Order is held against the receiving side: wirefault transmits from one
    lcore, so the receiver sees its order; a sender's capture can show
    another order than the box received (veth queues a stack's packets
    on the backlog of the CPU that sent them)."""
    d = mirrored
    cut = [(o, len(f)) for o, f in d.sniff if o != len(f)]
    assert not cut, f"sniffer frames captured short (orig, got): {cut[:5]}"
    big = [len(f) for _, f in d.sniff if len(f) > MAX_FRAME]
    assert not big, f"frames larger than the wire allows: {big[:5]}"
    m_c2s, m_s2c, m_other = split_http([f for _, f in d.sniff])
    assert not m_other, f"the sniffer got {len(m_other)} frames that are " \
        f"not tcp port 80: {[f[:54].hex() for f in m_other[:3]]}"
    s_c2s, s_s2c, _ = split_http([f for _, f in d.server])
    c_c2s, c_s2c, _ = split_http([f for _, f in d.client])
    assert m_c2s == s_c2s, "client->server: the sniffer's frames are not " \
        "the server's, in order: " + where_parted(m_c2s, s_c2s)
    assert m_s2c == c_s2c, "server->client: the sniffer's frames are not " \
        "the client's, in order: " + where_parted(m_s2c, c_s2c)
    for name, mine, sent in (("client->server", m_c2s, c_c2s),
                             ("server->client", m_s2c, s_s2c)):
        missing = Counter(sent) - Counter(mine)
        extra = Counter(mine) - Counter(sent)
        assert not missing and not extra, \
            f"{name}: {sum(missing.values())} frames the sender sent are " \
            f"not at the sniffer, {sum(extra.values())} there it never sent"
    # the whole of every download: SYN and FIN each way, and the data
    v4 = sum(1 for f in m_s2c if struct.unpack_from("!H", f, 12)[0] == 0x0800)
    v6 = len(m_s2c) - v4
    data = sum(len(f) for f in m_s2c)
    assert v4 and v6, f"server->client frames: {v4} IPv4, {v6} IPv6"
    assert data >= DOWNLOADS * (1 << 20), \
        f"the sniffer's server->client frames hold {data} bytes, less " \
        f"than {DOWNLOADS} x 1 MiB"


def syn_fin(frames: list[bytes]) -> tuple[int, int]:
    """(SYN, FIN) flagged TCP segments among @frames."""
    syn = fin = 0
    for f in frames:
        l4 = 14 + (f[14] & 0x0F) * 4 if f[12:14] == b"\x08\x00" else 54
        flags = f[l4 + 13]
        syn += bool(flags & 0x02)
        fin += bool(flags & 0x01)
    return syn, fin


def test_sniffer_holds_every_connection(mirrored):
    """Verifies: the sniffer saw 20 connections opened and closed in both
    directions: 20 SYNs and at least 20 FINs each way (retransmitted ones
    count again, so at least)."""
    m_c2s, m_s2c, _ = split_http([f for _, f in mirrored.sniff])
    (syn_c, fin_c), (syn_s, fin_s) = syn_fin(m_c2s), syn_fin(m_s2c)
    assert syn_c >= DOWNLOADS and syn_s >= DOWNLOADS, (syn_c, syn_s)
    assert fin_c >= DOWNLOADS and fin_s >= DOWNLOADS, (fin_c, fin_s)


def test_mirror_counters(mirrored):
    """Verifies: rule web matched and acted once per copy captured (and
    acted == matched: every match copied); per ingress port, mirror_tx
    grew by the copies of that direction seen at the sniffer (port 0:
    client->server, port 1: server->client); mirror_tx_fail and
    mirror_nombuf did not grow."""
    d = mirrored
    m_c2s, m_s2c, _ = split_http([f for _, f in d.sniff])
    acted = d.rule1.acted - d.rule0.acted
    matched = d.rule1.matched - d.rule0.matched
    assert acted == matched == len(d.sniff), \
        f"rule web matched {matched}, acted {acted}; the sniffer captured " \
        f"{len(d.sniff)} frames"
    assert (d.ports[0]["mirror_tx"], d.ports[1]["mirror_tx"]) == \
        (len(m_c2s), len(m_s2c)), \
        f"mirror_tx grew by {d.ports[0]['mirror_tx']} (port 0), " \
        f"{d.ports[1]['mirror_tx']} (port 1); the sniffer has " \
        f"{len(m_c2s)} client->server and {len(m_s2c)} server->client"
    for key in ("mirror_tx_fail", "mirror_nombuf"):
        assert mirror_sum(d.ports, key) == 0, f"{key} grew: {d.ports}"


def test_originals_unaffected(mlab, mirrored):
    """Verifies: during the round each port forwarded all it received
    (rx == tx) with no drops, no tx_full, no rule_drop; over the lab's
    life every direction of `show stats` is balanced with no drops."""
    for p, c in mirrored.ports.items():
        assert c["rx"] == c["tx"] and c["drops"] == c["tx_full"] == \
            c["rule_drop"] == 0, f"port {p}: {c}"
    for row in mlab.show_stats():
        assert row.balanced and row.drops == 0, row


# --- refusals ---

def rule_state(app) -> tuple[int, list[str]]:
    rs = app.show_rules()
    return rs.version, [r.text for r in rs.rules]


def test_mirror_port_must_be_the_mirror_port(mlab):
    """Steps: in the mirror lab (--mirror-port 2), `rule add ... action
    mirror port 1` and `... port 0`, then `... port 2`.
    Verifies: ports 1 and 0 are refused, naming the port and the mirror
    port, and the rule set (version, rules) is unchanged; port 2 is
    accepted (then deleted)."""
    before = rule_state(mlab)
    for bad in (1, 0):
        r = mlab.rule_try("add", "proto", "tcp", "port", "81", "action",
                          "mirror", "port", str(bad))
        assert not r.accepted, f"mirror port {bad} accepted: {r.out}"
        want = f"mirror: port {bad} is not the mirror port (--mirror-port 2)"
        assert want in r.err, r.err
        assert rule_state(mlab) == before
    added = mlab.rule_add("proto tcp port 81 action mirror port 2")
    assert "mirror" in added.text, added
    mlab.rule_del(added.id)
    assert rule_state(mlab)[1] == before[1]


@pytest.fixture
def null_app(built):
    a = VdevAppliance(NULL_PAIR, tag="wfmn")
    assert a.wait_ready(), a.process.output
    yield a
    a.stop()


def test_mirror_refused_without_mirror_port(null_app):
    """Steps: wirefault on two net_null ports, no --mirror-port; `rule add
    proto tcp port 80 action mirror`, and with `port 1`.
    Verifies: both refused with "no mirror port (start wirefault with
    --mirror-port P)"; the rule set stays empty at its version; a drop rule
    is still accepted (the control surface works)."""
    before = rule_state(null_app)
    for extra in ([], ["port", "1"]):
        r = null_app.rule_try("add", "proto", "tcp", "port", "80", "action",
                              "mirror", *extra)
        assert not r.accepted, f"accepted without a mirror port: {r.out}"
        assert NO_MIRROR in r.err, r.err
        assert rule_state(null_app) == before
    assert before[1] == []
    null_app.rule_add("proto tcp port 80 action drop")
    assert len(rule_state(null_app)[1]) == 1


def test_recipe_file_needs_mirror_port(built, tmp_path):
    """Steps: wirefault on two net_null ports with `-f config/mirror.rules`
    and no --mirror-port; then on three with --mirror-port 2.
    Verifies: without it wirefault does not start (exit 2) and names the
    file's line and the reason; with it the file's rule is in place."""
    prefix = unique_name("wfmf")
    argv = [str(WIREFAULT), "-l", "0,1", "--no-huge", "-m", "512",
            "--no-pci", "--file-prefix", prefix]
    for v in NULL_PAIR:
        argv += ["--vdev", v]
    try:
        r = subprocess.run(argv + ["--", "-f", str(ROOT / RULES)],
                           capture_output=True, text=True, timeout=60)
    finally:
        subprocess.run(["rm", "-rf", f"/var/run/dpdk/{prefix}"])
    assert r.returncode == 2, r.stdout[-2000:] + r.stderr
    assert f"{ROOT / RULES}:" in r.stderr and NO_MIRROR in r.stderr, r.stderr
    a = VdevAppliance(NULL_THREE, ["--mirror-port", "2", "-f",
                                   str(ROOT / RULES)], tag="wfmf")
    try:
        assert a.wait_ready(), a.process.output
        assert [r.name for r in a.show_rules().rules] == ["web"]
    finally:
        a.stop()


# --- a sniffer that does not read ---

@pytest.fixture
def ring_lab(need_netns):
    """A lab whose mirror port 2 is a net_ring nobody drains."""
    lab = Lab(mirror_ring=True, tag="wfmr")
    try:
        yield lab
    finally:
        rc = lab.stop_clean()
        assert rc == 0, lab.process.output[-2000:]


def test_overrun_loses_copies_not_originals(ring_lab):
    """Steps: the --mirror-ring lab; `rule add name web proto tcp port 80
    action mirror`; curl of 20M.bin (about 17,000 packets, far more than
    the ring holds) and of 1M.bin over IPv6.
    Verifies: both downloads byte-exact; copies were lost and counted
    (mirror_tx_fail > 0); every copy is accounted for: the rule's acted ==
    mirror_tx + mirror_tx_fail, and its matched == acted + mirror_nombuf;
    no original lost: on ports 0 and 1 rx == tx, and drops, tx_full and
    rule_drop stayed 0."""
    lab = ring_lab
    added = lab.rule_add("name web proto tcp port 80 action mirror")
    ports0 = port_snapshot(lab)
    got = (lab.download_sha256(f"http://{SERVER4}/{BIG}"),
           lab.download_sha256(f"http://[{SERVER6}]/{FILE}"))
    assert got == (lab.www_sha256(BIG), lab.www_sha256(FILE)), got
    time.sleep(0.5)                        # the last ACKs and FINs
    # the rule's count and the ports' are two reads: take them at a moment
    # the rule's did not move across (a late FIN would be in one only)
    for _ in range(20):
        rule = lab.show_rules().by_id(added.id)
        d = port_delta(ports0, port_snapshot(lab))
        if lab.show_rules().by_id(added.id).matched == rule.matched:
            break
        time.sleep(0.2)
    tx, fail, nombuf = (mirror_sum(d, k) for k in
                        ("mirror_tx", "mirror_tx_fail", "mirror_nombuf"))
    assert fail > 0, f"no copy lost with nobody reading port 2: {d}"
    assert rule.acted == tx + fail, \
        f"rule web acted {rule.acted}, mirror_tx {tx} + mirror_tx_fail " \
        f"{fail} = {tx + fail}: {d}"
    assert rule.matched == rule.acted + nombuf, \
        f"rule web matched {rule.matched}, acted {rule.acted} + " \
        f"mirror_nombuf {nombuf}: {d}"
    assert rule.matched >= (20 << 20) // 1448, \
        f"rule web matched {rule.matched}: fewer than 20M.bin's segments"
    for p, c in d.items():
        assert c["rx"] == c["tx"] and c["drops"] == c["tx_full"] == \
            c["rule_drop"] == 0, f"port {p}: an original was lost: {c}"
