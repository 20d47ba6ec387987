# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The wirefault authors
"""The rule commands as a control surface (HOSTILE.md §b.2 C1-C8).

Runs wirefault on net_null devices (no namespaces). Every rejected rule
command, file or line gets a message naming what was wrong and leaves the
rule set exactly as it was: same version, same rules. A file is
all-or-nothing.
"""

import os
import re
import subprocess
import tempfile
import time
from pathlib import Path

import pytest

from wirefault import WIREFAULT, VdevAppliance, unique_name

NULL_PAIR = ["net_null0,no-rx=1", "net_null1,no-rx=1"]


@pytest.fixture
def app(built):
    a = VdevAppliance(NULL_PAIR, tag="wfr")
    assert a.wait_ready(), a.process.output
    yield a
    a.stop()


@pytest.fixture
def tmp(tmp_path):
    return tmp_path


def rule_state(app) -> tuple[int, list[str]]:
    """(version, [rule text...]) from /wirefault/rules, all pages."""
    out, start, version = [], 0, None
    while start != -1:
        page = app.telemetry(f"/wirefault/rules,{start},32")
        assert isinstance(page, dict), page
        version = page["version"] if version is None else version
        i = 0
        while f"rule{i}" in page:
            out.append(page[f"rule{i}"]["text"])
            i += 1
        start = page["next"]
    return version, out


def add(app, *words) -> str:
    r = app.ctl("rule", "add", *words)
    assert r.accepted, r.err
    m = re.match(r"rule (\d+) added: (.*)", r.out.strip())
    assert m, r.out
    return m.group(1)


BAD_RULES = [
    # C3 numbers, C4 semantic ranges: each names its word
    (["dport", "70000", "action", "drop"], "dport: 70000"),
    (["sport", "-1", "action", "drop"], "sport"),
    (["sport", "12abc", "action", "drop"], "sport"),
    (["dport", "0x10", "action", "drop"], "dport"),
    (["dport", "1e3", "action", "drop"], "dport"),
    (["sport", "90-80", "action", "drop"], "sport"),
    (["in", "4294967296", "action", "drop"], "in"),
    (["in", "2", "action", "drop"], "in: port 2"),
    (["dst", "198.18.0.0/33", "action", "drop"], "dst"),
    (["src", "2001:db8::/129", "action", "drop"], "src"),
    (["src", "256.1.1.1", "action", "drop"], "src"),
    (["src", ":::", "action", "drop"], "src"),
    (["flags", "SYN/FIN", "action", "drop"], "flags"),
    (["tcp", "bogus", "action", "drop"], "tcp"),
    (["state", "open", "action", "drop"], "state"),
    (["action", "drop", "prob", "1.5"], "prob: 1.5"),
    (["action", "drop", "prob", "nan"], "prob"),
    (["action", "drop", "prob", "inf"], "prob"),
    (["action", "drop", "prob", "1e309"], "prob"),
    (["action", "drop", "nth", "0"], "nth: 0"),
    (["action", "drop", "every", "0"], "every"),
    (["action", "drop", "count", "4294967296"], "count"),
    (["action", "drop", "seg", "0"], "seg"),
    (["action", "bogus"], "unknown action 'bogus'"),
    (["proto", "tcp"], "action"),
    (["name", "x" * 65, "action", "drop"], "name"),
    (["name", "a\x1b[2Jb", "action", "drop"], "control byte"),
    (["action", "drop", "seed", "7"], "seed"),
    (["action", "log", "file", "/nonexistent-dir/x.pcap"], "log"),
    # C5: mirror without a mirror port; lb without backends or a VIP
    (["proto", "tcp", "port", "80", "action", "mirror"],
     "mirror: no mirror port (start wirefault with --mirror-port P)"),
    (["proto", "tcp", "dst", "198.18.0.10", "action", "lb"],
     "lb: needs to IP:PORT"),
    (["proto", "tcp", "dst", "198.18.0.10", "action", "lb", "to",
      "198.18.0.3:80,,"], "to: '198.18.0.3:80,,' is not a list of IP:PORT"),
    (["proto", "tcp", "action", "lb", "to", "198.18.0.3:80"],
     "lb: needs dst VIP"),
    (["proto", "tcp", "dst", "198.18.0.10", "action", "lb", "to",
      "198.18.0.3:80", "snat", "2001:2::20"], "snat: an IPv6 address"),
]


@pytest.mark.parametrize("words,message", BAD_RULES)
def test_bad_rule_changes_nothing(app, words, message):
    """Verifies: a bad rule is refused with its word named; nothing changes."""
    add(app, "name", "keep", "proto", "tcp", "dport", "9", "action", "drop")
    before = rule_state(app)
    r = app.ctl("rule", "add", *words)
    assert not r.accepted, r.out
    assert message in r.err, r.err
    # control bytes never go back out raw (C8)
    assert "\x1b" not in r.err, repr(r.err)
    assert rule_state(app) == before


