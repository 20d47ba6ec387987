#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The wirefault authors
"""Run one pcap scenario: pcaps in -> wirefault on net_pcap -> pcaps out.

    run_scenario.py CASE --build BUILD_DIR [--keep] [--timeout S] [-v]

A case is a folder tests/scenario/CASE/ holding:

  README             one line: why the case exists
  in.pcap            frames fed to port 0 (client side)
  in1.pcap           frames fed to port 1 (optional; default none)
  commands           console commands run with -f at start-up (may be empty)
  expected.pcap      what must leave port 1, the peer of port 0
  expected0.pcap     what must leave port 0 (optional; default nothing)
  expected_counters  "COUNTER VALUE" lines (the sum over both directions)
                     and "IN->OUT COUNTER VALUE" lines (one direction), e.g.
                     "rx 5", "drops 0", "0->1 tx 5"; VALUE may be a range
                     LOW..HIGH (both included); '#' starts a comment
  replay             optional: the case is a determinism check, one
                     directive a line ('#' starts a comment):
                       repeat N       run the case N times in all; every
                                      run's output pcaps must be identical
                                      to the first run's, frame by frame
                       differs FILE   one more run with FILE (in the case
                                      folder) as its commands: its port 1
                                      output must differ from the first
                                      run's (all other checks still apply)
                       missing NAME   the frames an output lacks must be as
                                      many as its direction's counter NAME
                     With replay, expected.pcap (and expected0.pcap) may be
                     left out: each output must then be its peer port's
                     input with frames only removed (an ordered
                     subsequence), and the frames removed must equal the
                     direction's drops.

The runner starts build/app/wirefault on two net_pcap vdevs with a unique
--file-prefix, with forwarding held ("stop" appended to the -f commands)
until it has read the idle mempool baseline from /wirefault/mempool; then
it sends "start" through wirefault-ctl, polls the /wirefault/stats
telemetry until every port has received all its input and the counters
stand still and balance, reads /wirefault/mempool again and 'show stats'
through wirefault-ctl, stops wirefault with SIGTERM (exit status 0
required), and then checks:

  - each output pcap equals its expected pcap: same number of frames and
    the same bytes, frame by frame (timestamps are ignored);
  - per direction, rx = tx + drops, in telemetry and in 'show stats',
    which must agree with each other;
  - the NIC counters: port P's opackets = the frames in its output pcap;
  - every line of expected_counters;
  - mbuf accounting (HOSTILE.md b.0 I2), always: once the input is
    drained, each pool's in_use is at most its idle baseline plus what
    the per-lcore mempool caches can hold, LCORES x 1.5 x cache_size
    (1.5 is DPDK's RTE_MEMPOOL_CACHE_FLUSHTHRESH_MULTIPLIER: a cache holds
    up to that before it flushes; LCORES is the 2 of -l 0,1). The bound
    is generous: rte_mempool_in_use_count() already counts cached mbufs
    as available, so a leak-free run ends at the baseline exactly; the
    margin only covers the unlocked read of the cache lengths. If the
    telemetry gives no cache_size, RTE_MEMPOOL_CACHE_MAX_SIZE (512) is
    assumed.

Each run of a case has its own --file-prefix and output pcaps.

wirefault runs the -f file before its workers start, so the commands
hold from the first packet. The runner appends "stop" to them and starts
forwarding itself once the baseline is read, so a case's commands cannot
leave forwarding stopped.

Only the standard library is used. The runner kills only the wirefault
it started (by PID) and removes its own temporary files and runtime
directory. Exit status: 0 pass, 1 fail, 2 bad usage or bad fixture.
"""

import argparse
import json
import os
import re
import shutil
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
PCAP_HDR = struct.Struct("<IHHiIII")
POLL_S = 0.1
STABLE_POLLS = 3          # identical balanced snapshots in a row
LCORES = 2                # -l 0,1: the lcores that may own a mempool cache
CACHE_FLUSH_MULT = 1.5    # RTE_MEMPOOL_CACHE_FLUSHTHRESH_MULTIPLIER
CACHE_MAX = 512           # RTE_MEMPOOL_CACHE_MAX_SIZE, if none is reported


class Fail(Exception):
    """The scenario failed; the message says how."""


class BadFixture(Exception):
    """The case folder is incomplete or malformed."""


