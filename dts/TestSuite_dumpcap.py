# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The wirefault authors
"""dpdk-dumpcap attached to a running wirefault (DESIGN.md, "The lab").

wirefault calls rte_pdump_init, so DPDK's own capture tool can attach to
it as a secondary process when it runs on hugepages: the lab's --huge. An
engineer starts `dpdk-dumpcap --file-prefix NAME -i 0 -w FILE.pcapng`,
waits for "Packets captured:", downloads a file through the box, stops
dumpcap with Ctrl-C and opens the file in tshark: it is pcapng, and it
holds the request (received on port 0) and the whole response (sent on
port 0), so that the body reassembled from the captured segments is the
file the server published.

If dumpcap cannot enable the capture ("Packet dump enable failed") that
is wirefault's bug (pdump not initialised, or not on hugepages), and the
test fails with dumpcap's output; it is skipped only when the tools are
missing or the machine has no hugepages to give.
"""

import hashlib
import re
import shutil
import signal
import struct
import subprocess
import tempfile
import time
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path

import pytest

from conftest import _can_make_namespaces
from wirefault import Lab, LabUnavailable, Process

DUMPCAP = shutil.which("dpdk-dumpcap")
TSHARK = shutil.which("tshark")
SERVER, CLIENT = "198.18.0.2", "198.18.0.1"
FILE = "1M.bin"
MSS = 1448                          # MTU 1500 - 40 - 12 (timestamps)
ROUNDS = 3                          # rounds tried (see captured)
PCAPNG_SHB = b"\x0a\x0d\x0d\x0a"


@pytest.fixture(scope="module")
def hlab(built):
    if not _can_make_namespaces():
        pytest.skip("needs root and network namespaces")
    if DUMPCAP is None:
        pytest.skip("dpdk-dumpcap is not installed")
    if TSHARK is None:
        pytest.skip("tshark is not installed")
    try:
        lab = Lab(huge=True, tag="wfdc")
    except LabUnavailable as e:
        pytest.skip(f"no hugepages for the lab: {str(e)[-300:]}")
    try:
        yield lab
    finally:
        rc = lab.stop_clean()
        assert rc == 0, lab.process.output[-2000:]


def pcapng_records(path: Path) -> list[tuple[int, bytes]]:
    """(original length, captured bytes) of a pcapng file's Enhanced
    Packet Blocks, in order (checked: it starts with a Section Header
    Block)."""
    data = path.read_bytes()
    assert data[:4] == PCAPNG_SHB, \
        f"{path}: not pcapng (starts {data[:4].hex()})"
    bom = struct.unpack_from("<I", data, 8)[0]
    e = "<" if bom == 0x1A2B3C4D else ">"
    off, out = 0, []
    while off + 12 <= len(data):
        btype, blen = struct.unpack_from(e + "II", data, off)
        assert blen >= 12 and off + blen <= len(data), \
            f"{path}: bad block at {off}: type {btype:#x} length {blen}"
        if btype == 6:                          # Enhanced Packet Block
            caplen, orig = struct.unpack_from(e + "II", data, off + 20)
            out.append((orig, data[off + 28:off + 28 + caplen]))
        off += blen
    return out


def pcapng_frames(path: Path) -> list[bytes]:
    return [f for _, f in pcapng_records(path)]


@dataclass
class Seg:
    src: str
    dst: str
    seq: int
    flags: int
    payload: bytes


def tcp4(frames: list[bytes]) -> list[Seg]:
    """The IPv4 TCP segments among Ethernet @frames."""
    out = []
    for fr in frames:
        if len(fr) < 54 or fr[12:14] != b"\x08\x00" or fr[23] != 6:
            continue
        ihl = (fr[14] & 0x0F) * 4
        tot = struct.unpack_from("!H", fr, 16)[0]
        l4 = 14 + ihl
        sport, dport, seq, _, doff, flags = struct.unpack_from(
            "!HHIIBB", fr, l4)
        src = ".".join(map(str, fr[26:30])) + f":{sport}"
        dst = ".".join(map(str, fr[30:34])) + f":{dport}"
        out.append(Seg(src, dst, seq, flags,
                       fr[l4 + (doff >> 4) * 4:14 + tot]))
    return out