def test_duplicate_name_and_unknown_rule(app):
    """Verifies: C5 references: a duplicate name and an unknown rule are refused."""
    add(app, "name", "one", "action", "pass")
    before = rule_state(app)
    r = app.ctl("rule", "add", "name", "one", "action", "drop")
    assert not r.accepted and "one" in r.err, r.err
    for key in ("two", "99"):
        r = app.ctl("rule", "del", key)
        assert not r.accepted and key in r.err, r.err
    assert rule_state(app) == before


def test_lb_duplicate_vip_refused(app):
    """Verifies: C5: a second lb rule for a VIP and port another lb rule
    balances is refused, naming that rule; the set is unchanged. Another
    port of the same VIP is accepted."""
    rid = add(app, "proto", "tcp", "dst", "198.18.0.10", "dport", "80",
              "action", "lb", "to", "198.18.0.3:80,198.18.0.4:80")
    before = rule_state(app)
    for dport in (["dport", "80"], ["dport", "70-90"], []):
        r = app.ctl("rule", "add", "proto", "tcp", "dst", "198.18.0.10",
                    *dport, "action", "lb", "to", "198.18.0.5:80")
        assert not r.accepted, r.out
        assert f"is balanced by rule {rid} already" in r.err, r.err
        assert rule_state(app) == before
    add(app, "proto", "tcp", "dst", "198.18.0.10", "dport", "81",
        "action", "lb", "to", "198.18.0.5:80")


def test_mirror_port_must_be_the_mirror_port(built):
    """Verifies: C5: with --mirror-port 2, `mirror` and `mirror port 2` are
    accepted, `mirror port 0` (a forwarding port) is refused and changes
    nothing."""
    a = VdevAppliance(NULL_PAIR + ["net_null2,no-rx=1"],
                      args=["--mirror-port", "2"], tag="wfm")
    try:
        assert a.wait_ready(), a.process.output
        add(a, "proto", "tcp", "action", "mirror")
        add(a, "proto", "udp", "action", "mirror", "port", "2")
        before = rule_state(a)
        r = a.ctl("rule", "add", "action", "mirror", "port", "0")
        assert not r.accepted
        assert "mirror: port 0 is not the mirror port (--mirror-port 2)" \
            in r.err, r.err
        assert rule_state(a) == before
    finally:
        a.stop()


def test_del_by_name_and_id_and_flush(app):
    """Verifies: rule del by name or id, rule flush, first-match order kept."""
    a = add(app, "name", "a", "dport", "1", "action", "drop")
    add(app, "name", "b", "dport", "2", "action", "drop")
    c = add(app, "dport", "3", "action", "drop")
    assert app.ctl("rule", "del", "b").accepted
    version, texts = rule_state(app)
    assert texts == ["name a dport 1 action drop", "dport 3 action drop"]
    assert app.ctl("rule", "del", c).accepted
    assert rule_state(app)[1] == ["name a dport 1 action drop"]
    r = app.ctl("rule", "flush")
    assert r.accepted and "1 rule flushed" in r.out, r.out
    v2, texts = rule_state(app)
    assert texts == [] and v2 > version
    assert not app.ctl("rule", "del", a).accepted


def test_too_long_line_refused_whole(app):
    """Verifies: C1: a line past 500 bytes is refused, not run cut short."""
    before = rule_state(app)
    words = ["rule", "add", "name", "long", "dport", "80", "action", "drop"]
    words += ["#" * 600]
    r = app.ctl(*words)
    assert not r.accepted and "too long" in r.err, r.err
    assert rule_state(app) == before


def write(path: Path, lines: list[str], end: str = "\n") -> Path:
    path.write_text(end.join(lines) + end)
    return path


def good_lines(n: int) -> list[str]:
    return [f"rule add dport {1000 + i} action drop" for i in range(n)]


def test_file_one_bad_line_among_many(app, tmp):
    """Verifies: C6: 999 good lines and 1 bad: nothing applied, FILE:LINE: named."""
    add(app, "name", "keep", "action", "pass")
    before = rule_state(app)
    lines = good_lines(999)
    lines.insert(500, "rule add dport 70000 action drop")
    f = write(tmp / "bad.rules", lines)
    r = app.ctl("rule", "load", str(f))
    assert not r.accepted
    assert f"{f}:501: " in r.err and "dport: 70000" in r.err, r.err
    assert rule_state(app) == before


def test_file_loads_all_or_replaces(app, tmp):
    """Verifies: rule load replaces the set with a file's rules in one version."""
    add(app, "name", "old", "action", "pass")
    v0, _ = rule_state(app)
    f = write(tmp / "good.rules", ["# a comment", ""] + good_lines(1000),
              end="\r\n")
    r = app.ctl("rule", "load", str(f))
    assert r.accepted, r.err
    assert "1000 rules loaded, replacing 1" in r.out, r.out
    v1, texts = rule_state(app)
    assert v1 == v0 + 1, (v0, v1)
    assert texts[0] == "dport 1000 action drop"
    assert texts[-1] == "dport 1999 action drop" and len(texts) == 1000


def test_file_duplicate_name_inside(app, tmp):
    """Verifies: a duplicate name within one file is caught at its line."""
    f = write(tmp / "dup.rules", ["rule add name x action pass",
                                  "rule add name x action drop"])
    before = rule_state(app)
    r = app.ctl("rule", "load", str(f))
    assert not r.accepted and f"{f}:2: " in r.err, r.err
    assert rule_state(app) == before


