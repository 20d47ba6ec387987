# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The wirefault authors
"""Fault injection (HOSTILE.md §c.6), in builds with -Dfault_injection=true.

wirefault replays a pcap of TCP connections for ever (net_pcap,
infinite_rx=1) into a net_null sink while the console's "fault" command
makes TX take fewer packets than offered, holds mbufs out of the
forwarding or the mirror pool, fails flow inserts and fails control-plane
allocations. Each test checks what a user would: the worker keeps polling
(its loop counter advances), every received packet is sent or counted in a
drop reason (rx = tx + drops per port once forwarding stopped), the
mbufs come back (pool in_use returns to its baseline, and wirefault exits
0, which it does only when every pool is whole after the ports closed),
and a refused control command changes nothing. Skipped in builds without
fault injection.
"""

import time

import pytest

from wirefault import VdevAppliance, build_option

pytestmark = pytest.mark.skipif(
    build_option("fault_injection") is not True,
    reason="this build has no fault injection (-Dfault_injection=true)")

CONNS = 64


@pytest.fixture(scope="module")
def churn_pcap(tmp_path_factory):
    """CONNS whole IPv4 connections, then two SYN-only ones."""
    from scapy.all import Ether, IP, TCP, Raw, wrpcap
    pkts = []
    for i in range(CONNS):
        c, s = f"198.18.1.{1 + i % 200}", "198.18.0.2"
        sp = 20000 + i
        e = Ether(src="02:00:00:00:00:01", dst="02:00:00:00:00:02")
        r = Ether(src="02:00:00:00:00:02", dst="02:00:00:00:00:01")
        pkts += [
            e / IP(src=c, dst=s) / TCP(sport=sp, dport=80, flags="S",
                                      seq=1000),
            r / IP(src=s, dst=c) / TCP(sport=80, dport=sp, flags="SA",
                                      seq=5000, ack=1001),
            e / IP(src=c, dst=s) / TCP(sport=sp, dport=80, flags="A",
                                      seq=1001, ack=5001),
            e / IP(src=c, dst=s) / TCP(sport=sp, dport=80, flags="PA",
                                      seq=1001, ack=5001) / Raw(b"x" * 100),
            r / IP(src=s, dst=c) / TCP(sport=80, dport=sp, flags="A",
                                      seq=5001, ack=1101),
        ]
    path = tmp_path_factory.mktemp("fault") / "churn.pcap"
    wrpcap(str(path), pkts)
    return path


def start(pcap, extra_vdevs=(), args=()):
    app = VdevAppliance([f"net_pcap0,rx_pcap={pcap},infinite_rx=1",
                         "net_null0,no-rx=1", *extra_vdevs],
                        args=list(args), tag="wff")
    assert app.wait_ready(), app.process.output
    return app


@pytest.fixture
def app(built, churn_pcap):
    a = start(churn_pcap)
    yield a
    assert a.stop() == 0, a.process.output


def loops(app):
    stats = app.telemetry("/wirefault/stats")
    return sum(v for k, v in stats.items() if k.endswith("_loops"))


def stopped_balance(app):
    """Stop forwarding; then every port's rx = tx + drops exactly."""
    assert app.ctl("stop").accepted
    time.sleep(0.2)
    pcs = app.port_counters()
    for pid, c in pcs.items():
        assert c["rx"] == c["tx"] + c["drops"], (pid, c)
    return pcs


def baseline(app):
    """Pool in_use with forwarding stopped: the queues' share only."""
    assert app.ctl("stop").accepted
    time.sleep(0.2)
    b = app.mempool_in_use()
    assert app.ctl("start").accepted
    return b


def fault(app, *words):
    r = app.ctl("fault", *words)
    assert r.accepted, r.err
    return r.out


def test_bad_fault_words_rejected(app):
    for words in (["tx", "101"], ["tx", "-1"], ["tx", "x"], ["alloc", "1e3"],
                  ["hold", "0"], ["hold", "10", "nosuchpool"], ["bogus"]):
        r = app.ctl("fault", *words)
        assert not r.accepted, words
        assert "fault" in r.err, (words, r.err)
    out = fault(app, "show")
    assert "tx-refuse 0%" in out and "held 0 mbufs" in out, out


def test_short_tx_counted_worker_alive(app):
    base = baseline(app)
    fault(app, "tx", "30")
    l0 = loops(app)
    time.sleep(1.5)
    assert loops(app) > l0, "the worker stopped polling"
    fault(app, "off")
    pcs = stopped_balance(app)
    assert pcs[0]["tx_full"] > 0, pcs[0]
    assert pcs[0]["tx"] > 0, pcs[0]
    assert app.mempool_in_use() == base


def halted(app, why):
    """Over 1 s the worker keeps polling, yet sends nothing: tx."""
    t0 = app.port_counters()[0]["tx"]
    l0 = loops(app)
    time.sleep(1.0)
    assert loops(app) > l0, f"the worker stalled on {why}"
    assert app.port_counters()[0]["tx"] == t0, f"packets sent despite {why}"
    return t0