def response_body(segs: list[Seg], client: str) -> bytes:
    """The server's byte stream to @client reassembled from the captured
    segments (by sequence number, from its SYN-ACK), without the HTTP
    header; b"" when there is no SYN-ACK or a hole."""
    mine = [s for s in segs if s.src == f"{SERVER}:80" and s.dst == client]
    isn = next((s.seq for s in mine if s.flags & 0x12 == 0x12), None)
    if isn is None:
        return b""
    stream = bytearray()
    parts = {}
    for s in mine:
        if s.payload:
            parts[(s.seq - isn - 1) & 0xFFFFFFFF] = s.payload
    for off in sorted(parts):
        if off > len(stream):
            return b""                          # a hole
        stream[off:off + len(parts[off])] = parts[off]
    head, sep, body = bytes(stream).partition(b"\r\n\r\n")
    return body if sep else b""


@dataclass
class Captured:
    """One dumpcap run around one download."""
    path: Path
    output: str               # dumpcap's
    rc: int                   # dumpcap's exit status after SIGINT
    received: int             # its "Packets received/dropped" line
    dropped: int
    client: str               # the download's client endpoint
    sha: str                  # of the download


def captured_count(dc: Process) -> int:
    """The last count dumpcap printed after "Packets captured:" (it
    rewrites it in place with backspaces)."""
    tail = dc.output.rsplit("Packets captured:", 1)[-1]
    counts = re.findall(r"\d+", tail)
    return int(counts[-1]) if counts else 0


def settle_count(dc: Process, quiet_s: float = 0.5,
                 timeout: float = 10) -> None:
    """Wait until dumpcap's count has not moved for @quiet_s."""
    deadline = time.monotonic() + timeout
    last, since = captured_count(dc), time.monotonic()
    while time.monotonic() < deadline:
        time.sleep(0.1)
        n = captured_count(dc)
        if n != last:
            last, since = n, time.monotonic()
        elif time.monotonic() - since >= quiet_s:
            return


def dumpcap_round(lab: Lab, tmp: Path) -> Captured:
    path = tmp / "port0.pcapng"
    path.unlink(missing_ok=True)
    with ExitStack() as stack:
        dc = Process([DUMPCAP, "--file-prefix", lab.prefix, "-i", "0",
                      "-w", str(path)])
        stack.callback(dc.stop, signal.SIGINT)
        if not dc.wait_for(r"Packets captured:", 30):
            rc = dc.stop(signal.SIGINT)
            pytest.fail(f"dpdk-dumpcap did not start capturing on "
                        f"{lab.prefix} port 0 (exit {rc}): a wirefault bug "
                        f"if pdump could not be enabled:\n{dc.output[-3000:]}")
        with tempfile.NamedTemporaryFile() as f:
            r = lab.in_client("curl", "-sS", "--fail", "--max-time", "60",
                              "-o", f.name, "-w", r"port=%{local_port}\n",
                              f"http://{SERVER}/{FILE}")
            assert r.returncode == 0, f"curl: exit {r.returncode}: {r.stderr}"
            sha = hashlib.sha256(open(f.name, "rb").read()).hexdigest()
        m = re.search(r"^port=(\d+)$", r.stdout, re.M)
        assert m, r.stdout
        # dumpcap leaves what is still in its ring on SIGINT, uncounted
        # (app/dumpcap/main.c in 22.11): let its count settle first.
        settle_count(dc)
        rc = dc.stop(signal.SIGINT)
    m2 = re.search(r"Packets received/dropped on interface '([^']*)': "
                   r"(\d+)/(\d+)", dc.output)
    assert m2, f"dpdk-dumpcap printed no summary (exit {rc}):\n" \
        + dc.output[-3000:]
    return Captured(path, dc.output, rc, int(m2.group(2)),
                    int(m2.group(3)), f"{CLIENT}:{m.group(1)}", sha)


