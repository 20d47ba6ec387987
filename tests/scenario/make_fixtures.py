#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The wirefault authors
"""Rebuild the scenario fixtures of tests/scenario/ from byte templates.

    /usr/bin/python3 tests/scenario/make_fixtures.py [CASE...]

Writes, for every case (or the ones named), README, in.pcap, in1.pcap (when
port 1 is fed), commands, expected.pcap, expected0.pcap (when something
must leave port 0) and expected_counters; run_scenario.py documents them.
The output is deterministic (fixed timestamps), so the files are committed
and a rerun changes nothing unless a case changed.

Frames are built with struct, not scapy, so malformed ones are exactly as
written. When scapy (Debian's python3-scapy) is importable, every frame
marked well-formed is cross-checked: scapy must parse it and recompute the
same IPv4, TCP and UDP checksums.

Addresses come only from 198.18.0.0/15 and 2001:2::/48 (benchmarking).
"""

import struct
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
CMAC, SMAC = bytes.fromhex("020000000001"), bytes.fromhex("020000000002")
C4, S4 = bytes([198, 18, 0, 1]), bytes([198, 18, 0, 2])
C6 = bytes.fromhex("20010002" + "00" * 11 + "01")
S6 = bytes.fromhex("20010002" + "00" * 11 + "02")
TS = 1767225600  # 2026-01-01T00:00:00Z: fixed, so reruns are identical


def csum(data: bytes) -> int:
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack(f"!{len(data) // 2}H", data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def pseudo(src: bytes, dst: bytes, proto: int, length: int) -> bytes:
    if len(src) == 16:
        return src + dst + struct.pack("!IxxxB", length, proto)
    return src + dst + struct.pack("!BBH", 0, proto, length)


def tcp(src, dst, sport, dport, seq, ack, flags, payload=b""):
    hdr = struct.pack("!HHIIBBHHH", sport, dport, seq, ack, 5 << 4, flags,
                      64240, 0, 0) + payload
    c = csum(pseudo(src, dst, 6, len(hdr)) + hdr)
    return hdr[:16] + struct.pack("!H", c) + hdr[18:]


def udp(src, dst, sport, dport, payload=b""):
    hdr = struct.pack("!HHHH", sport, dport, 8 + len(payload), 0) + payload
    c = csum(pseudo(src, dst, 17, len(hdr)) + hdr) or 0xFFFF
    return hdr[:6] + struct.pack("!H", c) + hdr[8:]


def ipv4(src, dst, proto, l4, ident=1):
    h = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(l4), ident, 0x4000,
                    64, proto, 0, src, dst)
    return h[:10] + struct.pack("!H", csum(h)) + h[12:] + l4


def ipv6(src, dst, nh, l4):
    return struct.pack("!IHBB16s16s", 6 << 28, len(l4), nh, 64, src, dst) + l4


def eth(dst, src, etype, body, pad=True):
    """An Ethernet frame (no FCS), zero-padded to 60 bytes unless pad=False."""
    f = dst + src + struct.pack("!H", etype) + body
    return f + bytes(max(0, 60 - len(f))) if pad else f


def c2s(flags, seq, ack, payload=b""):
    return eth(SMAC, CMAC, 0x0800,
               ipv4(C4, S4, 6, tcp(C4, S4, 40000, 80, seq, ack, flags,
                                   payload)))


def s2c(flags, seq, ack, payload=b""):
    return eth(CMAC, SMAC, 0x0800,
               ipv4(S4, C4, 6, tcp(S4, C4, 80, 40000, seq, ack, flags,
                                   payload), ident=2))


def pcap_bytes(frames: list[bytes]) -> bytes:
    out = [struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1)]
    for i, fr in enumerate(frames):
        out.append(struct.pack("<IIII", TS + i, 0, len(fr), len(fr)))
        out.append(fr)
    return b"".join(out)


def scapy_check(name: str, frames: list[bytes]) -> None:
    """Cross-check checksums of well-formed frames with scapy, if present."""
    try:
        from scapy.layers.l2 import Ether  # noqa: PLC0415
        from scapy.layers.inet import IP, TCP, UDP  # noqa: PLC0415
        from scapy.layers.inet6 import IPv6  # noqa: PLC0415,F401
    except ImportError:
        return
    for i, fr in enumerate(frames):
        pkt = Ether(fr)
        for layer in (IP, TCP, UDP):
            if layer in pkt:
                got = pkt[layer].chksum
                fresh = pkt.copy()
                del fresh[layer].chksum
                want = Ether(bytes(fresh))[layer].chksum
                if got != want:
                    sys.exit(f"{name}: frame {i + 1}: {layer.__name__} "
                             f"checksum {got:#06x}, scapy says {want:#06x}")


