# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The wirefault authors
"""A typed wrapper around wirefault for the dts suites.

Suites never send raw strings from their bodies: they start a Lab (or a bare
Appliance on virtual devices), call methods that return dataclasses, and
assert on those. Everything started here is stopped by PID, and every
namespace made is removed, also when a test fails.
"""

from __future__ import annotations

import hashlib
import ipaddress
import json
import os
import re
import signal
import socket
import struct
import subprocess
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BUILD = Path(os.environ.get("WIREFAULT_BUILD", ROOT / "build"))
WIREFAULT = BUILD / "app" / "wirefault"


def build_option(name: str):
    """A meson option of the build under test (None if unknown)."""
    try:
        opts = json.loads((BUILD / "meson-info" /
                           "intro-buildoptions.json").read_text())
    except (OSError, ValueError):
        return None
    return next((o["value"] for o in opts if o["name"] == name), None)
WIREFAULT_CTL = BUILD / "app" / "wirefault-ctl"
LAB = ROOT / "app" / "wirefault-lab"
RUN_DIR = Path("/var/run/dpdk")

_counter = 0


def unique_name(tag: str) -> str:
    """A name no other run on this machine uses: tag, pid and a counter."""
    global _counter
    _counter += 1
    return f"{tag}{os.getpid() % 100000}x{_counter}"


@dataclass
class CtlResult:
    """What wirefault-ctl gave back."""
    rc: int
    out: str
    err: str

    @property
    def accepted(self) -> bool:
        return self.rc == 0


@dataclass
class DirStats:
    """One direction of a pair in `show stats`: rx, tx and drops."""
    rx_port: int
    tx_port: int
    counters: dict[str, int]

    @property
    def rx(self) -> int:
        return self.counters["rx"]

    @property
    def tx(self) -> int:
        return self.counters["tx"]

    @property
    def drops(self) -> int:
        return self.counters["drops"]

    @property
    def balanced(self) -> bool:
        drop_sum = sum(v for k, v in self.counters.items()
                       if k not in ("rx", "tx", "drops"))
        return self.rx == self.tx + self.drops and self.drops == drop_sum


@dataclass
class PortStats:
    """One port's block in `show port stats`."""
    port: int
    values: dict[str, float] = field(default_factory=dict)


def parse_show_stats(text: str) -> list[DirStats]:
    """Parse `show stats`: a header per pair naming the columns, then rows."""
    dirs: list[DirStats] = []
    columns: list[str] = []
    for line in text.splitlines():
        if line.startswith("pair "):
            columns = line.split()[2:]
            continue
        if line.startswith("seen "):
            columns = []    # informational counters follow, not rows
            continue
        m = re.match(r"\s+(\d+)->(\d+)\s+!?\s*(.*)$", line)
        if m and columns:
            values = [int(v) for v in m.group(3).split()]
            dirs.append(DirStats(int(m.group(1)), int(m.group(2)),
                                 dict(zip(columns, values))))
    return dirs


def parse_port_stats(text: str) -> dict[int, PortStats]:
    """Parse testpmd-style `show port stats` blocks into numbers."""
    ports: dict[int, PortStats] = {}
    cur = None
    for line in text.splitlines():
        m = re.search(r"NIC statistics for port (\d+)", line)
        if m:
            cur = PortStats(int(m.group(1)))
            ports[cur.port] = cur
            continue
        if cur is None:
            continue
        for key, val in re.findall(r"([A-Za-z-]+):\s+([0-9.]+)", line):
            cur.values[key] = float(val)
    return ports


TCP_STATES = ("SYN_SENT", "SYN_RECV", "ESTABLISHED", "FIN_WAIT",
              "CLOSE_WAIT", "LAST_ACK", "TIME_WAIT", "CLOSED")


@dataclass
class TcpStates:
    """`show tcp states`: the census of tracked connections."""
    tracked: int
    capacity: int
    counts: dict[str, int]       # every name of TCP_STATES
    syn_unanswered: int
    synack_retrans_after_data: int