@pytest.fixture(scope="module")
def captured(hlab):
    """Steps: dpdk-dumpcap --file-prefix NAME -i 0 -w FILE.pcapng started
    (by PID) and awaited ("Packets captured:"); curl of 1M.bin from the
    client; dumpcap stopped with SIGINT. A round in which dumpcap says it
    dropped packets (its ring from the primary overflowed) is run again,
    up to ROUNDS times."""
    with tempfile.TemporaryDirectory(prefix="wfdumpcap") as tmp:
        drops = []
        for _ in range(ROUNDS):
            c = dumpcap_round(hlab, Path(tmp))
            if c.dropped == 0:
                yield c
                return
            drops.append((c.received, c.dropped))
            print(f"dumpcap dropped packets, again: {drops[-1]}")
        pytest.fail(f"dpdk-dumpcap dropped packets in each of {ROUNDS} "
                    f"rounds (received, dropped): {drops}")


def test_dumpcap_attaches_and_stops(hlab, captured):
    """Verifies: dumpcap captured on port 0 under wirefault's name for it
    (/wirefault/ports), counted what it received, and exited 0 on SIGINT;
    the download was byte-exact."""
    name = hlab.telemetry("/wirefault/ports")["port0"]["name"]
    assert f"Capturing on '{name}'" in captured.output, captured.output
    assert captured.rc == 0, captured.output[-2000:]
    assert captured.received > 0, captured.output[-2000:]
    assert captured.sha == hlab.www_sha256(FILE)


def test_file_is_pcapng_tshark_reads(captured):
    """Verifies: the file starts with a pcapng Section Header Block
    (0x0a0d0d0a); tshark reads it (exit 0) and finds at least 1 MiB /
    1448 data segments from port 80, and as many frames in all as the
    file's packet blocks."""
    assert captured.path.read_bytes()[:4] == PCAPNG_SHB
    r = subprocess.run([TSHARK, "-n", "-r", str(captured.path), "-T",
                        "fields", "-e", "tcp.srcport", "-e", "tcp.len"],
                       capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, f"tshark: exit {r.returncode}: {r.stderr}"
    rows = [l.split("\t") for l in r.stdout.splitlines()]
    data = [row for row in rows
            if len(row) == 2 and row[0] == "80" and row[1] not in ("", "0")]
    want = -(-(1 << 20) // MSS)
    assert len(data) >= want, \
        f"tshark finds {len(data)} data segments from port 80, want >= {want}"
    assert len(rows) == len(pcapng_frames(captured.path)), \
        (len(rows), len(pcapng_frames(captured.path)))


def test_capture_holds_the_whole_download(hlab, captured):
    """Verifies: port 0's capture holds the request as received (the
    client's GET /1M.bin) and the response as sent: reassembled by
    sequence number from the server's SYN-ACK, the body's sha256 is the
    server's published one, and no captured frame is cut short."""
    recs = pcapng_records(captured.path)
    cut = [(o, len(f)) for o, f in recs if o != len(f)]
    assert not cut, f"frames captured short (orig, got): {cut[:5]}"
    segs = tcp4([f for _, f in recs])
    req = b"".join(s.payload for s in segs
                   if s.src == captured.client and s.dst == f"{SERVER}:80")
    assert req.startswith(f"GET /{FILE} HTTP/1.1\r\n".encode()), req[:80]
    body = response_body(segs, captured.client)
    assert len(body) == 1 << 20, \
        f"reassembled {len(body)} body bytes of {1 << 20} (a hole, or no " \
        f"SYN-ACK, in {len(segs)} captured segments)"
    assert hashlib.sha256(body).hexdigest() == hlab.www_sha256(FILE)