class Case:
    def __init__(self, name: str, why: str, in0: list[bytes],
                 in1: list[bytes] | None = None,
                 commands: str = "", wellformed: list[bytes] | None = None):
        self.name, self.why, self.in0, self.in1 = name, why, in0, in1 or []
        self.commands = commands
        self.wellformed = in0 + self.in1 if wellformed is None else wellformed
        # wirefault forwards everything at this stage: out = in, crosswise
        self.exp1, self.exp0 = list(self.in0), list(self.in1)

    def counters(self) -> str:
        n0, n1 = len(self.in0), len(self.in1)
        return ("# totals over both directions\n"
                f"rx {n0 + n1}\ntx {n0 + n1}\ndrops 0\n"
                "# per direction: ingress->egress counter value\n"
                f"0->1 rx {n0}\n0->1 tx {n0}\n0->1 tx_full 0\n"
                f"1->0 rx {n1}\n1->0 tx {n1}\n1->0 tx_full 0\n")

    def files(self) -> dict[str, bytes]:
        f = {
            "README": (self.why + "\n").encode(),
            "in.pcap": pcap_bytes(self.in0),
            "commands": self.commands.encode(),
            "expected.pcap": pcap_bytes(self.exp1),
            "expected_counters": self.counters().encode(),
        }
        if self.in1:
            f["in1.pcap"] = pcap_bytes(self.in1)
        if self.exp0:
            f["expected0.pcap"] = pcap_bytes(self.exp0)
        return f


class SeededDrop(Case):
    """A determinism case (run_scenario.py's replay file): no expected
    pcap, since which frames a seeded random drop takes is the PRNG's
    business; the runner checks that replays are identical, that another
    seed differs and that the output is the input minus rule_drop frames."""

    def __init__(self, name: str, why: str, in0: list[bytes], rule: str,
                 seed: int, other_seed: int, prob: float):
        super().__init__(name, why, in0,
                         commands=f"# {why}\nrule add {rule} seed {seed}\n")
        self.other = (f"# the same rule with another seed: a different "
                      f"output\nrule add {rule} seed {other_seed}\n")
        self.prob = prob

    def counters(self) -> str:
        n = len(self.in0)
        mean = self.prob * n
        sd = (n * self.prob * (1 - self.prob)) ** 0.5
        low, high = max(1, int(mean - 6 * sd)), min(n - 1, int(mean + 6 * sd))
        return ("# some but not all frames dropped: "
                f"{self.prob} x {n} = {mean:.0f} on average, "
                f"+-6 sigma ({sd:.1f})\n"
                f"rx {n}\n0->1 rx {n}\n0->1 rule_drop {low}..{high}\n"
                "0->1 tx_full 0\n0->1 malformed 0\n0->1 rule_reset 0\n"
                "1->0 rx 0\n1->0 tx 0\n")

    def files(self) -> dict[str, bytes]:
        f = super().files()
        del f["expected.pcap"]
        f["commands.other_seed"] = self.other.encode()
        f["replay"] = (
            "# the same pcap and rules twice: byte-identical outputs\n"
            "repeat 2\n"
            "# another seed: another output\n"
            "differs commands.other_seed\n"
            "# every frame missing from an output is a rule_drop\n"
            "missing rule_drop\n").encode()
        return f


class ManyRules(Case):
    """A rule set longer than a flow's rule cache (63 rules): rules past it
    must still act, in order, whether the cache holds them or not."""

    def __init__(self, name: str, why: str, in0: list[bytes], rules: list,
                 dropped):
        super().__init__(name, why, in0, commands=f"# {why}\n" + "".join(
            f"rule add {r}\n" for r in rules))
        self.exp1 = [f for f in in0 if not dropped(f)]

    def counters(self) -> str:
        n, out = len(self.in0), len(self.exp1)
        return (f"rx {n}\ntx {out}\n0->1 rx {n}\n0->1 tx {out}\n"
                f"0->1 rule_drop {n - out}\n0->1 tx_full 0\n"
                "0->1 malformed 0\n1->0 rx 0\n1->0 tx 0\n")