def parse_tcp_states(text: str) -> TcpStates:
    """Parse `show tcp states`: a summary line, then "NAME VALUE" lines."""
    lines = [l for l in text.splitlines() if l.strip()]
    m = re.match(r"tcp states: (\d+) connections tracked, "
                 r"table capacity (\d+)$", lines[0].strip())
    assert m, f"unexpected first line: {lines[0]!r}"
    values = {}
    for line in lines[1:]:
        name, value = line.split()
        values[name] = int(value)
    assert set(values) == set(TCP_STATES) | {"syn_unanswered",
                                              "synack_retrans_after_data"}, \
        f"unexpected names: {sorted(values)}"
    return TcpStates(int(m.group(1)), int(m.group(2)),
                     {k: values[k] for k in TCP_STATES},
                     values["syn_unanswered"],
                     values["synack_retrans_after_data"])


@dataclass
class Flow:
    """One tracked connection, from `show flows` or /wirefault/flows.

    client is the originator ("198.18.0.1:45678", "[2001:2::1]:45678");
    syn_times_ms are the SYN times relative to the first SYN (empty when
    no SYN was seen). age_s, syn_times_ms and first_syn_unix_us are in
    the units of their source: `show flows` has no first_syn_unix_us (0),
    telemetry has microseconds, converted here to ms and s."""
    proto: str
    client: str
    server: str
    state: str
    age_s: float
    orig_pkts: int
    orig_bytes: int
    reply_pkts: int
    reply_bytes: int
    syns: int
    syn_times_ms: list[float]
    retrans_orig: int
    retrans_reply: int
    first_syn_unix_us: int = 0

    @property
    def server_port(self) -> int:
        return int(self.server.rsplit(":", 1)[1])

    @property
    def client_port(self) -> int:
        return int(self.client.rsplit(":", 1)[1])


@dataclass
class FlowList:
    """`show flows`: how many matched the filter, and those shown."""
    matched: int
    showing: int
    flows: list[Flow]


FLOW_COLUMNS = ("proto", "client", "server", "state", "age_s", "orig_pkts",
                "orig_bytes", "reply_pkts", "reply_bytes", "syns",
                "syn_times_ms", "retrans_orig", "retrans_reply")


def _times(text: str, scale: float) -> list[float]:
    if text in ("-", ""):
        return []
    return [float(t) / scale for t in text.split(",")]


def parse_show_flows(text: str) -> FlowList:
    """Parse `show flows`: "flows: M match, showing K", a header line
    starting with "proto", then one whitespace-separated line per flow."""
    lines = [l for l in text.splitlines() if l.strip()]
    m = re.match(r"flows: (\d+) match, showing (\d+)$", lines[0].strip())
    assert m, f"unexpected first line: {lines[0]!r}"
    flows = []
    if len(lines) > 1:
        assert lines[1].split()[0] == "proto", f"no header: {lines[1]!r}"
        for line in lines[2:]:
            f = line.split()
            assert len(f) == len(FLOW_COLUMNS), f"bad flow line: {line!r}"
            flows.append(Flow(f[0], f[1], f[2], f[3], float(f[4]),
                              int(f[5]), int(f[6]), int(f[7]), int(f[8]),
                              int(f[9]), _times(f[10], 1.0), int(f[11]),
                              int(f[12])))
    return FlowList(int(m.group(1)), int(m.group(2)), flows)


def flow_from_telemetry(d: dict) -> Flow:
    return Flow(d["proto"], d["client"], d["server"], d["state"],
                d["age_ms"] / 1000.0, d["orig_pkts"], d["orig_bytes"],
                d["reply_pkts"], d["reply_bytes"], d["syns"],
                _times(str(d["syn_times_us"]), 1000.0), d["retrans_orig"],
                d["retrans_reply"], d["first_syn_unix_us"])


# --- rules (`show rules`, /wirefault/rules) ---

@dataclass
class Rule:
    """One rule of `show rules` or /wirefault/rules. expires_s is None when
    the rule never expires; name is "" when unnamed."""
    id: int
    name: str
    matched: int
    acted: int
    expires_s: int | None
    text: str

    def words(self) -> list[str]:
        return self.text.split()


@dataclass
class RuleSet:
    """The rule set: its version, the dead-man switch and the rules in
    evaluation order. deadman_s is None when the switch is off, else the
    seconds left (`show rules` prints one decimal, telemetry has ms)."""
    version: int
    deadman_s: float | None
    rules: list[Rule]

    def by_name(self, name: str) -> Rule:
        found = [r for r in self.rules if r.name == name]
        assert len(found) == 1, f"rule {name!r}: {len(found)} in {self}"
        return found[0]

    def by_id(self, rid: int) -> Rule:
        found = [r for r in self.rules if r.id == rid]
        assert len(found) == 1, f"rule id {rid}: {len(found)} in {self}"
        return found[0]


