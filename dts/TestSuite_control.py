# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The wirefault authors
"""Control input: options, commands, the control socket, the console, signals.

Runs wirefault on net_null devices (no namespaces needed). Every rejected
input must get a clear message and change nothing.
"""

import os
import signal
import socket
import stat
import subprocess
import tempfile
import time

import pytest
from pathlib import Path

from wirefault import (WIREFAULT, WIREFAULT_CTL, VdevAppliance,
                       parse_show_stats, unique_name)

NULL_PAIR = ["net_null0,no-rx=1", "net_null1,no-rx=1"]


@pytest.fixture
def appliance(built):
    app = VdevAppliance(NULL_PAIR)
    assert app.wait_ready(), app.process.output
    yield app
    app.stop()


def run_wirefault(app_args, vdevs=NULL_PAIR, stdin=None, timeout=60):
    prefix = unique_name("wfo")
    argv = [str(WIREFAULT), "-l", "0,1", "--no-huge", "-m", "256",
            "--no-pci", "--file-prefix", prefix]
    for v in vdevs:
        argv += ["--vdev", v]
    try:
        return subprocess.run(argv + ["--"] + app_args, input=stdin,
                              capture_output=True, text=True, timeout=timeout)
    finally:
        subprocess.run(["rm", "-rf", f"/var/run/dpdk/{prefix}"])


@pytest.mark.parametrize("args,message", [
    (["--bogus"], "unknown option '--bogus'"),
    (["--flows", "0"], "--flows: 0 is out of range"),
    (["--flows", "12abc"], "--flows: '12abc' is not a decimal number"),
    (["--stats-period", "-1"], "--stats-period: '-1' is not a decimal number"),
    (["--rxd", "4294967296"], "--rxd: 4294967296 is out of range"),
    (["--mirror-port", "7"], "--mirror-port 7: no such port"),
    (["-f"], "option '-f' needs a value"),
    (["stray"], "unexpected argument 'stray'"),
])
def test_bad_option(built, args, message):
    """Verifies: a bad option gives one clear message and exit status 2."""
    r = run_wirefault(args)
    assert r.returncode == 2, r.stdout + r.stderr
    assert message in r.stderr


def test_odd_port_without_mirror(built):
    """Verifies: three ports and no --mirror-port is an error (exit 2);
    naming the third as mirror port is accepted."""
    three = NULL_PAIR + ["net_null2,no-rx=1"]
    r = run_wirefault([], vdevs=three)
    assert r.returncode == 2 and "port 2 has no peer" in r.stderr
    r = run_wirefault(["--mirror-port", "2", "-i"], vdevs=three,
                      stdin="quit\n")
    assert r.returncode == 0, r.stderr
    assert "port 2:" in r.stdout and "mirror port" in r.stdout


def test_help_option(built):
    r = run_wirefault(["--help"])
    assert r.returncode == 0 and "--stats-period" in r.stderr


def test_unknown_commands_rejected(appliance):
    """Verifies: unknown or malformed commands exit 1 with the reason on
    stderr, and the appliance state is unchanged."""
    before = appliance.ctl("show", "stats").out
    cases = {
        ("foo",): "unknown command 'foo'",
        ("show", "bogus"): "'show' is followed by one of: port, stats",
        ("show", "stats", "extra"): "'show stats' takes no arguments",
        ("show", "port", "stats", "99"): "'99' is not a port",
        ("show", "port", "stats"): "usage: show port stats all|PORT",
    }
    for words, message in cases.items():
        r = appliance.ctl(*words)
        assert r.rc == 1, words
        assert message in r.err, (words, r.err)
        assert r.out == ""
    assert appliance.ctl("show", "stats").out == before
    assert "forwarding started" in before


def test_ctl_not_running(built):
    """Verifies: wirefault-ctl exits 2 when no wirefault has that prefix."""
    r = subprocess.run([str(WIREFAULT_CTL), "--file-prefix",
                        unique_name("none"), "show", "stats"],
                       capture_output=True, text=True)
    assert r.returncode == 2 and "not running" in r.stderr


def _raw(appliance, payload: bytes, wait=0.5) -> bytes:
    with socket.socket(socket.AF_UNIX) as s:
        s.connect(str(appliance.socket_path))
        s.sendall(payload)
        time.sleep(wait)
        s.settimeout(2)
        data = b""
        try:
            while True:
                chunk = s.recv(65536)
                if not chunk:
                    break
                data += chunk
                if data.endswith(b"\n") and b"show" not in payload[-12:]:
                    break
        except socket.timeout:
            pass
        return data


def test_socket_line_limits(appliance):
    """Verifies: a 500-byte line runs; 501 bytes and a megabyte are refused
    whole (never run cut) and the connection still serves the next line."""
    ok = _raw(appliance, b"help" + b" " * 496 + b"\n")
    assert ok.startswith(b"OK ") and b"commands:" in ok
    for size in (501, 1 << 20):
        reply = _raw(appliance, b"help" + b"x" * (size - 4) + b"\nshow stats\n")
        assert reply.startswith(b"ERR ") and b"line too long" in reply
        assert b"commands:" not in reply
        assert b"\nOK " in reply and b"forwarding started" in reply


def test_socket_permissions(appliance):
    """Verifies: the control socket is not world-writable (0600)."""
    mode = stat.S_IMODE(os.stat(appliance.socket_path).st_mode)
    assert mode == 0o600