def tcp_of(frame: bytes) -> tuple[int, int, int]:
    """(destination port, flags, payload bytes) of a TCP frame from
    flows_mix (IPv4 without options or IPv6, no VLAN)."""
    v6 = frame[12:14] == b"\x86\xdd"
    l4 = 54 if v6 else 34
    end = 54 + struct.unpack("!H", frame[18:20])[0] if v6 else \
        14 + struct.unpack("!H", frame[16:18])[0]
    hlen = (frame[l4 + 12] >> 4) * 4
    return (struct.unpack("!H", frame[l4 + 2:l4 + 4])[0], frame[l4 + 13],
            end - l4 - hlen)


def many_rules() -> list[str]:
    """200 rules: most match nothing (10.0.0.0/8 is no flow's); rule 10
    (cached) drops the SYNs to port 80; rule 70 (past the cache) matches
    the port-8080 flows' addresses and ports but no packet of them (URG);
    rule 150 drops their data segments."""
    rules = [f"proto tcp dst 10.0.{i // 250}.{i % 250 + 1} dport 1000 "
             "action drop" for i in range(200)]
    rules[10] = "name cached proto tcp dport 80 tcp syn action drop"
    rules[70] = "name late_miss proto tcp dport 8080 flags URG/URG action drop"
    rules[150] = "name late proto tcp dport 8080 tcp data action drop"
    return rules


def many_rules_drops(frame: bytes) -> bool:
    dport, flags, payload = tcp_of(frame)
    return ((dport == 80 and flags & 0x12 == 0x02) or
            (dport == 8080 and payload > 0))


def flows_mix(nflows: int = 8, segments: int = 36) -> list[bytes]:
    """@nflows TCP connections' client sides (SYN, ACK, @segments data
    segments of 64-1400 bytes, FIN), IPv4 and IPv6, interleaved in a fixed
    order: what port 0 of a box sees from several clients at once."""
    flows = []
    for f in range(nflows):
        v6 = f % 4 == 3
        src, dst = (C6, S6) if v6 else (C4, S4)
        sport, dport = 40100 + f, 80 if f % 2 == 0 else 8080
        seq0, ack = 1000 * (f + 1), 7000 * (f + 1)

        def frame(flags, seq, ack, payload=b"", f=f):
            seg = tcp(src, dst, sport, dport, seq, ack, flags, payload)
            if v6:
                return eth(SMAC, CMAC, 0x86DD, ipv6(src, dst, 6, seg))
            return eth(SMAC, CMAC, 0x0800,
                       ipv4(src, dst, 6, seg, ident=(f << 8) | 1))

        pkts = [frame(0x02, seq0, 0), frame(0x10, seq0 + 1, ack + 1)]
        seq = seq0 + 1
        for i in range(segments):
            size = 64 + (f * 131 + i * 397) % 1337
            payload = bytes((f * 7 + i + j) & 0xFF for j in range(size))
            pkts.append(frame(0x18 if i % 5 == 4 else 0x10, seq, ack + 1,
                              payload))
            seq += size
        pkts.append(frame(0x11, seq, ack + 1))
        flows.append(pkts)
    out, step = [], 0
    while any(flows):
        f = flows[(step * 3) % len(flows)]   # 3 and 8 are coprime
        if f:
            out.append(f.pop(0))
        step += 1
    return out