def parse_show_rules(text: str) -> RuleSet:
    """Parse `show rules`: "rules: N, version V, deadman off" (or "deadman
    armed, S.S s left"), a column header starting with "id", then one line
    per rule "ID NAME MATCHED ACTED EXPIRES TEXT..." (NAME and EXPIRES "-"
    when none); any other line (an empty set's note) is ignored."""
    lines = [l for l in text.splitlines() if l.strip()]
    m = re.match(r"rules: (\d+), version (\d+), deadman (?:off|armed, "
                 r"([0-9.]+) s left)$", lines[0].strip()) if lines else None
    assert m, f"unexpected first line of show rules: {text[:200]!r}"
    assert len(lines) > 1 and lines[1].split()[0] == "id", \
        f"no column header in show rules: {text[:300]!r}"
    rules = []
    for line in lines[2:]:
        f = line.split(None, 5)
        if not f[0].isdigit():
            continue
        assert len(f) == 6, f"bad rule line: {line!r}"
        rules.append(Rule(int(f[0]), "" if f[1] == "-" else f[1], int(f[2]),
                          int(f[3]), None if f[4] == "-" else int(f[4]),
                          f[5].strip()))
    assert len(rules) == int(m.group(1)), \
        f"show rules says {m.group(1)} rules and lists {len(rules)}:\n{text}"
    return RuleSet(int(m.group(2)),
                   None if m.group(3) is None else float(m.group(3)), rules)


def rule_from_telemetry(d: dict) -> Rule:
    exp = d.get("expire_s", 0)
    return Rule(int(d["id"]), d.get("name", "") or "", int(d["matched"]),
                int(d["acted"]), None if exp in (0, -1, None) else int(exp),
                str(d["text"]))


@dataclass
class RuleAdded:
    """`rule add`'s answer: "rule ID added: CANONICAL-TEXT"."""
    id: int
    text: str


# --- captures ---

@dataclass
class TcpSeg:
    """One TCP packet of a capture (IPv4 or IPv6 over Ethernet)."""
    time: float
    src: str             # endpoints as wirefault writes them
    dst: str
    seq: int
    ack: int
    flags: int           # FIN 0x01 SYN 0x02 RST 0x04 PSH 0x08 ACK 0x10 ...
    length: int          # TCP payload bytes (from the IP length)

    @property
    def sport(self) -> int:
        return int(self.src.rsplit(":", 1)[1])

    @property
    def dport(self) -> int:
        return int(self.dst.rsplit(":", 1)[1])


def pcap_records(path: str | Path) -> list[tuple[float, int, bytes]]:
    """(time, original length, captured bytes) of each record of a classic
    pcap (Ethernet), in file order, read with struct so that a large
    capture is quick; a record cut short at the end (tcpdump still
    writing) is ignored."""
    data = Path(path).read_bytes()
    if len(data) < 24:
        return []
    magic = struct.unpack("<I", data[:4])[0]
    if magic in (0xA1B2C3D4, 0xA1B23C4D):
        e = "<"
    elif magic in (0xD4C3B2A1, 0x4D3CB2A1):
        e = ">"
    else:
        raise AssertionError(f"{path}: not a classic pcap (magic {magic:#x})")
    nano = magic in (0xA1B23C4D, 0x4D3CB2A1)
    link = struct.unpack(e + "I", data[20:24])[0] & 0xFFFF
    assert link == 1, f"{path}: link type {link}, not Ethernet"
    rec = struct.Struct(e + "IIII")
    off, out = 24, []
    while off + 16 <= len(data):
        sec, frac, incl, orig = rec.unpack_from(data, off)
        off += 16
        if off + incl > len(data):
            break
        out.append((sec + frac / (1e9 if nano else 1e6), orig,
                    data[off:off + incl]))
        off += incl
    return out