def read_pcap(path: Path) -> list[bytes]:
    """Frames of a classic pcap file, either byte order, us or ns stamps."""
    data = path.read_bytes()
    if len(data) < PCAP_HDR.size:
        raise BadFixture(f"{path}: {len(data)} bytes, not a pcap file")
    magic = struct.unpack("<I", data[:4])[0]
    if magic in (0xA1B2C3D4, 0xA1B23C4D):
        endian = "<"
    elif magic in (0xD4C3B2A1, 0x4D3CB2A1):
        endian = ">"
    else:
        raise BadFixture(f"{path}: not a classic pcap file "
                         f"(magic {magic:#010x}; pcapng is not read here)")
    linktype = struct.unpack(endian + "I", data[20:24])[0] & 0xFFFF
    if linktype != 1:
        raise BadFixture(f"{path}: link type {linktype}, not Ethernet (1)")
    rec = struct.Struct(endian + "IIII")
    off, frames = PCAP_HDR.size, []
    while off < len(data):
        if off + rec.size > len(data):
            raise BadFixture(f"{path}: truncated record header at {off}")
        _, _, incl, orig = rec.unpack_from(data, off)
        off += rec.size
        if off + incl > len(data):
            raise BadFixture(f"{path}: truncated frame at {off}")
        if incl != orig:
            raise BadFixture(f"{path}: frame {len(frames) + 1} captured "
                             f"{incl} of {orig} bytes")
        frames.append(data[off:off + incl])
        off += incl
    return frames


def write_empty_pcap(path: Path) -> None:
    path.write_bytes(PCAP_HDR.pack(0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))


def runtime_dir(prefix: str) -> Path:
    """EAL's runtime directory for a file prefix (eal_filesystem.c)."""
    if os.getuid() == 0:
        base = "/var/run"
    else:
        base = os.environ.get("XDG_RUNTIME_DIR", "/tmp")
    return Path(base) / "dpdk" / prefix


def telemetry(rundir: Path, cmd: str):
    """One telemetry query; None while the answer is not there yet."""
    with socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET) as s:
        s.settimeout(5)
        s.connect(str(rundir / "dpdk_telemetry.v2"))
        json.loads(s.recv(1024))            # the greeting
        s.send(cmd.encode())
        return json.loads(s.recv(1 << 16)).get(cmd)


def parse_counters(stats: dict) -> dict[str, dict[str, int]]:
    """/wirefault/stats -> {"0->1": {"rx": .., "tx": .., "drops": ..}}."""
    out = {}
    for key, val in stats.items():
        m = re.fullmatch(r"port(\d+)", key)
        if m and isinstance(val, dict):
            out[f"{m.group(1)}->{val['peer']}"] = {
                k: v for k, v in val.items() if k != "peer"}
    return out


def parse_show_stats(text: str) -> dict[str, dict[str, int]]:
    """'show stats' text -> the same shape as parse_counters."""
    out, cols = {}, None
    for line in text.splitlines():
        if line.startswith("pair "):
            cols = line.split()[2:]
            continue
        m = re.fullmatch(r"\s*(\d+)->(\d+)\s+(!?)\s*([\d ]+)", line)
        if m and cols:
            vals = [int(v) for v in m.group(4).split()]
            if len(vals) != len(cols):
                raise Fail(f"'show stats' row has {len(vals)} values for "
                           f"{len(cols)} columns: {line!r}")
            row = dict(zip(cols, vals))
            row["_unbalanced"] = m.group(3) == "!"
            out[f"{m.group(1)}->{m.group(2)}"] = row
    return out


def hexdiff(got: bytes, want: bytes) -> str:
    first = next((i for i, (a, b) in enumerate(zip(got, want)) if a != b),
                 min(len(got), len(want)))
    lo = max(0, first - 8)
    return (f"{len(got)} bytes vs {len(want)} expected, first difference at "
            f"byte {first}\n    got      ...{got[lo:first + 24].hex(' ')}\n"
            f"    expected ...{want[lo:first + 24].hex(' ')}")