def recovers(app, t0, base, *undo):
    """`fault UNDO...`: forwarding resumes past @t0; once stopped every
    packet is accounted for and the pool is back at @base."""
    fault(app, *undo)
    time.sleep(0.5)
    assert app.port_counters()[0]["tx"] > t0, "forwarding did not recover"
    stopped_balance(app)
    assert app.mempool_in_use() == base


def test_tx_refusing_everything_does_not_stall(app):
    base = baseline(app)
    fault(app, "tx", "100")
    time.sleep(0.5)
    t0 = halted(app, "a TX that takes nothing")
    assert app.port_counters()[0]["tx_full"] > 0
    recovers(app, t0, base, "off")


def test_pool_exhaustion_recovers(app):
    base = baseline(app)
    pool = next(iter(app.telemetry("/wirefault/mempool").values()))
    out = fault(app, "hold", str(pool["size"]))
    assert "holding" in out, out
    time.sleep(0.3)  # what the worker held when the pool ran dry is sent
    # (net_pcap's infinite_rx returns 0 without counting rx_nombuf)
    t0 = halted(app, "an empty pool")
    recovers(app, t0, base, "release")


def test_flow_insert_failure_counted_traffic_forwarded(app):
    assert app.ctl("stop").accepted
    time.sleep(0.2)
    # let every tracked connection age out, so new inserts are needed
    for state in ("syn_sent", "syn_recv", "established"):
        assert app.ctl("set", "timeout", state, "1").accepted
    time.sleep(2.5)
    fault(app, "flow-insert", "100")
    assert app.ctl("start").accepted
    full0 = app.counter("flow_table_full")
    t0 = app.port_counters()[0]["tx"]
    time.sleep(1.0)
    assert app.counter("flow_table_full") > full0
    assert app.port_counters()[0]["tx"] > t0, "untracked packets must pass"
    assert app.tcp_states()["flows"] == 0
    fault(app, "off")
    time.sleep(0.5)
    assert app.tcp_states()["flows"] > 0, "no flow tracked again"
    stopped_balance(app)


RULES = """\
rule add name a proto tcp dport 80 action drop nth 1000000
rule add name b src 198.18.1.0/24 action drop count 1
rule add name c dst 198.18.0.2 tcp syn action drop prob 0.0001 seed 3
"""


def rule_words(app):
    return [(r.id, r.name, r.text) for r in app.show_rules().rules]


def test_alloc_failure_changes_nothing(app, tmp_path):
    f = tmp_path / "three.rules"
    f.write_text(RULES)
    app.rule_add("name keep dst 198.18.0.2 dport 81 action drop")
    before = rule_words(app)
    failed = 0
    for n in range(1, 40):
        fault(app, "alloc", str(n))
        r = app.ctl("rule", "load", str(f))
        if r.accepted:
            break
        failed += 1
        assert "memory" in r.err, r.err
        assert rule_words(app) == before, f"allocation {n} left a change"
    else:
        pytest.fail("rule load never succeeded")
    assert failed >= 3, "the sweep did not reach the rules' allocations"
    assert [n for _, n, _ in rule_words(app)] == ["a", "b", "c"]
    # one rule add, one rule del, one flush: each refused whole
    for words in (["add", "name", "d", "proto", "tcp", "action", "drop"],
                  ["del", "a"], ["flush"]):
        now = rule_words(app)
        fault(app, "alloc", "1")
        r = app.ctl("rule", *words)
        assert not r.accepted and "memory" in r.err, (words, r.out)
        assert rule_words(app) == now
    fault(app, "off")
    assert app.ctl("rule", "flush").accepted


def test_mirror_pool_exhaustion_keeps_originals(built, churn_pcap):
    app = start(churn_pcap, extra_vdevs=["net_null2,no-rx=1"],
                args=["--mirror-port", "2"])
    try:
        app.rule_add("name m proto tcp action mirror")
        out = fault(app, "hold", "1000000", "mirror")
        assert "wf_mirror" in out, out
        time.sleep(0.3)
        n0 = app.counter("mirror_nombuf", 0)
        t0 = app.port_counters()[0]["tx"]
        time.sleep(1.0)
        assert app.counter("mirror_nombuf", 0) > n0
        assert app.port_counters()[0]["tx"] > t0, "originals must pass"
        m0 = app.counter("mirror_tx", 0)
        fault(app, "release")
        time.sleep(0.5)
        assert app.counter("mirror_tx", 0) > m0, "copies did not resume"
        stopped_balance(app)
    finally:
        assert app.stop() == 0, app.process.output


def test_held_mbufs_given_back_at_quit(built, churn_pcap):
    """A hold still in force at quit is released before the leak check."""
    app = start(churn_pcap)
    fault(app, "hold", "100")
    assert app.stop() == 0, app.process.output
    assert "not returned" not in app.process.output