def read_tcp_pcap(path: str | Path) -> list[TcpSeg]:
    """The TCP packets of a classic pcap (Ethernet, optionally one VLAN
    tag); see pcap_records()."""
    out = []
    for t, _, fr in pcap_records(path):
        l3 = 14
        etype = struct.unpack_from("!H", fr, 12)[0] if len(fr) >= 14 else 0
        if etype == 0x8100 and len(fr) >= 18:
            etype, l3 = struct.unpack_from("!H", fr, 16)[0], 18
        if etype == 0x0800 and len(fr) >= l3 + 20:
            ihl = (fr[l3] & 0x0F) * 4
            if fr[l3 + 9] != 6:
                continue
            tot = struct.unpack_from("!H", fr, l3 + 2)[0]
            src = ".".join(map(str, fr[l3 + 12:l3 + 16]))
            dst = ".".join(map(str, fr[l3 + 16:l3 + 20]))
            l4, l4len, v6 = l3 + ihl, tot - ihl, False
        elif etype == 0x86DD and len(fr) >= l3 + 40:
            if fr[l3 + 6] != 6:
                continue  # extension headers are not followed here
            src = str(ipaddress.IPv6Address(fr[l3 + 8:l3 + 24]))
            dst = str(ipaddress.IPv6Address(fr[l3 + 24:l3 + 40]))
            l4 = l3 + 40
            l4len = struct.unpack_from("!H", fr, l3 + 4)[0]
            v6 = True
        else:
            continue
        if len(fr) < l4 + 14:
            continue
        sport, dport, seq, ack, doff, flags = struct.unpack_from(
            "!HHIIBB", fr, l4)
        plen = l4len - (doff >> 4) * 4
        if v6:
            s, d = f"[{src}]:{sport}", f"[{dst}]:{dport}"
        else:
            s, d = f"{src}:{sport}", f"{dst}:{dport}"
        out.append(TcpSeg(t, s, d, seq, ack, flags, max(plen, 0)))
    return out


class Capture:
    """A tcpdump started by Lab.capture(); stop() ends it by PID (SIGTERM:
    it flushes) and returns its summary, with the kernel's drop count."""

    def __init__(self, path: Path, proc: Process):
        self.path = path
        self.proc = proc
        self.dropped: int | None = None

    def stop(self) -> int:
        """Stop tcpdump; the packets it says the kernel dropped (-1 when
        it did not say)."""
        if self.dropped is None:
            self.proc.stop(signal.SIGTERM)
            m = re.search(r"(\d+) packets? dropped by kernel",
                          self.proc.output)
            self.dropped = int(m.group(1)) if m else -1
        return self.dropped

    def packets(self) -> list[TcpSeg]:
        return read_tcp_pcap(self.path)



@dataclass
class Sock:
    """One line of `ss -tan`: state, queues and endpoints."""
    state: str           # ss's names: ESTAB, SYN-RECV, CLOSE-WAIT, ...
    recv_q: int
    send_q: int
    local: str
    peer: str


def _unmapped(ep: str) -> str:
    m = re.fullmatch(r"\[::ffff:(\d+\.\d+\.\d+\.\d+)\]:(\d+)", ep)
    return f"{m.group(1)}:{m.group(2)}" if m else ep

class Telemetry:
    """A client of DPDK's telemetry socket (what dpdk-telemetry.py does)."""

    def __init__(self, prefix: str):
        self.path = str(RUN_DIR / prefix / "dpdk_telemetry.v2")

    def query(self, cmd: str) -> object:
        with socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET) as s:
            s.settimeout(5)
            s.connect(self.path)
            json.loads(s.recv(16384).decode())  # the greeting
            s.send(cmd.encode())
            reply = json.loads(s.recv(65536).decode())
        return reply.get(cmd.split(",")[0]) if isinstance(reply, dict) else reply


