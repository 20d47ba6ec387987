#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The wirefault authors
"""Run one pcap scenario: pcaps in -> wirefault on net_pcap -> pcaps out.

A case is a folder tests/scenario/<name>/ holding:
  README           one line: why this case exists
  in0.pcap         fed to port 0 (client side); in1.pcap to port 1, if any
  expected1.pcap   what must leave port 1; expected0.pcap for port 0, if any
  commands         console commands run with -f (optional)
  expected_counters  lines "portN COUNTER VALUE" checked in /wirefault/stats
Output pcaps are compared packet by packet, bytes exact (timestamps are
ignored); every port must satisfy rx = tx + drops. Exit 0 on success.
"""

import argparse
import json
import os
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def read_pcap(path: Path) -> list[bytes]:
    data = path.read_bytes()
    magic = struct.unpack("<I", data[:4])[0]
    endian = "<" if magic in (0xA1B2C3D4, 0xA1B23C4D) else ">"
    off, pkts = 24, []
    while off + 16 <= len(data):
        _, _, incl, _ = struct.unpack(endian + "IIII", data[off:off + 16])
        off += 16
        pkts.append(data[off:off + incl])
        off += incl
    return pkts


def write_empty_pcap(path: Path) -> None:
    path.write_bytes(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))


def telemetry(prefix: str, cmd: str):
    with socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET) as s:
        s.settimeout(5)
        s.connect(f"/var/run/dpdk/{prefix}/dpdk_telemetry.v2")
        s.recv(16384)
        s.send(cmd.encode())
        return json.loads(s.recv(65536).decode()).get(cmd)


def fail(msg: str) -> int:
    print(f"FAIL: {msg}")
    return 1


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("case")
    ap.add_argument("--build", type=Path, required=True)
    args = ap.parse_args()
    case = HERE / args.case
    print(f"{args.case}: {(case / 'README').read_text().strip()}")
    prefix = f"wfsc{os.getpid()}"
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        ins = []
        for port in (0, 1):
            src = case / f"in{port}.pcap"
            if not src.exists():
                src = tmp / f"empty{port}.pcap"
                write_empty_pcap(src)
            ins.append(src)
        outs = [tmp / "out0.pcap", tmp / "out1.pcap"]
        argv = [str(args.build / "app" / "wirefault"), "-l", "0,1",
                "--no-huge", "-m", "256", "--no-pci", "--file-prefix", prefix,
                "--vdev", f"net_pcap0,rx_pcap={ins[0]},tx_pcap={outs[0]}",
                "--vdev", f"net_pcap1,rx_pcap={ins[1]},tx_pcap={outs[1]}",
                "--"]
        if (case / "commands").exists():
            argv += ["-f", str(case / "commands")]
        want_rx = [len(read_pcap(p)) for p in ins]
        proc = subprocess.Popen(argv, stdout=subprocess.PIPE,
                                stderr=subprocess.STDOUT, text=True)
        stats = None
        try:
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline and proc.poll() is None:
                try:
                    stats = telemetry(prefix, "/wirefault/stats")
                except (OSError, ValueError):
                    stats = None
                if stats and [stats[f"port{p}"]["rx"] for p in (0, 1)] == want_rx:
                    break
                time.sleep(0.2)
        finally:
            proc.send_signal(signal.SIGTERM)
            try:
                out, _ = proc.communicate(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
                out, _ = proc.communicate()
            subprocess.run(["rm", "-rf", f"/var/run/dpdk/{prefix}"])
        if proc.returncode != 0:
            return fail(f"wirefault exited {proc.returncode}:\n{out[-3000:]}")
        if not stats:
            return fail(f"no telemetry from wirefault:\n{out[-3000:]}")
        for p in (0, 1):
            got = stats[f"port{p}"]
            if got["rx"] != want_rx[p]:
                return fail(f"port {p} received {got['rx']} of {want_rx[p]}")
            if got["rx"] != got["tx"] + got["drops"]:
                return fail(f"port {p}: rx {got['rx']} != tx {got['tx']} "
                            f"+ drops {got['drops']}")
        for p in (0, 1):
            exp = case / f"expected{p}.pcap"
            got = read_pcap(outs[p])
            want = read_pcap(exp) if exp.exists() else []
            if len(got) != len(want):
                return fail(f"port {p} sent {len(got)} packets, expected "
                            f"{len(want)}")
            for i, (g, w) in enumerate(zip(got, want)):
                if g != w:
                    return fail(f"port {p} packet {i + 1} differs:\n"
                                f"  got      {g.hex()}\n  expected {w.hex()}")
        counters = case / "expected_counters"
        if counters.exists():
            for line in counters.read_text().splitlines():
                if not line.strip() or line.startswith("#"):
                    continue
                port, name, value = line.split()
                if stats[port][name] != int(value):
                    return fail(f"{port} {name} = {stats[port][name]}, "
                                f"expected {value}")
    print(f"{args.case}: ok ({want_rx[0]}+{want_rx[1]} packets)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