class Scenario:
    def __init__(self, case: str, build: Path, timeout: float,
                 verbose: bool):
        self.name = case
        self.dir = HERE / case
        self.build = build
        self.timeout = timeout
        self.verbose = verbose
        self.base_prefix = f"wfsc-{os.getpid()}-{case}"
        self.prefix = self.base_prefix
        self.rundir = runtime_dir(self.prefix)
        self.tmp = Path(tempfile.mkdtemp(prefix=f"{self.prefix}-"))
        self.proc = None
        self.log = self.tmp / "wirefault.log"

    # fixture -----------------------------------------------------------
    def load(self) -> None:
        if not self.dir.is_dir():
            raise BadFixture(f"no case folder {self.dir}")
        self.load_replay()
        needs = ["README", "in.pcap", "commands", "expected_counters"]
        if self.replay is None:
            needs.append("expected.pcap")
        for need in needs:
            if not (self.dir / need).is_file():
                raise BadFixture(f"{self.dir}: {need} is missing")
        self.why = (self.dir / "README").read_text().strip()
        empty = self.tmp / "empty.pcap"
        write_empty_pcap(empty)
        in1 = self.dir / "in1.pcap"
        self.inputs = [self.dir / "in.pcap", in1 if in1.exists() else empty]
        self.want_rx = [len(read_pcap(p)) for p in self.inputs]
        exp0, exp1 = self.dir / "expected0.pcap", self.dir / "expected.pcap"
        if self.replay is not None and not exp1.exists():
            self.expected = None    # outputs: ordered subsets of the inputs
            self.in_frames = [read_pcap(p) for p in self.inputs]
        else:
            self.expected = [read_pcap(exp0) if exp0.exists() else [],
                             read_pcap(exp1)]
        self.case_commands = (self.dir / "commands").read_text()
        self.prepare_run(0, self.case_commands)
        self.want_counters = []
        for n, line in enumerate(
                (self.dir / "expected_counters").read_text().splitlines(), 1):
            words = line.split("#", 1)[0].split()
            if not words:
                continue
            if len(words) == 2:
                words.insert(0, "")
            rng = re.fullmatch(r"(\d+)(?:\.\.(\d+))?", words[2]) \
                if len(words) == 3 else None
            if (rng is None or (words[0] and
                                not re.fullmatch(r"\d+->\d+", words[0]))):
                raise BadFixture(f"expected_counters:{n}: '{line}': want "
                                 "'[IN->OUT] COUNTER VALUE|LOW..HIGH'")
            low = int(rng.group(1))
            high = int(rng.group(2)) if rng.group(2) else low
            self.want_counters.append((n, words[0], words[1], (low, high)))

    def load_replay(self) -> None:
        """The optional replay file: repeat N, differs FILE, missing NAME."""
        self.replay, self.repeat, self.differs, self.missing = \
            None, 1, None, None
        path = self.dir / "replay"
        if not path.exists():
            return
        self.replay = path
        for n, line in enumerate(path.read_text().splitlines(), 1):
            words = line.split("#", 1)[0].split()
            if not words:
                continue
            if len(words) == 2 and words[0] == "repeat" and \
                    words[1].isdigit() and int(words[1]) >= 1:
                self.repeat = int(words[1])
            elif len(words) == 2 and words[0] == "differs" and \
                    (self.dir / words[1]).is_file() and "/" not in words[1]:
                self.differs = words[1]
            elif len(words) == 2 and words[0] == "missing":
                self.missing = words[1]
            else:
                raise BadFixture(f"replay:{n}: '{line}': want 'repeat N', "
                                 "'differs FILE' (in the case folder) or "
                                 "'missing COUNTER'")

    def prepare_run(self, run: int, text: str) -> None:
        """Run @run of the case (0 the first) with the commands @text: its
        own --file-prefix, log and output pcaps."""
        self.run_no = run
        self.prefix = f"{self.base_prefix}-r{run}" if run else self.base_prefix
        self.rundir = runtime_dir(self.prefix)
        self.proc = None
        self.log = self.tmp / (f"wirefault-r{run}.log" if run
                               else "wirefault.log")
        tag = f"r{run}-" if run else ""
        self.outputs = [self.tmp / f"{tag}out0.pcap",
                        self.tmp / f"{tag}out1.pcap"]
        # the case's commands, then hold forwarding for the pool baseline
        self.commands = self.tmp / f"{tag}commands"
        if text and not text.endswith("\n"):
            text += "\n"
        self.commands.write_text(
            text + "# run_scenario.py: no traffic before the mempool "
            "baseline\nstop\n")

    # wirefault ---------------------------------------------------------
    def start(self) -> None:
        exe = self.build / "app" / "wirefault"
        if not os.access(exe, os.X_OK):
            raise BadFixture(f"{exe} is not built")
        if len(str(self.rundir / "wirefault.sock")) >= 108:
            raise BadFixture(f"runtime dir {self.rundir} is too long for a "
                             "unix socket path")
        argv = [str(exe), "-l", "0,1", "--no-huge", "-m", "512",
                "--no-pci", "--file-prefix", self.prefix,
                "--vdev", f"net_pcap0,rx_pcap={self.inputs[0]},"
                          f"tx_pcap={self.outputs[0]}",
                "--vdev", f"net_pcap1,rx_pcap={self.inputs[1]},"
                          f"tx_pcap={self.outputs[1]}",
                "--", "-f", str(self.commands)]
        if self.verbose:
            print("+", " ".join(argv))
        with open(self.log, "wb") as log:
            self.proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL,
                                         stdout=log, stderr=subprocess.STDOUT)

    def output(self, tail: int = 4000) -> str:
        try:
            text = self.log.read_text(errors="replace")
        except OSError:
            return ""
        return text[-tail:]

    def snapshot(self):
        """Counters and NIC stats, or None while telemetry is not ready."""
        try:
            stats = telemetry(self.rundir, "/wirefault/stats")
            ports = telemetry(self.rundir, "/wirefault/ports")
        except (OSError, ValueError):
            return None
        if not isinstance(stats, dict) or not isinstance(ports, dict):
            return None
        return parse_counters(stats), ports

    def settled(self, counters) -> bool:
        for port, want in enumerate(self.want_rx):
            d = next((v for k, v in counters.items()
                      if k.startswith(f"{port}->")), None)
            if d is None or d["rx"] != want or \
                    d["rx"] != d["tx"] + d["drops"]:
                return False
        return True

    def wait_settled(self):
        """Poll until all input went through and the counters stand still."""
        deadline = time.monotonic() + self.timeout
        last, same, snap = None, 0, None
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise Fail(f"wirefault exited early with status "
                           f"{self.proc.returncode}:\n{self.output()}")
            snap = self.snapshot()
            if snap is not None and self.settled(snap[0]):
                same = same + 1 if snap == last else 1
                if same >= STABLE_POLLS:
                    return snap
            else:
                same = 0
            last = snap
            time.sleep(POLL_S)
        raise Fail(f"not settled after {self.timeout:.0f}s: want rx "
                   f"{self.want_rx} on ports 0 and 1; last telemetry "
                   f"{snap[0] if snap else None}\n{self.output()}")

    def ctl(self, *words: str) -> str:
        exe = self.build / "app" / "wirefault-ctl"
        r = subprocess.run([str(exe), "--file-prefix", self.prefix, *words],
                           capture_output=True, text=True, timeout=30,
                           stdin=subprocess.DEVNULL)
        if r.returncode != 0:
            raise Fail(f"wirefault-ctl {' '.join(words)}: status "
                       f"{r.returncode}: {r.stderr.strip()}")
        if self.verbose:
            print(r.stdout, end="")
        return r.stdout

    def show_stats(self):
        return parse_show_stats(self.ctl("show", "stats"))

    def pools(self):
        """/wirefault/mempool -> {"socket0": {"in_use": .., ...}}."""
        try:
            m = telemetry(self.rundir, "/wirefault/mempool")
        except (OSError, ValueError):
            return None
        if not isinstance(m, dict) or not m or not all(
                isinstance(v, dict) and "in_use" in v for v in m.values()):
            return None
        return m

    def wait_ready(self):
        """Wait for telemetry (forwarding still held) and read the idle
        mempool baseline; then start forwarding."""
        deadline = time.monotonic() + self.timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise Fail(f"wirefault exited early with status "
                           f"{self.proc.returncode}:\n{self.output()}")
            base, snap = self.pools(), self.snapshot()
            if base is not None and snap is not None:
                moved = {d: c["rx"] for d, c in snap[0].items() if c["rx"]}
                if moved:
                    raise Fail(f"traffic before 'start': rx {moved}")
                self.ctl("start")
                return base
            time.sleep(POLL_S)
        raise Fail(f"telemetry not ready after {self.timeout:.0f}s\n"
                   f"{self.output()}")

    @staticmethod
    def pool_slack(pool: dict) -> int:
        cache = pool.get("cache_size", CACHE_MAX)
        return int(LCORES * CACHE_FLUSH_MULT * cache + 0.5)

    def check_pools(self, base: dict) -> None:
        """I2: after the drain, in_use is back to the idle baseline,
        within what the per-lcore caches can hold."""
        deadline = time.monotonic() + 2
        while True:
            now = self.pools()
            if now is None:
                raise Fail("/wirefault/mempool: no answer after traffic")
            over = []
            for name, b in base.items():
                n = now.get(name)
                if n is None:
                    over.append(f"{name} vanished")
                    continue
                slack = self.pool_slack(b)
                if n["in_use"] > b["in_use"] + slack:
                    over.append(f"{b.get('name', name)}: in_use "
                                f"{n['in_use']} after the drain, idle "
                                f"baseline {b['in_use']}, caches hold at "
                                f"most {slack}")
            if not over:
                if self.verbose:
                    print("mempool in_use idle/drained: " + ", ".join(
                        f"{b.get('name', k)} {b['in_use']}/"
                        f"{now[k]['in_use']} (slack "
                        f"{self.pool_slack(b)})" for k, b in base.items()))
                return
            if time.monotonic() > deadline:
                raise Fail("mbuf leak (HOSTILE I2): " + "; ".join(over))
            time.sleep(POLL_S)

    def stop(self) -> int:
        """SIGTERM our wirefault (by PID) and return its exit status."""
        if self.proc is None:
            return 0
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
        try:
            return self.proc.wait(30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            raise Fail(f"wirefault did not exit within 30s of SIGTERM "
                       f"(killed):\n{self.output()}")

    def cleanup(self, keep: bool) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        # only the runtime dir of our own prefix, never another's
        if self.rundir.name == self.prefix and self.rundir.is_dir():
            shutil.rmtree(self.rundir, ignore_errors=True)
        if keep:
            print(f"kept {self.tmp}")
        else:
            shutil.rmtree(self.tmp, ignore_errors=True)

    # checks ------------------------------------------------------------
    def check_subset(self, port: int, got: list[bytes], counters) -> None:
        """Without an expected pcap: port @port's output is its peer's
        input with frames only removed, as many as that direction drops."""
        src = self.in_frames[1 - port]
        i = 0
        for k, g in enumerate(got):
            while i < len(src) and src[i] != g:
                i += 1
            if i == len(src):
                raise Fail(f"port {port} frame {k + 1} is not the next of "
                           f"the input's frames in order (changed, "
                           f"reordered or duplicated): {g[:64].hex(' ')}")
            i += 1
        d = f"{1 - port}->{port}"
        removed = len(src) - len(got)
        c = counters.get(d, {"drops": 0})
        if removed != c["drops"]:
            raise Fail(f"{d}: {removed} of {len(src)} frames are missing "
                       f"from port {port}'s output, drops = {c['drops']}")
        if self.missing is not None and \
                c.get(self.missing) != removed:
            raise Fail(f"{d}: {removed} frames missing from port {port}'s "
                       f"output, {self.missing} = {c.get(self.missing)}")

    def check(self, counters, ports, shown) -> None:
        for port in (0, 1):
            got = read_pcap(self.outputs[port])
            if self.expected is None:
                self.check_subset(port, got, counters)
                want = got
            else:
                want = self.expected[port]
            for i, (g, w) in enumerate(zip(got, want)):
                if g != w:
                    raise Fail(f"port {port} frame {i + 1} differs: "
                               f"{hexdiff(g, w)}")
            if len(got) != len(want):
                raise Fail(f"port {port} sent {len(got)} frames, "
                           f"expected {len(want)}")
            nic = ports.get(f"port{port}", {})
            if nic.get("opackets") != len(got):
                raise Fail(f"port {port}: NIC opackets "
                           f"{nic.get('opackets')}, its pcap has {len(got)}")
        for d, c in counters.items():
            if c["rx"] != c["tx"] + c["drops"]:
                raise Fail(f"{d}: rx {c['rx']} != tx {c['tx']} + drops "
                           f"{c['drops']}")
            s = shown.get(d)
            if s is None:
                raise Fail(f"'show stats' has no row {d}")
            if s["_unbalanced"]:
                raise Fail(f"'show stats' marks {d} unbalanced (!)")
            if self.missing is not None and self.missing not in s:
                raise Fail(f"'show stats' has no column {self.missing} "
                           f"(replay: missing {self.missing})")
            for k, v in c.items():
                if k in s and s[k] != v:
                    raise Fail(f"{d} {k}: telemetry {v}, 'show stats' "
                               f"{s[k]}")
        wrong = []                # every mismatch, not just the first
        for n, d, name, value in self.want_counters:
            rows = [counters[d]] if d else list(counters.values())
            if d and d not in counters:
                raise Fail(f"expected_counters:{n}: no direction {d} "
                           f"(have {', '.join(counters)})")
            if any(name not in r for r in rows):
                wrong.append(f"expected_counters:{n}: no counter '{name}'")
                continue
            got = sum(r[name] for r in rows)
            low, high = value
            if not low <= got <= high:
                want = str(low) if low == high else f"{low}..{high}"
                wrong.append(f"expected_counters:{n}: {d or 'total'} "
                             f"{name} = {got}, expected {want}")
        if wrong:
            raise Fail("\n  ".join([f"{len(wrong)} counter(s) differ:"] +
                                   wrong))

    def run_once(self) -> list[list[bytes]]:
        """One run as prepared; the frames each port sent."""
        self.start()
        base = self.wait_ready()
        counters, ports = self.wait_settled()
        self.check_pools(base)
        shown = self.show_stats()
        status = self.stop()
        if status != 0:
            raise Fail(f"wirefault exited with status {status} after "
                       f"SIGTERM:\n{self.output()}")
        if self.verbose:
            print(self.output())
        self.check(counters, ports, shown)
        if self.rundir.name == self.prefix and self.rundir.is_dir():
            shutil.rmtree(self.rundir, ignore_errors=True)
        return [read_pcap(p) for p in self.outputs]

    def run(self) -> None:
        self.load()
        print(f"{self.name}: {self.why}")
        first = self.run_once()
        for run in range(1, self.repeat):
            self.prepare_run(run, self.case_commands)
            again = self.run_once()
            for port in (0, 1):
                a, b = first[port], again[port]
                diff = next((i for i, (x, y) in enumerate(zip(a, b))
                             if x != y), None)
                if diff is not None or len(a) != len(b):
                    where = (f"frame {diff + 1} differs: "
                             f"{hexdiff(b[diff], a[diff])}"
                             if diff is not None else "")
                    raise Fail(f"run {run + 1} is not identical to run 1 on "
                               f"port {port}: {len(b)} frames vs "
                               f"{len(a)}; {where}")
        if self.differs is not None:
            self.prepare_run(self.repeat,
                             (self.dir / self.differs).read_text())
            other = self.run_once()
            if other[1] == first[1]:
                raise Fail(f"the run with {self.differs} sent the same "
                           f"{len(other[1])} frames out of port 1 as run 1")
            if self.verbose:
                print(f"{self.differs}: port 1 sent {len(other[1])} frames, "
                      f"run 1 sent {len(first[1])}")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("case", help="a folder name under tests/scenario/")
    ap.add_argument("--build", type=Path, required=True,
                    help="the meson build directory")
    ap.add_argument("--timeout", type=float, default=30,
                    help="seconds to wait for the traffic (default 30)")
    ap.add_argument("--keep", action="store_true",
                    help="keep the output pcaps and the log")
    ap.add_argument("-v", "--verbose", action="store_true")
    args = ap.parse_args()
    if "/" in args.case or args.case.startswith("."):
        print(f"bad case name '{args.case}'", file=sys.stderr)
        return 2
    t0 = time.monotonic()
    sc = Scenario(args.case, args.build.resolve(), args.timeout,
                  args.verbose)
    try:
        sc.run()
    except BadFixture as e:
        print(f"{args.case}: ERROR: {e}", file=sys.stderr)
        return 2
    except Fail as e:
        print(f"{args.case}: FAIL: {e}", file=sys.stderr)
        return 1
    finally:
        try:
            sc.stop()
        except Fail:
            pass
        sc.cleanup(args.keep)
    print(f"{args.case}: ok: {sc.want_rx[0]} frames in on port 0, "
          f"{sc.want_rx[1]} on port 1 ({time.monotonic() - t0:.1f}s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