class Process:
    """A started process whose output is collected in the background."""

    def __init__(self, argv: list[str], stdin=subprocess.DEVNULL,
                 cwd: str | Path | None = None):
        self.argv = argv
        self.proc = subprocess.Popen(argv, stdin=stdin, stdout=subprocess.PIPE,
                                     stderr=subprocess.STDOUT, cwd=cwd)
        self._chunks: list[bytes] = []
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        # as it comes, not by lines: a prompt or a progress line without
        # its newline yet (dpdk-dumpcap's "Packets captured: ") is output too
        fd = self.proc.stdout.fileno()
        while chunk := os.read(fd, 4096):
            self._chunks.append(chunk)

    @property
    def output(self) -> str:
        return b"".join(self._chunks).decode(errors="replace")

    @property
    def lines(self) -> list[str]:
        return self.output.splitlines(keepends=True)

    def wait_for(self, pattern: str, timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if re.search(pattern, self.output, re.M):
                return True
            if self.proc.poll() is not None:
                time.sleep(0.2)  # let the reader take the last lines
                return bool(re.search(pattern, self.output, re.M))
            time.sleep(0.1)
        return False

    def stop(self, sig=signal.SIGTERM, timeout: float = 30) -> int:
        """Signal the process (by PID) and return its exit status."""
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
        try:
            rc = self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            rc = self.proc.wait()
        self._reader.join(5)
        return rc


class Appliance:
    """Common control of a running wirefault known by its file prefix."""

    prefix: str

    def ctl(self, *words: str) -> CtlResult:
        r = subprocess.run([str(WIREFAULT_CTL), "--file-prefix", self.prefix,
                            *words], capture_output=True, text=True, timeout=30)
        return CtlResult(r.returncode, r.stdout, r.stderr)

    def show_stats(self) -> list[DirStats]:
        r = self.ctl("show", "stats")
        assert r.accepted, r.err
        return parse_show_stats(r.out)

    def show_port_stats(self) -> dict[int, PortStats]:
        r = self.ctl("show", "port", "stats", "all")
        assert r.accepted, r.err
        return parse_port_stats(r.out)

    def telemetry(self, cmd: str) -> object:
        return Telemetry(self.prefix).query(cmd)

    def mempool_in_use(self) -> int:
        pools = self.telemetry("/wirefault/mempool")
        return sum(p["in_use"] for p in pools.values())

    def show_tcp_states(self) -> TcpStates:
        r = self.ctl("show", "tcp", "states")
        assert r.accepted, r.err
        return parse_tcp_states(r.out)

    def tcp_states(self) -> dict[str, int]:
        """/wirefault/tcp_states: the census keys plus flows and capacity."""
        return self.telemetry("/wirefault/tcp_states")

    def show_flows(self, n: int | None = None, sort: str | None = None,
                   state: str | None = None, addr: str | None = None,
                   port: int | None = None) -> FlowList:
        words = ["show", "flows"]
        if n is not None:
            words.append(str(n))
        for key, val in (("sort", sort), ("state", state), ("addr", addr),
                         ("port", port)):
            if val is not None:
                words += [key, str(val)]
        r = self.ctl(*words)
        assert r.accepted, r.err
        return parse_show_flows(r.out)

    def flows_page(self, start: int, count: int | None = None) -> object:
        """One raw /wirefault/flows,START[,COUNT] answer (None: rejected)."""
        cmd = f"/wirefault/flows,{start}"
        if count is not None:
            cmd += f",{count}"
        return self.telemetry(cmd)

    def flows(self, count: int = 32) -> list[Flow]:
        """Every tracked flow, paging /wirefault/flows until next is -1."""
        out: list[Flow] = []
        start = 0
        while start != -1:
            page = self.flows_page(start, count)
            assert isinstance(page, dict), f"/wirefault/flows,{start}: {page}"
            i = 0
            while f"flow{i}" in page:
                out.append(flow_from_telemetry(page[f"flow{i}"]))
                i += 1
            assert page["next"] == -1 or page["next"] > start, page["next"]
            start = page["next"]
        return out

    # --- rules ---

    def rule_try(self, *words: str) -> CtlResult:
        """Any `rule ...` command as given (accepted or not)."""
        return self.ctl("rule", *words)

    def rule_add(self, spec: str) -> RuleAdded:
        """`rule add SPEC` (SPEC split at blanks); must be accepted."""
        r = self.ctl("rule", "add", *spec.split())
        assert r.accepted, f"rule add {spec}: rejected: {r.err.strip()}"
        m = re.match(r"rule (\d+) added: (.*)$", r.out.strip())
        assert m, f"rule add {spec}: unexpected answer {r.out!r}"
        return RuleAdded(int(m.group(1)), m.group(2))

    def rule_del(self, key: str | int) -> None:
        r = self.ctl("rule", "del", str(key))
        assert r.accepted, f"rule del {key}: rejected: {r.err.strip()}"
        assert re.match(r"rule \d+ deleted", r.out.strip()), r.out

    def rule_flush(self) -> int:
        """`rule flush`; the number of rules it removed."""
        r = self.ctl("rule", "flush")
        assert r.accepted, f"rule flush: rejected: {r.err.strip()}"
        m = re.match(r"(\d+) rules? flushed", r.out.strip())
        assert m, f"rule flush: unexpected answer {r.out!r}"
        return int(m.group(1))

    def rule_load(self, path: str | Path) -> str:
        """`rule load PATH` (the whole set replaced); must be accepted."""
        r = self.ctl("rule", "load", str(path))
        assert r.accepted, f"rule load {path}: rejected: {r.err.strip()}"
        return r.out

    def show_rules(self) -> RuleSet:
        r = self.ctl("show", "rules")
        assert r.accepted, r.err
        return parse_show_rules(r.out)

    def rules_telemetry(self, count: int = 16) -> tuple[dict, list[Rule]]:
        """Every rule through /wirefault/rules,START,COUNT pages: the first
        page's header (version, total, deadman_ms) and the rules."""
        out: list[Rule] = []
        start, head = 0, None
        while start != -1:
            page = self.telemetry(f"/wirefault/rules,{start},{count}")
            assert isinstance(page, dict), f"/wirefault/rules,{start}: {page}"
            head = head or {k: v for k, v in page.items()
                            if not k.startswith("rule")}
            i = 0
            while f"rule{i}" in page:
                out.append(rule_from_telemetry(page[f"rule{i}"]))
                i += 1
            assert page["next"] == -1 or page["next"] > start, page
            start = page["next"]
        return head, out

    def deadman(self, arg: str | int) -> CtlResult:
        """`deadman SECONDS|confirm|off`; must be accepted."""
        r = self.ctl("deadman", str(arg))
        assert r.accepted, f"deadman {arg}: rejected: {r.err.strip()}"
        return r

    def port_counters(self) -> dict[int, dict[str, int]]:
        """/wirefault/stats per ingress port: every counter by name."""
        stats = self.telemetry("/wirefault/stats")
        assert isinstance(stats, dict), stats
        return {int(k[4:]): v for k, v in stats.items()
                if re.fullmatch(r"port\d+", k) and isinstance(v, dict)}

    def counter(self, name: str, port: int | None = None) -> int:
        """One /wirefault/stats counter, of one ingress port or summed."""
        ports = self.port_counters()
        rows = [ports[port]] if port is not None else list(ports.values())
        missing = [p for p, v in ports.items() if name not in v]
        assert not missing, f"/wirefault/stats has no {name!r}: {ports}"
        return sum(int(r[name]) for r in rows)

    @property
    def socket_path(self) -> Path:
        return RUN_DIR / self.prefix / "wirefault.sock"


class VdevAppliance(Appliance):
    """wirefault on virtual devices (net_null, net_pcap), no namespaces."""

    def __init__(self, vdevs: list[str], args: list[str] | None = None,
                 stdin=subprocess.DEVNULL, tag: str = "wfv"):
        self.prefix = unique_name(tag)
        eal = ["-l", "0,1", "--no-huge", "-m", "512", "--no-pci",
               "--file-prefix", self.prefix]
        for v in vdevs:
            eal += ["--vdev", v]
        self.process = Process([str(WIREFAULT), *eal, "--",
                                *(args or [])], stdin=stdin)

    def wait_ready(self, timeout: float = 30) -> bool:
        return self.process.wait_for(r"^wirefault: forwarding on", timeout)

    def stop(self, sig=signal.SIGTERM) -> int:
        rc = self.process.stop(sig)
        subprocess.run(["rm", "-rf", str(RUN_DIR / self.prefix)])
        return rc


class LabUnavailable(RuntimeError):
    """The lab cannot run here (wirefault-lab exit status 3: e.g. --huge got
    too few hugepages); tests pytest.skip on it."""


class Lab(Appliance):
    """app/wirefault-lab --no-console with a unique name."""

    def __init__(self, extra: list[str] | None = None, xdp: bool = False,
                 mirror: bool = False, tag: str = "wfd",
                 cwd: str | Path | None = None, backends: int = 0,
                 huge: bool = False, mirror_ring: bool = False):
        """@extra: wirefault options (after the lab's --); @cwd: the
        directory the lab (and so wirefault, whose relative paths such as
        `-f rules` or `log file x.pcap` start there) runs in; @backends:
        web backends b1..bN behind a bridge on the server side (0-8);
        @huge: wirefault on 2 MiB hugepages (LabUnavailable if the lab
        cannot reserve them); @mirror_ring: port 2 is a mirror port that
        nobody reads (its queue fills)."""
        assert 0 <= backends <= 8, backends
        self.name = unique_name(tag)
        self.cwd = Path(cwd) if cwd is not None else Path.cwd()
        self.prefix = self.name
        self.backends = backends
        self.huge = huge
        argv = [str(LAB), "--no-console", "--name", self.name]
        if xdp:
            argv.append("--xdp")
        if mirror:
            argv.append("--mirror")
        if mirror_ring:
            argv.append("--mirror-ring")
        if backends:
            argv += ["--backends", str(backends)]
        if huge:
            argv.append("--huge")
        if extra:
            argv += ["--", *extra]
        self.process = Process(argv, cwd=cwd)
        if not self.process.wait_for(r"^lab ready", 180):
            rc = self.process.stop()
            if rc == 3:
                raise LabUnavailable(f"lab cannot run here (rc 3):\n"
                                     + self.process.output[-3000:])
            raise RuntimeError(f"lab did not come up (rc {rc}):\n"
                               + self.process.output[-3000:])

    @property
    def client(self) -> str:
        return f"{self.name}-client"

    @property
    def server(self) -> str:
        return f"{self.name}-server"

    @property
    def backend_names(self) -> list[str]:
        """The backends' namespaces (and /whoami names): NAME-b1 .. NAME-bN."""
        return [f"{self.name}-b{i}" for i in range(1, self.backends + 1)]

    @staticmethod
    def backend_addr(i: int, v6: bool = False) -> str:
        """Backend @i's address: 198.18.0.(2+i) / 2001:2::(2+i), except that
        b8 is .11 / ::11 (198.18.0.10 and 2001:2::10 are the VIPs')."""
        assert 1 <= i <= 8, i
        h = 2 + i if 2 + i < 10 else 3 + i
        return f"2001:2::{h}" if v6 else f"198.18.0.{h}"

    def _www(self) -> Path:
        m = re.search(r"^lab ready: .* www=(\S+)", self.process.output, re.M)
        return Path(m.group(1))

    @staticmethod
    def _sums(path: Path) -> dict[str, str]:
        return dict(reversed(line.split())
                    for line in path.read_text().splitlines())

    def www_sha256(self, fname: str) -> str:
        """The sha256 the server published for one of its test files."""
        return self._sums(self._www() / "SHA256SUMS")[fname]

    def backend_sha256(self, i: int, fname: str = "1M.bin") -> str:
        """The sha256 backend @i (1..N) published for one of its files
        (each backend's 1M.bin differs)."""
        assert 1 <= i <= self.backends, i
        return self._sums(self._www() / f"b{i}" / "SHA256SUMS")[fname]

    def whoami(self, url: str, timeout: float = 10) -> tuple[str, str]:
        """GET @url (a backend's /whoami, or a VIP's) with curl in the
        client namespace: (backend name, peer as the backend saw it:
        "198.18.0.1:45678" or "[2001:2::1]:45678")."""
        r = self.in_client("curl", "-sS", "--fail", "--max-time",
                           str(timeout), url, timeout=timeout + 5)
        assert r.returncode == 0, f"curl {url}: status {r.returncode}: " \
            f"{r.stderr.strip()}"
        m = re.fullmatch(r"backend=(\S+) peer=(\S+)\n?", r.stdout)
        assert m, f"curl {url}: not a whoami answer: {r.stdout!r}"
        return m.group(1), m.group(2)

    def download_sha256(self, url: str) -> str:
        """curl @url in the client namespace; the sha256 of what arrived."""
        with tempfile.NamedTemporaryFile() as f:
            r = self.in_client("curl", "-sS", "--fail", "--max-time", "120",
                               "-o", f.name, url)
            assert r.returncode == 0, r.stderr
            return hashlib.sha256(open(f.name, "rb").read()).hexdigest()

    def in_client(self, *argv: str, timeout: float = 120
                  ) -> subprocess.CompletedProcess:
        return subprocess.run(["ip", "netns", "exec", self.client, *argv],
                              capture_output=True, text=True, timeout=timeout)

    def in_server(self, *argv: str, timeout: float = 120
                  ) -> subprocess.CompletedProcess:
        return subprocess.run(["ip", "netns", "exec", self.server, *argv],
                              capture_output=True, text=True, timeout=timeout)

    def ns(self, side: str) -> str:
        """The namespace of "client", "server", "wire" (wirefault's), and
        with backends "sw" (the bridge) and "b1".."bN"."""
        sides = ["client", "server", "wire"]
        if self.backends:
            sides += ["sw", *(f"b{i}" for i in range(1, self.backends + 1))]
        assert side in sides, side
        return f"{self.name}-{side}"

    def run_in(self, side: str, *argv: str, timeout: float = 120,
               check: bool = True) -> subprocess.CompletedProcess:
        """argv in the client or server namespace; with @check its exit
        status must be 0."""
        r = subprocess.run(["ip", "netns", "exec", self.ns(side), *argv],
                           capture_output=True, text=True, timeout=timeout)
        if check:
            assert r.returncode == 0, \
                f"{' '.join(argv)} in {side}: status {r.returncode}: " \
                f"{r.stderr.strip()}"
        return r

    def spawn(self, side: str, argv: list[str], ready: str | None = None,
              timeout: float = 15) -> Process:
        """Start argv in a namespace (the caller stops it by PID, e.g. with
        an ExitStack) and, with @ready, wait for a line matching it."""
        proc = Process(["ip", "netns", "exec", self.ns(side), *argv])
        if ready is not None and not proc.wait_for(ready, timeout):
            proc.stop()
            raise RuntimeError(f"{argv} in {side}: no {ready!r} within "
                               f"{timeout}s:\n{proc.output[-2000:]}")
        return proc

    def capture(self, side: str, path: str | Path, bpf: str,
                snaplen: int = 128) -> "Capture":
        """tcpdump on eth0 of the client (what the client received from
        wirefault and sent to it) or the server (the same on the other
        side of the box), writing @path; stop() it before reading all."""
        proc = self.spawn(side, ["tcpdump", "-i", "eth0", "-n", "-U",
                                 "--immediate-mode", "-B", "16384",
                                 "-s", str(snaplen), "-Z", "root",
                                 "-w", str(path), bpf],
                          ready=r"listening on")
        return Capture(Path(path), proc)

    def set_sysctl(self, side: str, key: str, value) -> str | None:
        """Set a sysctl in one namespace; its old value, blanks single
        (None: the kernel has no such key, nothing was set). The caller
        restores it."""
        r = self.run_in(side, "sysctl", "-n", key, check=False)
        if r.returncode != 0:
            return None
        self.run_in(side, "sysctl", "-qw", f"{key}={value}")
        got = " ".join(self.run_in(side, "sysctl", "-n", key).stdout.split())
        assert got == " ".join(str(value).split()), \
            f"{key} in {side}: set {value}, reads {got}"
        return " ".join(r.stdout.split())

    def tcp_sockets(self, side: str) -> list["Sock"]:
        """`ss -Htan` in a namespace, LISTEN included; IPv4-mapped IPv6
        endpoints are written as IPv4 ("198.18.0.1:45678")."""
        out = []
        for line in self.run_in(side, "ss", "-Htan").stdout.splitlines():
            f = line.split()
            if len(f) >= 5 and f[1].isdigit() and f[2].isdigit():
                out.append(Sock(f[0], int(f[1]), int(f[2]),
                                _unmapped(f[3]), _unmapped(f[4])))
        return out

    def nstat(self, side: str, counter: str) -> int:
        """A kernel SNMP/netstat counter of one namespace, absolute, without
        touching nstat's history file (-a -s)."""
        r = self.run_in(side, "nstat", "-asz", counter)
        for line in r.stdout.splitlines():
            f = line.split()
            if f and f[0] == counter:
                return int(f[1])
        raise AssertionError(f"nstat in {side}: no {counter}: {r.stdout}")

    def offloads(self, side: str, dev: str = "eth0") -> dict[str, str]:
        """`ethtool -k DEV` in a namespace: feature -> "on"/"off"."""
        r = self.run_in(side, "ethtool", "-k", dev)
        out = {}
        for line in r.stdout.splitlines()[1:]:
            if ":" in line:
                k, v = line.split(":", 1)
                out[k.strip()] = v.split()[0] if v.split() else ""
        return out

    def stop(self) -> int:
        return self.process.stop()

    def stop_clean(self) -> int:
        """Stop the lab (a fixture's teardown): it must leave no namespace
        behind; its exit status."""
        rc = self.stop()
        left = self.namespaces_left()
        assert not left, f"lab left namespaces behind: {left}"
        return rc

    def namespaces_left(self) -> list[str]:
        out = subprocess.run(["ip", "netns", "list"], capture_output=True,
                             text=True).stdout
        return [l.split()[0] for l in out.splitlines()
                if l.startswith(self.name + "-")]