def test_file_only_rule_lines(app, tmp):
    """Verifies: a rule file holds rule lines only (a 'quit' does not run)."""
    f = write(tmp / "quit.rules", ["rule add action pass", "quit"])
    r = app.ctl("rule", "load", str(f))
    assert not r.accepted and f"{f}:2: " in r.err, r.err
    assert app.ctl("show", "rules").accepted


def test_hostile_files(app, tmp):
    """Verifies: C7: missing, directory, FIFO, /dev/urandom, NUL bytes: refused."""
    before = rule_state(app)
    fifo = tmp / "fifo"
    os.mkfifo(fifo)
    nul = tmp / "nul.rules"
    nul.write_bytes(b"rule add action pass\nrule add\x00 action drop\n")
    cases = [(tmp / "missing", "No such file"), (tmp, "not a regular file"),
             (fifo, "not a regular file"),
             (Path("/dev/urandom"), "not a regular file"),
             (nul, ":2: NUL byte")]
    for path, message in cases:
        t0 = time.monotonic()
        r = app.ctl("rule", "load", str(path))
        assert not r.accepted and message in r.err, (path, r.err)
        assert time.monotonic() - t0 < 10, path   # the FIFO never blocks
    big = tmp / "big.rules"
    with open(big, "w") as f:
        f.truncate(5 << 20)
    r = app.ctl("rule", "load", str(big))
    assert not r.accepted and "bytes, more than" in r.err, r.err
    assert rule_state(app) == before


def test_start_file_all_or_nothing(built, tmp):
    """Verifies: -f with one bad rule line: start-up stops, exit 2, FILE:LINE:."""
    f = write(tmp / "start.rules", good_lines(10) + ["rule add bogus 1 action drop"])
    prefix = unique_name("wfs")
    argv = [str(WIREFAULT), "-l", "0,1", "--no-huge", "-m", "256", "--no-pci",
            "--file-prefix", prefix]
    for v in NULL_PAIR:
        argv += ["--vdev", v]
    try:
        r = subprocess.run(argv + ["--", "-f", str(f)], capture_output=True,
                           text=True, timeout=60)
    finally:
        subprocess.run(["rm", "-rf", f"/var/run/dpdk/{prefix}"])
    assert r.returncode == 2, r.stdout + r.stderr
    assert f"{f}:11: " in r.stderr and "bogus" in r.stderr, r.stderr


def test_telemetry_rules_pages_and_params(app):
    """Verifies: /wirefault/rules pages with next; bad parameters are refused."""
    for i in range(40):
        add(app, "name", f"r{i}", "dport", str(i + 1), "action", "drop")
    page = app.telemetry("/wirefault/rules")
    assert page["total"] == 40 and page["next"] == 32, page
    assert page["rule0"]["name"] == "r0" and page["rule0"]["matched"] == 0
    page = app.telemetry("/wirefault/rules,32,16")
    assert page["rule7"]["name"] == "r39" and page["next"] == -1, page
    for bad in ("x", "1,0", "1,33", "-1", "1,2,3", "0x1"):
        assert app.telemetry(f"/wirefault/rules,{bad}") is None, bad


def test_deadman_from_socket(app):
    """Verifies: deadman flushes unless confirmed; confirm keeps; off disarms."""
    add(app, "action", "pass")
    r = app.ctl("deadman", "2")
    assert r.accepted, r.err
    assert app.telemetry("/wirefault/rules")["deadman_ms"] > 0
    assert app.ctl("deadman", "confirm").accepted
    time.sleep(2.5)
    assert len(rule_state(app)[1]) == 1
    assert app.ctl("deadman", "1").accepted
    time.sleep(2.0)
    assert rule_state(app)[1] == []
    assert app.telemetry("/wirefault/rules")["deadman_ms"] == -1
    for bad in ("0", "86401", "soon", "-1"):
        r = app.ctl("deadman", bad)
        assert not r.accepted and "deadman" in r.err, r.err


def test_expire(app):
    """Verifies: a rule with expire S leaves the set about S seconds later."""
    add(app, "name", "brief", "action", "pass", "expire", "1")
    add(app, "name", "stays", "action", "pass")
    time.sleep(2.0)
    assert rule_state(app)[1] == ["name stays action pass"]


def test_deadman_from_start_file(built, tmp):
    """Verifies: 'deadman S' in a -f file arms the switch: its rules go after S."""
    f = write(tmp / "dm.cmds", ["rule add name guarded action pass",
                                "deadman 4"])
    a = VdevAppliance(NULL_PAIR, args=["-f", str(f)], tag="wfr")
    try:
        assert a.wait_ready(), a.process.output
        assert "deadman armed" in a.process.output
        assert rule_state(a)[1] == ["name guarded action pass"]
        time.sleep(5.0)
        assert rule_state(a)[1] == []
        assert a.telemetry("/wirefault/rules")["deadman_ms"] == -1
    finally:
        a.stop()