def cases() -> list[Case]:
    req = b"GET / HTTP/1.1\r\nHost: 198.18.0.2\r\n\r\n"
    n = len(req)
    client = [c2s(0x02, 1000, 0),                       # SYN
              c2s(0x10, 1001, 5001),                    # ACK
              c2s(0x18, 1001, 5001, req),               # PSH ACK + request
              c2s(0x10, 1001 + n, 5101),                # ACK of the reply
              c2s(0x11, 1001 + n, 5101),                # FIN ACK
              c2s(0x10, 1002 + n, 5102)]                # ACK of server FIN
    server = [s2c(0x12, 5000, 1001),                    # SYN ACK
              s2c(0x10, 5001, 1001 + n),                # ACK of request
              s2c(0x18, 5001, 1001 + n, b"x" * 100),    # reply
              s2c(0x11, 5101, 1002 + n)]                # FIN ACK

    arp = eth(b"\xff" * 6, CMAC, 0x0806, struct.pack(
        "!HHBBH6s4s6s4s", 1, 0x0800, 6, 4, 1, CMAC, C4, bytes(6), S4))
    v6syn = eth(SMAC, CMAC, 0x86DD,
                ipv6(C6, S6, 6, tcp(C6, S6, 40001, 80, 1, 0, 0x02)))
    v6data = eth(SMAC, CMAC, 0x86DD,
                 ipv6(C6, S6, 6, tcp(C6, S6, 40001, 80, 2, 7, 0x18,
                                     b"hello over IPv6\n")))
    v4udp = eth(SMAC, CMAC, 0x0800,
                ipv4(C4, S4, 17, udp(C4, S4, 40003, 9, b"abcd")))
    v6udp = eth(SMAC, CMAC, 0x86DD,
                ipv6(C6, S6, 17, udp(C6, S6, 40003, 9, b"query")))
    vlan = eth(SMAC, CMAC, 0x8100, struct.pack("!HH", 100, 0x0800)
               + ipv4(C4, S4, 6, tcp(C4, S4, 40002, 80, 7, 0, 0x02)))
    full = c2s(0x10, 2001, 5001, bytes(range(256)) * 5 + bytes(1460 - 1280))
    assert len(v4udp) == 60 and len(arp) == 60 and len(full) == 1514
    wellformed = [arp, v6syn, v6data, v4udp, v6udp, vlan, full]
    # malformed, still forwarded unchanged at this stage (HOSTILE.md b.1)
    bad_ihl = bytearray(c2s(0x02, 9, 0))
    bad_ihl[14] = 0x44                                  # IHL 4
    trailer = c2s(0x10, 1, 1) + b"\xde\xad\xbe\xef"     # past IP length
    stub = SMAC + CMAC + b"\x08\x00" + b"\x45\x00"      # 16-byte frame
    mixed = wellformed + [bytes(bad_ihl), trailer, stub]

    return [
        Case("forward_v4_tcp",
             "one IPv4 TCP connection's client packets leave port 1 "
             "unchanged and in order", client),
        Case("forward_mixed",
             "IPv6 TCP and UDP, IPv4 UDP padded to 60 bytes, ARP, VLAN, a "
             "1514-byte frame and three malformed frames all pass unchanged",
             mixed, wellformed=wellformed),
        Case("both_directions",
             "client packets fed to port 0 leave port 1 and server packets "
             "fed to port 1 leave port 0, neither comes back", client,
             server),
        Case("idle_commands",
             "no traffic at all, and a -f file of read-only commands, "
             "comments and blank lines: nothing is sent, exit 0", [],
             commands="# read-only commands; nothing may change\n\n"
                      "show stats\r\nshow port stats all\nhelp\n"),
        SeededDrop("drop_prob_seeded",
                   "312 TCP frames of 8 interleaved IPv4 and IPv6 "
                   "connections through 'drop prob 0.3 seed 42': some but "
                   "not all dropped, the same ones on every replay, other "
                   "ones with seed 7",
                   flows_mix(), "name lossy proto tcp action drop prob 0.3",
                   42, 7, 0.3),
        ManyRules("many_rules",
                  "200 rules over 8 IPv4 and IPv6 connections: rule 10 "
                  "drops the SYNs to port 80, rule 70 (past a flow's cache "
                  "of 63) matches the port-8080 flows but none of their "
                  "packets, rule 150 drops their data; the other 197 match "
                  "nothing", flows_mix(), many_rules(), many_rules_drops),
    ]


def main() -> int:
    want = set(sys.argv[1:])
    known = {c.name for c in cases()}
    if want - known:
        sys.exit(f"unknown case(s): {' '.join(sorted(want - known))}")
    for c in cases():
        if want and c.name not in want:
            continue
        scapy_check(c.name, c.wellformed)
        d = HERE / c.name
        d.mkdir(exist_ok=True)
        written = c.files()
        for fname, data in written.items():
            (d / fname).write_bytes(data)
        for stale in ("in1.pcap", "expected0.pcap", "expected.pcap",
                      "replay", "commands.other_seed"):
            if stale not in written and (d / stale).exists():
                (d / stale).unlink()
        print(f"{c.name}: {len(c.in0)}+{len(c.in1)} packets")
    return 0


if __name__ == "__main__":
    sys.exit(main())