def test_socket_abuse_leaves_appliance_alive(appliance):
    """Steps: 200 clients ask for help and hang up before the reply;
    17 clients hold connections open at once.
    Verifies: the appliance survives (no SIGPIPE), refuses the 17th
    client with a message, and serves again once they leave."""
    for _ in range(200):
        s = socket.socket(socket.AF_UNIX)
        try:
            s.connect(str(appliance.socket_path))
            s.sendall(b"help\nshow stats\nhelp\n")
        except (BrokenPipeError, ConnectionResetError):
            pass  # refused while the slots of earlier clients were busy
        s.close()
    time.sleep(1)  # the appliance notices those hang-ups
    assert appliance.ctl("show", "stats").accepted
    held = []
    for _ in range(16):
        s = socket.socket(socket.AF_UNIX)
        s.connect(str(appliance.socket_path))
        s.settimeout(5)
        s.sendall(b"show stats\n")
        assert s.recv(4096).startswith(b"OK ")  # it holds a client slot
        held.append(s)
    extra = socket.socket(socket.AF_UNIX)
    extra.connect(str(appliance.socket_path))
    extra.settimeout(5)
    assert b"too many control clients" in extra.recv(4096)
    extra.close()
    for s in held:
        s.close()
    time.sleep(0.5)
    assert appliance.process.proc.poll() is None
    assert appliance.ctl("show", "stats").accepted


def test_sigterm_exit_0_with_final_stats(built):
    """Verifies: SIGTERM (and SIGINT) stop wirefault with exit 0 and the
    final statistics printed."""
    for sig in (signal.SIGTERM, signal.SIGINT):
        app = VdevAppliance(["net_null0", "net_null1"])
        assert app.wait_ready(), app.process.output
        time.sleep(0.5)
        rc = app.stop(sig)
        assert rc == 0, app.process.output
        out = app.process.output
        assert "final statistics" in out
        dirs = parse_show_stats(out.split("final statistics")[1])
        assert dirs and all(d.balanced and d.rx > 0 for d in dirs)


def test_console_eof_and_long_line(built):
    """Steps: -i with commands on a pipe, a 600-byte line among them, EOF.
    Verifies: commands run, the long line is refused (not run cut), EOF
    quits cleanly with exit 0 and final statistics."""
    long_line = "help" + " " * 600 + "garbage"
    r = run_wirefault(["-i"], stdin=f"show stats\n{long_line}\nfoo\n")
    assert r.returncode == 0, r.stderr
    assert "wirefault> " in r.stdout
    assert "line too long" in r.stdout
    assert "commands:" not in r.stdout
    assert "unknown command 'foo'" in r.stdout
    assert "final statistics" in r.stdout


def test_command_file(built):
    """Verifies: -f runs a file's commands (CRLF accepted); a bad line stops
    start-up with FILE:LINE: and the reason, exit 2."""
    with tempfile.NamedTemporaryFile("w", suffix=".cmds") as good, \
         tempfile.NamedTemporaryFile("w", suffix=".cmds") as bad:
        good.write("# comment\r\nshow stats\r\n\r\nstop\nquit\n")
        good.flush()
        r = run_wirefault(["-f", good.name])
        assert r.returncode == 0, r.stderr
        assert "forwarding stopped" in r.stdout
        bad.write("show stats\nshow nothing\nquit\n")
        bad.flush()
        r = run_wirefault(["-f", bad.name])
        assert r.returncode == 2
        assert f"{bad.name}:2: unknown command 'show nothing'" in r.stderr
    r = run_wirefault(["-f", "/tmp"])
    assert r.returncode == 2 and "not a regular file" in r.stderr
    r = run_wirefault(["-f", "/nonexistent/x"])
    assert r.returncode == 2 and "No such file" in r.stderr


PCAP_IN = (Path(__file__).resolve().parent.parent / "tests" / "scenario"
           / "forward_v4_tcp" / "in.pcap")


def test_command_file_runs_before_forwarding(built, tmp_path):
    """Steps: a pcap of 6 packets on port 0 and -f with 'stop'; later
    'start'; then a -f file with a bad line.
    Verifies: nothing is forwarded until 'start' (the file holds from the
    first packet); after 'start' all 6 pass; a bad file forwards nothing."""
    npkts = 6  # tests/scenario/forward_v4_tcp/in.pcap
    cmds = tmp_path / "stop.cmds"
    cmds.write_text("stop\n")
    out = tmp_path / "out1.pcap"
    vdevs = [f"net_pcap0,rx_pcap={PCAP_IN}", f"net_pcap1,tx_pcap={out}"]
    app = VdevAppliance(vdevs, ["-f", str(cmds)])
    try:
        assert app.wait_ready(), app.process.output
        time.sleep(1)
        d = app.show_stats()[0]
        assert (d.rx, d.tx) == (0, 0)
        assert app.ctl("start").accepted
        deadline = time.monotonic() + 10
        while app.show_stats()[0].tx < npkts and time.monotonic() < deadline:
            time.sleep(0.2)
        assert app.show_stats()[0].tx == npkts
    finally:
        assert app.stop() == 0
    bad = tmp_path / "bad.cmds"
    bad.write_text("show stats\nbogus\n")
    r = run_wirefault(["-f", str(bad)], vdevs=vdevs)
    assert r.returncode == 2 and f"{bad}:2: unknown command" in r.stderr
    final = parse_show_stats(r.stdout.split("final statistics")[1])
    assert final[0].rx == 0 and final[0].tx == 0
