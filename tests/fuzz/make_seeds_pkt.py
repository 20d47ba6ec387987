#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The wirefault authors
"""Write the seed corpora of the fuzz targets fz_pkt, fz_nat and fz_tcp:
tests/corpus/pkt/, tests/corpus/nat/ and tests/corpus/tcp/.

    /usr/bin/python3 tests/fuzz/make_seeds_pkt.py

One file per input, named after what it is, so the corpus documents
itself:

  pkt/b1-RR-NNN-what.bin   every frame of ../shared/HOSTILE.md b.1 that
                           tests/scenario/make_hostile.py builds (RR its
                           row, NNN its frame number in that pcap)
  pkt/ok-what.bin          well-formed frames: TCP over IPv4/IPv6, VLAN,
                           QinQ, IPv6 extension headers, options,
                           fragments, UDP, ICMP, a jumbo frame
  pkt/split-what.bin       frames whose first two bytes (the destination
                           MAC) put fz_pkt's 2-segment split inside the
                           headers (b.1 row 7)
  nat/what.bin             fz_nat's 19 parameter bytes, then a frame
  tcp/what.bin             segment sequences in fz_tcp's encoding (see
                           the comment at the top of fz_tcp.c)

Files the fuzzers add later (crash-*, regression cases, merged inputs)
are left alone. Run with Debian's python3-scapy (/usr/bin/python3); the
output is deterministic.
"""

import re
import struct
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
CORPUS = ROOT / "tests" / "corpus"
sys.path.insert(0, str(ROOT / "tests" / "scenario"))
import make_hostile as mh  # noqa: E402

from scapy.packet import Raw  # noqa: E402
from scapy.layers.l2 import Ether, Dot1Q, Dot1AD  # noqa: E402
from scapy.layers.inet import IP, TCP, UDP, ICMP, fragment  # noqa: E402
from scapy.layers.inet6 import (IPv6, IPv6ExtHdrDestOpt,  # noqa: E402
                                IPv6ExtHdrHopByHop, IPv6ExtHdrRouting,
                                IPv6ExtHdrFragment, ICMPv6EchoRequest)

C4, S4, C6, S6 = mh.C4, mh.S4, mh.C6, mh.S6
CMAC, SMAC = mh.CMAC, mh.SMAC
SYN_OPTS = [("MSS", 1460), ("SAckOK", b""), ("Timestamp", (1, 0)),
            ("NOP", None), ("WScale", 7)]


def slug(text: str, n: int = 48) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:n].strip("-")


def write(d: Path, name: str, data: bytes, seen: set) -> None:
    assert name not in seen, name
    seen.add(name)
    (d / name).write_bytes(data)


# ------------------------------------------------------------------ pkt
def e(l3, dst=SMAC, pad=True) -> bytes:
    return mh.eth(l3, pad=pad, dst=dst)


