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
import json
import os
import re
import signal
import socket
import subprocess
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BUILD = Path(os.environ.get("WIREFAULT_BUILD", ROOT / "build"))
WIREFAULT = BUILD / "app" / "wirefault"
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

    def __init__(self, argv: list[str], stdin=subprocess.DEVNULL):
        self.argv = argv
        self.proc = subprocess.Popen(argv, stdin=stdin, stdout=subprocess.PIPE,
                                     stderr=subprocess.STDOUT, text=True,
                                     bufsize=1)
        self.lines: list[str] = []
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        for line in self.proc.stdout:
            self.lines.append(line)

    @property
    def output(self) -> str:
        return "".join(self.lines)

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


class Lab(Appliance):
    """app/wirefault-lab --no-console with a unique name."""

    def __init__(self, extra: list[str] | None = None, xdp: bool = False,
                 mirror: bool = False, tag: str = "wfd"):
        self.name = unique_name(tag)
        self.prefix = self.name
        argv = [str(LAB), "--no-console", "--name", self.name]
        if xdp:
            argv.append("--xdp")
        if mirror:
            argv.append("--mirror")
        if extra:
            argv += ["--", *extra]
        self.process = Process(argv)
        if not self.process.wait_for(r"^lab ready", 180):
            rc = self.process.stop()
            raise RuntimeError(f"lab did not come up (rc {rc}):\n"
                               + self.process.output[-3000:])

    @property
    def client(self) -> str:
        return f"{self.name}-client"

    @property
    def server(self) -> str:
        return f"{self.name}-server"

    def www_sha256(self, fname: str) -> str:
        """The sha256 the server published for one of its test files."""
        m = re.search(r"^lab ready: .* www=(\S+)", self.process.output, re.M)
        sums = Path(m.group(1), "SHA256SUMS").read_text()
        return dict(reversed(line.split()) for line in sums.splitlines())[fname]

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

    def stop(self) -> int:
        return self.process.stop()

    def namespaces_left(self) -> list[str]:
        out = subprocess.run(["ip", "netns", "list"], capture_output=True,
                             text=True).stdout
        return [l.split()[0] for l in out.splitlines()
                if l.startswith(self.name + "-")]