def valid_frames() -> list[tuple[str, bytes]]:
    v4, v6 = IP(src=C4, dst=S4, id=7), IPv6(src=C6, dst=S6)
    syn = TCP(sport=40000, dport=80, seq=1000, flags="S", window=64240,
              options=SYN_OPTS)
    data = TCP(sport=40000, dport=80, seq=1001, ack=5001, flags="PA",
               window=502)
    body = Raw(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
    out = [
        ("ok-v4-tcp-syn-options", e(v4 / syn)),
        ("ok-v4-tcp-data", e(v4 / data / body)),
        ("ok-v4-tcp-synack", e(IP(src=S4, dst=C4) / TCP(
            sport=80, dport=40000, seq=5000, ack=1001, flags="SA",
            options=[("MSS", 1460), ("WScale", 14)]))),
        ("ok-v4-tcp-fin", e(v4 / TCP(sport=40000, dport=80, seq=1, ack=1,
                                     flags="FA"))),
        ("ok-v4-tcp-rst", e(v4 / TCP(sport=40000, dport=80, seq=1,
                                     flags="R"))),
        ("ok-v4-ip-options-tcp", e(IP(src=C4, dst=S4, options=[
            b"\x94\x04\x00\x00"]) / syn)),
        ("ok-v4-udp-dns", e(v4 / UDP(sport=5353, dport=53) /
                            Raw(b"\x12\x34\x01\x00\x00\x01" + bytes(6)))),
        ("ok-v4-udp-no-csum", e(v4 / UDP(sport=9, dport=9, chksum=0) /
                                Raw(b"abc"))),
        ("ok-v4-icmp-echo", e(v4 / ICMP() / Raw(b"ping"))),
        ("ok-vlan-v4-tcp", e(Dot1Q(vlan=100) / v4 / syn)),
        ("ok-qinq-v6-tcp", e(Dot1AD(vlan=10) / Dot1Q(vlan=20) / v6 / syn)),
        ("ok-v6-tcp-syn-options", e(v6 / syn)),
        ("ok-v6-tcp-data", e(v6 / data / body)),
        ("ok-v6-udp", e(v6 / UDP(sport=5000, dport=5001) / Raw(b"x" * 33))),
        ("ok-v6-icmpv6-echo", e(v6 / ICMPv6EchoRequest(data=b"ping"))),
        ("ok-v6-hbh-dstopt-tcp", e(v6 / IPv6ExtHdrHopByHop() /
                                   IPv6ExtHdrDestOpt() / syn)),
        ("ok-v6-routing2-tcp", e(v6 / IPv6ExtHdrRouting(
            type=2, addresses=[S6]) / syn)),
        ("ok-v6-8-dstopts-tcp", e(v6 / IPv6ExtHdrDestOpt() / IPv6ExtHdrDestOpt()
                                  / IPv6ExtHdrDestOpt() / IPv6ExtHdrDestOpt()
                                  / IPv6ExtHdrDestOpt() / IPv6ExtHdrDestOpt()
                                  / IPv6ExtHdrDestOpt() / IPv6ExtHdrDestOpt()
                                  / syn)),
        ("ok-v6-frag-first-tcp", e(v6 / IPv6ExtHdrFragment(m=1, id=9) /
                                   syn)),
        ("ok-v4-tcp-trailer", bytes(Ether(src=CMAC, dst=SMAC) / v4 / syn)
         + b"\xde\xad\xbe\xef" * 3),
        ("ok-v4-tcp-jumbo-9000", e(v4 / data / Raw(bytes(range(256)) * 35),
                                   pad=False)),
        ("ok-v6-tcp-1500", e(v6 / data / Raw(b"z" * 1420), pad=False)),
    ]
    big = IP(src=C4, dst=S4, id=77) / UDP(sport=7, dport=7) / Raw(b"f" * 64)
    for i, fr in enumerate(fragment(big, fragsize=32)):
        out.append((f"ok-v4-udp-fragment-{i}", e(fr)))
    return out


def split_frames() -> list[tuple[str, bytes]]:
    """fz_pkt splits at be16(first two bytes) % (len + 1): a MAC whose
    first bytes are 00:NN splits at NN (len > NN)."""
    syn = TCP(sport=40000, dport=80, seq=1000, flags="S", options=SYN_OPTS)
    v4, v6 = IP(src=C4, dst=S4), IPv6(src=C6, dst=S6)
    out = []
    for at, what, l3 in ((20, "v4-in-ip-header", v4 / syn),
                         (36, "v4-in-tcp-header", v4 / syn),
                         (50, "v4-in-tcp-options", v4 / syn),
                         (30, "v6-in-addresses", v6 / syn),
                         (58, "v6-in-tcp-header", v6 / syn),
                         (16, "vlan-in-tag", Dot1Q(vlan=5) / v4 / syn)):
        out.append((f"split-{at:03d}-{what}",
                    e(l3, dst=f"00:{at:02x}:00:00:00:02")))
    jumbo = v4 / TCP(sport=1, dport=2, flags="A") / Raw(b"j" * 3000)
    out.append(("split-300-jumbo-after-256", e(jumbo, dst="01:2c:00:00:00:02",
                                              pad=False)))
    out.append(("split-200-jumbo-before-256", e(jumbo, dst="00:c8:00:00:00:02",
                                               pad=False)))
    return out


def pkt(d: Path) -> int:
    seen: set = set()
    frames = mh.build()
    for i, f in enumerate(frames, 1):
        write(d, f"b1-{int(f.row):02d}-{i:03d}-{slug(f.desc)}.bin", f.data,
              seen)
    for name, data in valid_frames() + split_frames():
        write(d, name + ".bin", data, seen)
    return len(seen)


# ------------------------------------------------------------------ nat
def nat_params(which: int, addr: bytes, port: int, span: int = 4) -> bytes:
    a = addr.ljust(16, b"\0")
    return bytes([which | (span - 1) << 3]) + a + struct.pack("!H", port)


def udp_zero_port(fam: int, src: str, dst: bytes, udp: bytes) -> int:
    """The destination port that makes the UDP checksum of @p udp (its
    destination port and checksum fields zero) from @p src to @p dst sum
    to -0: the port is then the checksum of the rest."""
    if fam == 4:
        ph = bytes(map(int, src.split("."))) + dst + \
            struct.pack("!BBH", 0, 17, len(udp))
    else:
        from socket import AF_INET6, inet_pton  # noqa: PLC0415
        ph = inet_pton(AF_INET6, src) + dst + struct.pack("!IxxxB", len(udp),
                                                         17)
    return mh.csum(ph + udp) or 0xffff


def nat(d: Path) -> int:
    seen: set = set()
    a4 = bytes([203, 0, 113, 77])
    a6 = bytes.fromhex("20010db80001123400abcd00fedcba98")
    v4, v6 = IP(src=C4, dst=S4), IPv6(src=C6, dst=S6)
    tcp = TCP(sport=40000, dport=80, seq=1, ack=2, flags="PA")
    pl = Raw(b"payload!" * 4 + b"odd")
    frames = [
        ("v4-tcp", 4, e(v4 / tcp / pl)),
        ("v4-tcp-syn-options", 4, e(v4 / TCP(flags="S", options=SYN_OPTS))),
        ("v4-tcp-padded", 4, e(v4 / tcp)),
        ("v4-tcp-trailer", 4, bytes(Ether(src=CMAC, dst=SMAC) / v4 / tcp /
                                    Raw(b"a")) + b"\xee" * 9),
        ("v4-tcp-ip-options", 4, e(IP(src=C4, dst=S4, options=[
            b"\x94\x04\x00\x00"]) / tcp / pl)),
        ("v4-tcp-bad-csum", 4, e(v4 / TCP(sport=1, dport=2, chksum=0xdead))),
        ("v4-tcp-bad-ip-csum", 4, e(IP(src=C4, dst=S4, chksum=0xbeef) /
                                    tcp)),
        ("vlan-v4-tcp", 4, e(Dot1Q(vlan=7) / v4 / tcp / pl)),
        ("qinq-v6-tcp", 6, e(Dot1AD(vlan=1) / Dot1Q(vlan=2) / v6 / tcp)),
        ("v6-tcp", 6, e(v6 / tcp / pl)),
        ("v6-dstopt-tcp", 6, e(v6 / IPv6ExtHdrDestOpt() / tcp / pl)),
        ("v6-tcp-bad-csum", 6, e(v6 / TCP(chksum=0x1234))),
        ("v4-udp", 4, e(v4 / UDP(sport=5000, dport=53) / Raw(b"q" * 11))),
        ("v4-udp-no-csum", 4, e(v4 / UDP(chksum=0) / Raw(b"abc"))),
        ("v4-udp-bad-csum", 4, e(v4 / UDP(chksum=0xdead) / Raw(b"abc"))),
        ("v4-udp-len-short-of-ip", 4, mh.refix_ipv4(e(
            v4 / UDP(sport=1, dport=2, len=9) / Raw(b"abcdef")))),
        ("v6-udp", 6, e(v6 / UDP() / Raw(b"x" * 7))),
        ("v6-udp-padded", 6, e(v6 / UDP() / Raw(b"x"))),
        ("v4-icmp-refused", 4, e(v4 / ICMP())),
    ]
    for name, fam, f in frames:
        addr = a4 if fam == 4 else a6
        write(d, f"{name}-dst.bin", nat_params(1, addr, 8080) + f, seen)
        write(d, f"{name}-src.bin", nat_params(0, addr, 61000, 7) + f, seen)
    f = e(v4 / UDP(sport=1, dport=2) / Raw(b"zz"))
    for port in (0, 0xffff):
        write(d, f"v4-udp-port-{port}.bin", nat_params(1, a4, port, 16) + f,
              seen)
    # the new destination port whose UDP checksum computes to 0, which
    # goes on the wire as 0xffff (0 is "no checksum")
    for fam, l3, addr in ((4, v4, a4), (6, v6, a6)):
        f = e(l3 / UDP(sport=1, dport=2) / Raw(b"zz"))
        port = udp_zero_port(fam, l3.src, addr, b"\0\x01\0\0\0\x0a\0\0zz")
        write(d, f"v{fam}-udp-port-{port}-sums-to-zero-dst.bin",
              nat_params(1, addr, port) + f, seen)
    return len(seen)


# ------------------------------------------------------------------ tcp
F, S, R, P, A, U = 1, 2, 4, 8, 16, 32


def step(ep, flags, seqd=0, ackd=0, win=0xff, ln=0, ws=None, far=None,
         dt=1) -> bytes:
    """One segment in fz_tcp's encoding (see fz_tcp.c)."""
    b0 = ep | (2 if ws is not None else 0) | (4 if far is not None else 0) \
        | dt << 3
    if far is not None:
        b2, b7 = (far >> 16) & 0xff, (far >> 24) & 0xff
    else:
        d = seqd & 0xffff
        b2, b7 = d & 0xff, d >> 8
    if ln >= 1448 and ln % 1448 == 0:
        b5 = 0xef + ln // 1448
    else:
        assert ln < 0xf0
        b5 = ln
    return bytes([b0, flags, b2, ackd & 0xff, win, b5,
                  ws if ws is not None else 0, b7])


def hdr(isn0=1_000_000, isn1=2_000_000_000, loose=False) -> bytes:
    return struct.pack("!IIB", isn0, isn1, int(loose))


HS = [step(0, S, ws=7), step(1, S | A, ws=8), step(0, A)]


def tcp_cases() -> list[tuple[str, bytes]]:
    data = [step(0, P | A, ln=100), step(1, A), step(1, P | A, ln=200),
            step(0, A)]
    close = [step(0, F | A), step(1, A), step(1, F | A), step(0, A)]
    c = [
        ("handshake", HS),
        ("handshake-data-close", HS + data + close),
        ("handshake-close-by-server", HS + [step(1, F | A), step(0, A),
                                            step(0, F | A), step(1, A)]),
        ("handshake-exact-rst", HS + data + [step(0, R)]),
        ("handshake-rst-ack-from-server", HS + [step(1, R | A)]),
        ("rst-out-of-window-seq-far", HS + [step(0, R, far=0x80000000),
                                            step(1, R, far=0x40000000),
                                            step(0, P | A, ln=10)]),
        ("rst-inexact-in-window", HS + [step(0, R, seqd=1000),
                                        step(0, P | A, ln=5)]),
        ("rst-below-acked", HS + data + [step(0, R, seqd=-50)]),
        ("rst-inexact-after-fin", HS + [step(0, F | A),
                                        step(1, R, seqd=300)]),
        ("syn-retransmitted", [step(0, S, dt=0), step(0, S, dt=31),
                               step(0, S, dt=31), step(0, S, dt=31)]),
        ("syn-new-isn", [step(0, S), step(0, S, far=0x01000000)]),
        ("syn-refused-rst-ack", [step(0, S), step(1, R | A)]),
        ("syn-rst-wrong-ack", [step(0, S), step(1, R | A, ackd=5)]),
        ("syn-client-rst", [step(0, S), step(0, R)]),
        ("synack-wrong-ack-ignored", [step(0, S), step(1, S | A, ackd=3)]),
        ("synack-retransmitted", HS[:2] + [step(1, S | A, seqd=-1)]),
        ("synack-after-data-accept-queue", HS + [
            step(0, P | A, ln=50), step(1, S | A, seqd=-1, ackd=-50),
            step(0, A), step(1, P | A, ln=10)]),
        ("simultaneous-open", [step(0, S), step(1, S)]),
        ("fin-in-syn-recv", HS[:2] + [step(0, F | A)]),
        ("tfo-syn-data", [step(0, S, ln=16), step(1, S | A),
                          step(0, A)]),
        ("pickup-loose-data", [step(0, P | A, ln=100), step(1, A),
                               step(1, P | A, ln=1448), step(0, R)]),
        ("pickup-strict-refused", [step(0, A), step(0, S)]),
        ("first-not-syn-synack-fin-rst", [step(1, S | A), step(0, F | A),
                                          step(0, R), step(0, S)]),
        ("invalid-flags-established", HS + [
            step(0, S | F), step(0, S | R), step(0, 0), step(1, F | P | U),
            step(0, 0xff), step(0, F), step(0, P | A, ln=3)]),
        ("invalid-flags-first", [step(0, S | F), step(0, 0), step(0, S)]),
        ("reopen-from-time-wait", HS + close + [
            step(0, S, seqd=20000), step(1, S | A, seqd=7000),
            step(0, A)]),
        ("reopen-after-rst", HS + [step(0, R), step(0, S, seqd=5000),
                                   step(1, S | A)]),
        ("challenge-ack", HS + data + [
            step(0, S, far=0x20000000), step(1, A), step(0, R),
            step(0, S, seqd=100)]),
        ("syn-in-established-ignored", HS + [step(0, S, seqd=10)]),
        ("wscale-15-big-windows", [step(0, S, ws=15), step(1, S | A, ws=14),
                                   step(0, A), step(0, A, ln=1448 * 16),
                                   step(1, A, win=0xff)]),
        ("retransmitted-data", HS + [step(0, P | A, ln=100),
                                     step(0, P | A, ln=100, seqd=-100)]),
        ("data-far-beyond-window", HS + [step(0, P | A, ln=10,
                                              far=0x30000000),
                                         step(0, P | A, ln=10)]),
        ("zero-windows", [step(0, S, win=0), step(1, S | A, win=0),
                          step(0, A, win=0), step(0, R, seqd=70000)]),
    ]
    loose = {"pickup-loose-data"}
    out = [(name, hdr(loose=name in loose) + b"".join(steps))
           for name, steps in c]
    # sequence numbers about to wrap
    out.append(("handshake-data-close-seq-wrap",
                hdr(0xfffffff0, 0x7ffffff0) + b"".join(HS + data + close)))
    return out


def tcp(d: Path) -> int:
    seen: set = set()
    for name, data in tcp_cases():
        write(d, name + ".bin", data, seen)
    return len(seen)


def main() -> int:
    for name, fn in (("pkt", pkt), ("nat", nat), ("tcp", tcp)):
        d = CORPUS / name
        d.mkdir(parents=True, exist_ok=True)
        print(f"{d.relative_to(ROOT)}: {fn(d)} seeds")
    return 0


if __name__ == "__main__":
    sys.exit(main())
