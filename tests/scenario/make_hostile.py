#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The wirefault authors
"""Build the hostile packet corpus: tests/scenario/hostile_pass and
tests/scenario/hostile_drop.

    /usr/bin/python3 tests/scenario/make_hostile.py [--list]

One in.pcap holds one or more frames for every case of ../shared/HOSTILE.md
b.1 that a pcap can express: rows 1-5, 10-46 and 55 (row 6 is an mbuf flag,
7 a segment layout, 8 mbuf corruption, 9 a frame larger than the data room,
47-54 load and resource cases). Each frame carries what the parser and the
tracker must make of it: the verdict reason (lib/pkt/wf_pkt.h, counted once
per frame on the ingress port), the notes counted in addition
(ipv4_flags_odd, ip_martian, tcp_opt_bad) and the tracker counters
(tcp_bad_flags, tcp_rst_invalid, tcp_rst_inexact, tcp_pickup). The
expected_counters files are computed from those annotations, with a
comment per counter naming the rows and frames behind its value.

  hostile_pass  no commands: everything is forwarded except the fragments
                with offset 1 (ipv4_frag_off1, HOSTILE b.1 row 21).
  hostile_drop  'set malformed drop': every frame whose verdict reason is
                an error (the error column of WF_PKT_REASONS) is dropped.

--list prints the frame table (number, row, length, reason, notes,
tracker counters, description): the frame numbers are those of in.pcap
(1-based), which is what a failing case is debugged with.

Built with Debian's python3-scapy (run with /usr/bin/python3); layers
scapy cannot make malformed are patched byte by byte afterwards, and every
patched IPv4 header gets its checksum recomputed unless the bad checksum
is the point (row 17). Addresses come only from 198.18.0.0/15 and
2001:2::/64, except the martian sources of row 26. Output is deterministic.

Decisions where HOSTILE.md or wf_pkt.h leave a choice (also in the final
report to the lead); each is marked "DECISION" where it is applied:

 D1  Notes never drop. 'set malformed drop' drops a frame when its verdict
     reason (struct wf_pkt.reason) is an error; a CLASSIFY frame whose
     reason is ok but which carries the ipv4_flags_odd or tcp_opt_bad note
     (both marked error in WF_PKT_REASONS) is still forwarded: wf_pkt.h
     says reason is "why PASS/DROP, else ok", and HOSTILE rows 23 and 38
     keep those packets CLASSIFY.
 D2  The ipv4_frag_off1 frames are counted in the drop counter 'malformed'
     in both cases: 'malformed' is the drop counter of every frame the
     parser's verdict drops, so rx = tx + drops holds with one drop
     counter, and the reason counter ipv4_frag_off1 counts the
     classification as every reason counter does.
 D3  total_length 0 is ipv4_len_zero, not ipv4_len_lt_hdr (the specific
     reason wins; HOSTILE row 16 vs 13).
 D4  ip_martian applies to IPv6 too (the name is ip_, not ipv4_): source
     ::, ::1, ff00::/8, or source == destination.
 D5  Pickup is loose by default (HOSTILE row 41: "loose as in
     netfilter"): a first segment of an unknown flow with valid flags,
     ACK set and no SYN, FIN or RST is picked up and counted tcp_pickup;
     SYN-ACK, FIN, RST and invalid flags create nothing and count nothing
     but their own counters (RST with no flow counts no tcp_rst_*).
 D6  tcp_bad_flags is counted for every TCP segment that passes the
     parser with flags outside netfilter's tcp_valid_flags[] (PSH, ECE
     and CWR masked), whether or not a flow exists.
 D7  "Exact" RST means seq == the highest ack the other side sent
     (netfilter's td_maxack); every exact RST here comes after the
     receiver acknowledged all data, so the RST-train rule never matters.
     Out-of-window RSTs use sequence numbers 'before' the expected one by
     more than 2^30 (ISNs around 1.5e9), out of window in any model.
 D8  IPv4 options (row 18) are skipped by IHL and never parsed: no counter
     (wf_pkt.h has no ipv4_opt_bad). Bad IPv4 (row 17) and TCP (row 46)
     checksums are not checked: no counter (no *_bad_csum in wf_pkt.h).
 D9  The atomic IPv6 fragment (row 32) is PASS-U as a fragment:
     ipv6_frag. A Fragment header ends the walk (row 31).
 D10 A UDP length field below 8 is udp_too_short (the length the datagram
     claims is shorter than its header); IPv4 carrying ICMPv6 (58) is
     ip_other (ICMP is the family's own ICMP only, as ipv6_icmpv4 shows).
 D11 TCP options in an ACK (not a SYN) are not parsed: no tcp_opt_bad.
     A TCP option list that ends with EOL and then garbage is fine.
 D12 No frame has headers past byte 256 and every frame fits one mbuf,
     so hdr_too_long is 0 whichever way the mbuf adapter bounds its copy.
"""

import argparse
import re
import struct
import sys
from collections import Counter, defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
sys.path.insert(0, str(HERE))
from make_fixtures import csum, pcap_bytes  # noqa: E402

try:
    from scapy.config import conf
    conf.verb = 0
    from scapy.packet import Raw
    from scapy.layers.l2 import Ether, Dot1Q, ARP, LLC, SNAP, Dot3
    from scapy.layers.inet import IP, TCP, UDP, ICMP
    from scapy.layers.inet6 import (IPv6, IPv6ExtHdrDestOpt,
                                    IPv6ExtHdrHopByHop, IPv6ExtHdrRouting,
                                    IPv6ExtHdrFragment, ICMPv6EchoRequest,
                                    Jumbo)
except ImportError as exc:
    sys.exit(f"make_hostile.py needs Debian's python3-scapy; run it with "
             f"/usr/bin/python3 ({exc})")

CMAC, SMAC = "02:00:00:00:00:01", "02:00:00:00:00:02"
C4, S4 = "198.18.0.1", "198.18.0.2"
C6, S6 = "2001:2::1", "2001:2::2"

# Every reason of WF_PKT_REASONS with its error column, as HOSTILE b.1 and
# the descriptions in wf_pkt.h give it. Cross-checked against the header
# below (a mismatch stops the generator: fix one or the other on purpose).
REASONS = {
    "l2_too_short": 1, "l2_non_ip": 0, "vlan_truncated": 1,
    "vlan_too_many": 1, "hdr_too_long": 0, "ipv4_too_short": 1,
    "ipv4_bad_version": 1, "ipv4_ihl_too_small": 1,
    "ipv4_hdr_truncated": 1, "ipv4_len_lt_hdr": 1, "ipv4_len_gt_frame": 1,
    "ipv4_len_zero": 1, "ipv4_frag": 0, "ipv4_frag_off1": 1,
    "ipv4_frag_oversize": 1, "ipv4_flags_odd": 1, "ip_martian": 0,
    "ipv6_too_short": 1, "ipv6_bad_version": 1, "ipv6_len_gt_frame": 1,
    "ipv6_len_zero": 1, "ipv6_exthdr_trunc": 1, "ipv6_exthdr_too_many": 1,
    "ipv6_frag": 0, "ipv6_rh0": 1, "ipv6_hbh_late": 1, "ipv6_no_next": 0,
    "ipv6_icmpv4": 1, "ip_other": 0, "tcp_too_short": 1, "tcp_bad_doff": 1,
    "tcp_hdr_truncated": 1, "tcp_opt_bad": 1, "udp_too_short": 1,
    "icmp_too_short": 1,
}
NOTES = ("ipv4_flags_odd", "ip_martian", "tcp_opt_bad")
TRACK = ("tcp_bad_flags", "tcp_rst_invalid", "tcp_rst_inexact", "tcp_pickup")
DROP_BY_DEFAULT = {"ipv4_frag_off1"}   # the only WF_PKT_DROP verdict


def check_header() -> None:
    """REASONS must match WF_PKT_REASONS in lib/pkt/wf_pkt.h."""
    text = (ROOT / "lib/pkt/wf_pkt.h").read_text()
    got = {m.group(1): int(m.group(2)) for m in re.finditer(
        r"X\((\w+),\s*K,\s*([01]),", text)}
    if got != REASONS:
        diff = sorted(set(got.items()) ^ set(REASONS.items()))
        sys.exit(f"WF_PKT_REASONS in wf_pkt.h and REASONS here differ: "
                 f"{diff}")


# ---------------------------------------------------------------- building
def pad60(b: bytes) -> bytes:
    """Zero-pad to the Ethernet minimum (no FCS), as a NIC delivers it."""
    return b + bytes(max(0, 60 - len(b)))


def eth(l3, pad=True, src=CMAC, dst=SMAC) -> bytes:
    """Ethernet + a scapy L3 packet, zero-padded to 60 unless pad=False."""
    b = bytes(Ether(src=src, dst=dst) / l3)
    return pad60(b) if pad else b


def raw_eth(etype: int, body: bytes, pad=True, src=CMAC, dst=SMAC) -> bytes:
    hdr = bytes(Ether(src=src, dst=dst, type=etype))
    return pad60(hdr + body) if pad else hdr + body


def ip4(src=C4, dst=S4, ident=1, flags="DF", **kw):
    return IP(src=src, dst=dst, id=ident, flags=flags, ttl=64, **kw)


def ip6(src=C6, dst=S6, **kw):
    return IPv6(src=src, dst=dst, hlim=64, **kw)


def v4raw(l4, proto=6, opts=b"", ihl=None, tot=None, src=C4, dst=S4,
          ident=1, fl=0x4000) -> bytes:
    """An IPv4 header built byte by byte (options as given, however bad)
    with a correct checksum, then @p l4 (bytes)."""
    ihl = 5 + len(opts) // 4 if ihl is None else ihl
    tot = 20 + len(opts) + len(l4) if tot is None else tot
    h = struct.pack("!BBHHHBBH4s4s", 0x40 | ihl, 0, tot, ident, fl, 64,
                    proto, 0, bytes(map(int, src.split("."))),
                    bytes(map(int, dst.split(".")))) + opts
    h = h[:10] + struct.pack("!H", csum(h)) + h[12:]
    return h + l4


def l4bytes(l4, src=C4, dst=S4) -> bytes:
    """A scapy L4 layer as bytes, its checksum computed for src -> dst."""
    return bytes(IP(src=src, dst=dst) / l4)[20:]


def refix_ipv4(frame: bytes, l3off=14) -> bytes:
    """Recompute the IPv4 header checksum after a byte patch."""
    f = bytearray(frame)
    ihl = (f[l3off] & 0x0F) * 4
    hlen = max(20, min(ihl, len(f) - l3off))
    f[l3off + 10:l3off + 12] = b"\0\0"
    f[l3off + 10:l3off + 12] = struct.pack(
        "!H", csum(bytes(f[l3off:l3off + hlen])))
    return bytes(f)


def patch(frame: bytes, off: int, data: bytes) -> bytes:
    return frame[:off] + data + frame[off + len(data):]


# TCP options as raw bytes after a TCP header with an explicit data offset:
# scapy's checksum covers them as it covers the payload.
def tcp_opts(opts: bytes, **kw):
    assert len(opts) % 4 == 0 and len(opts) <= 40
    return TCP(dataofs=5 + len(opts) // 4, **kw) / Raw(opts)


# ------------------------------------------------------------ annotations
class Frame:
    def __init__(self, data: bytes, row: str, desc: str, reason="ok",
                 notes=(), **track):
        assert reason == "ok" or reason in REASONS, reason
        assert all(n in NOTES for n in notes), notes
        assert all(t in TRACK for t in track), track
        self.data, self.row, self.desc = data, row, desc
        self.reason, self.notes, self.track = reason, tuple(notes), track

    @property
    def error(self) -> bool:
        # DECISION D1: the verdict reason decides, never a note
        return self.reason != "ok" and REASONS[self.reason] == 1

    def dropped(self, malformed_drop: bool) -> bool:
        return self.reason in DROP_BY_DEFAULT or \
            (malformed_drop and self.error)


class Corpus:
    def __init__(self):
        self.frames: list[Frame] = []
        self.port = 20000   # a fresh client port per flow: flows never mix

    def add(self, *a, **kw) -> Frame:
        f = Frame(*a, **kw)
        self.frames.append(f)
        return f

    def fresh(self) -> int:
        self.port += 1
        return self.port


# TCP valid flag combinations: netfilter's tcp_valid_flags[], indexed by
# the flags with PSH, ECE and CWR masked off.
FIN, SYN, RST, PSH, ACK, URG, ECE, CWR = 1, 2, 4, 8, 16, 32, 64, 128
VALID = {SYN, SYN | URG, SYN | ACK, RST, RST | ACK, FIN | ACK,
         FIN | ACK | URG, ACK, ACK | URG}


def flags_valid(fl: int) -> bool:
    return (fl & ~(PSH | ECE | CWR)) in VALID


class Conv:
    """A client (C4:port) <-> server (S4:80) TCP conversation, all frames
    on port 0 (the tracker tells directions from addresses, not ports)."""

    def __init__(self, c: Corpus, row: str, cport=None, sport=80, v6=False):
        self.c, self.row, self.v6 = c, row, v6
        self.cport = c.fresh() if cport is None else cport
        self.sport = sport
        self.ident = 100

    def seg(self, to_server: bool, flags: int, seq: int, ack: int,
            payload=b"", desc="", urgptr=0, **track) -> Frame:
        self.ident += 1
        src, dst = (C4, S4) if to_server else (S4, C4)
        sp, dp = (self.cport, self.sport) if to_server else \
            (self.sport, self.cport)
        if self.v6:
            src, dst = (C6, S6) if to_server else (S6, C6)
            l3 = ip6(src=src, dst=dst)
        else:
            l3 = ip4(src=src, dst=dst, ident=self.ident)
        t = TCP(sport=sp, dport=dp, seq=seq % 2**32, ack=ack % 2**32,
                flags=flags, window=64240, urgptr=urgptr)
        pkt = l3 / t / Raw(payload) if payload else l3 / t
        frame = eth(pkt, src=CMAC if to_server else SMAC,
                    dst=SMAC if to_server else CMAC)
        return self.c.add(frame, self.row, desc, **track)

    def c2s(self, *a, **kw):
        return self.seg(True, *a, **kw)

    def s2c(self, *a, **kw):
        return self.seg(False, *a, **kw)

    def handshake(self, isn_c: int, isn_s: int, desc="handshake"):
        self.c2s(SYN, isn_c, 0, desc=f"{desc}: SYN")
        self.s2c(SYN | ACK, isn_s, isn_c + 1, desc=f"{desc}: SYN-ACK")
        self.c2s(ACK, isn_c + 1, isn_s + 1, desc=f"{desc}: ACK")


def ack_tcp(c: Corpus, **kw):
    """A TCP ACK on a fresh port: what an error frame's L4 looks like, so
    a parser that wrongly classified it would count a tcp_pickup."""
    return TCP(sport=c.fresh(), dport=80, seq=1000, ack=2000, flags="A",
               window=64240, **kw)


def syn_tcp(c: Corpus, **kw):
    return TCP(sport=c.fresh(), dport=80, seq=1000, flags="S",
               window=64240, **kw)


# ------------------------------------------------------------------ rows
def build() -> list[Frame]:
    c = Corpus()

    # row 1: runts -------------------------------------------------------
    r = "1"
    for n in (0, 1, 6, 13):
        c.add(bytes.fromhex("020000000002020000000001080045")[:n], r,
              f"{n}-byte runt", "l2_too_short")

    # row 2: IP ethertype, no (or too little) L3; unpadded on purpose
    r = "2"
    c.add(raw_eth(0x0800, b"", pad=False), r, "0x0800, 0 bytes of L3",
          "ipv4_too_short")
    c.add(raw_eth(0x0800, bytes(ip4() / ack_tcp(c))[:19], pad=False), r,
          "0x0800, 19 bytes of IPv4", "ipv4_too_short")
    c.add(raw_eth(0x86DD, b"", pad=False), r, "0x86DD, 0 bytes of L3",
          "ipv6_too_short")

    # row 3: non-IP ------------------------------------------------------
    r = "3"
    c.add(pad60(bytes(Dot3(src=CMAC, dst="01:80:c2:00:00:00") /
                      LLC(dsap=0x42, ssap=0x42, ctrl=3) / Raw(bytes(35)))),
          r, "802.3 length field + LLC (STP BPDU shape)", "l2_non_ip")
    c.add(pad60(bytes(Dot3(src=CMAC, dst=SMAC) /
                      LLC(dsap=0xAA, ssap=0xAA, ctrl=3) /
                      SNAP(OUI=0, code=0x0800) / ip4() / syn_tcp(c))),
          r, "802.3 + LLC/SNAP carrying IPv4 TCP (not parsed)", "l2_non_ip")
    c.add(raw_eth(0x88B5, b"local experimental ethertype"), r,
          "unknown ethertype 0x88B5", "l2_non_ip")
    c.add(pad60(bytes(Ether(src=CMAC, dst="ff:ff:ff:ff:ff:ff") /
                      ARP(op=1, hwsrc=CMAC, psrc=C4, pdst=S4))),
          r, "ARP request", "l2_non_ip")
    lldp = bytes.fromhex("0207046e0000000001" "0403030001" "06020078"
                         "0000")
    c.add(raw_eth(0x88CC, lldp, dst="01:80:c2:00:00:0e"), r, "LLDP",
          "l2_non_ip")

    # row 4: truncated VLAN tags -----------------------------------------
    r = "4"
    c.add(raw_eth(0x8100, b"", pad=False), r, "0x8100, 0 bytes after",
          "vlan_truncated")
    c.add(raw_eth(0x8100, b"\x00\x64", pad=False), r,
          "0x8100, 2 bytes after", "vlan_truncated")
    c.add(raw_eth(0x88A8, b"\x00\x0a\x81\x00\x00", pad=False), r,
          "QinQ outer tag whole, inner 0x8100 with 1 byte", "vlan_truncated")

    # row 5: tag stacks (cap 2, as wf_pkt.h: "more than 2 VLAN tags")
    r = "5"

    def tags(types, inner, body):
        b = b""
        for i, t in enumerate(types):
            nxt = types[i + 1] if i + 1 < len(types) else inner
            b += struct.pack("!HH", 10 + i, nxt)
        return raw_eth(types[0], b + body)
    v4syn = lambda: bytes(ip4() / syn_tcp(c))   # noqa: E731
    c.add(tags([0x88A8, 0x8100], 0x0800, v4syn()), r,
          "QinQ 0x88A8+0x8100, IPv4 SYN: parsed")
    c.add(tags([0x9100, 0x8100], 0x0800, v4syn()), r,
          "0x9100+0x8100, IPv4 SYN: parsed")
    c.add(tags([0x9100], 0x0800, v4syn()), r, "one 0x9100 tag, IPv4 SYN")
    c.add(tags([0x8100], 0x86DD, bytes(ip6() / syn_tcp(c))), r,
          "one 0x8100 tag, IPv6 SYN")
    c.add(tags([0x88A8, 0x8100, 0x8100], 0x0800, v4syn()), r,
          "three tags", "vlan_too_many")
    c.add(tags([0x8100] * 3, 0x0800, v4syn()), r, "three 0x8100 tags",
          "vlan_too_many")
    c.add(tags([0x8100] * 100, 0x0800, v4syn()), r, "100 tags",
          "vlan_too_many")

    # row 10: IPv4 ethertype, version != 4 -------------------------------
    r = "10"
    c.add(raw_eth(0x0800, bytes(ip6() / ack_tcp(c))), r,
          "an IPv6 packet under 0x0800", "ipv4_bad_version")
    f = eth(ip4() / ack_tcp(c))
    c.add(refix_ipv4(patch(f, 14, b"\x55")), r, "IPv4 header, version 5",
          "ipv4_bad_version")
    c.add(refix_ipv4(patch(f, 14, b"\x05")), r, "IPv4 header, version 0",
          "ipv4_bad_version")

    # row 11: IHL < 5 ----------------------------------------------------
    r = "11"
    for ihl in range(5):
        f = eth(ip4() / ack_tcp(c))
        c.add(refix_ipv4(patch(f, 14, bytes([0x40 | ihl]))), r,
              f"IHL {ihl}", "ipv4_ihl_too_small")
    f = bytes(Ether(src=CMAC, dst=SMAC) / Dot1Q(vlan=7) / ip4() / ack_tcp(c))
    c.add(pad60(refix_ipv4(patch(f, 18, b"\x43"), 18)), r,
          "IHL 3 behind a VLAN tag", "ipv4_ihl_too_small")

    # row 12: IHL beyond the frame ---------------------------------------
    r = "12"
    for ihl in (15, 6):
        b = bytes(ip4(proto=6))[:20]
        b = refix_ipv4(b"\0" * 14 + bytes([0x40 | ihl]) + b[1:])[14:]
        c.add(raw_eth(0x0800, b, pad=False), r,
              f"IHL {ihl} in a 34-byte frame", "ipv4_hdr_truncated")

    # row 13: total length < IHL x 4 (not 0: D3) ------------------------
    r = "13"
    for tot, ihl in ((19, 5), (1, 5), (20, 6)):
        b = v4raw(l4bytes(ack_tcp(c)), opts=b"\x01" * (ihl * 4 - 20),
                  tot=tot)
        c.add(raw_eth(0x0800, b), r, f"total length {tot}, IHL {ihl}",
              "ipv4_len_lt_hdr")

    # row 14: total length beyond the frame ------------------------------
    r = "14"
    f = eth(ip4() / ack_tcp(c))                       # 54 -> padded 60
    c.add(refix_ipv4(patch(f, 16, struct.pack("!H", 1500))), r,
          "total length 1500 in a 60-byte frame", "ipv4_len_gt_frame")
    c.add(refix_ipv4(patch(f, 16, struct.pack("!H", 47))), r,
          "total length 47, 46 bytes of L3 (one past)", "ipv4_len_gt_frame")

    # row 15: total length < frame (padding, trailers): CLASSIFY ---------
    r = "15"
    c.add(eth(ip4() / syn_tcp(c)), r, "SYN zero-padded to 60 bytes")
    c.add(bytes(Ether(src=CMAC, dst=SMAC) / ip4() / syn_tcp(c)) +
          b"\xde\xad\xbe\xef" * 4, r, "SYN with a 16-byte non-zero trailer")
    c.add(eth(ip4() / UDP(sport=c.fresh(), dport=9) / Raw(b"ab")), r,
          "UDP, 2 bytes, padded to 60")

    # row 16: total length 0 (D3) ----------------------------------------
    r = "16"
    f = eth(ip4() / ack_tcp(c))
    c.add(refix_ipv4(patch(f, 16, b"\0\0")), r, "total length 0",
          "ipv4_len_zero")

    # row 17: bad IPv4 header checksum: CLASSIFY (D8) --------------------
    r = "17"
    f = eth(ip4() / syn_tcp(c))
    c.add(patch(f, 24, b"\xbe\xef"), r, "SYN, IPv4 checksum 0xbeef (wrong)")

    # row 18: IPv4 options, never parsed: CLASSIFY (D8) ------------------
    r = "18"
    for opts, what in ((b"\x07\x00\x00\x00", "option length 0"),
                       (b"\x07\x01\x00\x00", "option length 1"),
                       (b"\x07\x28\x04\x00", "option length 40 past IHL"),
                       (b"\x00\xff\xff\xff", "EOL then garbage"),
                       (b"\x01" * 40, "40 bytes of NOP")):
        c.add(raw_eth(0x0800, v4raw(l4bytes(syn_tcp(c)), opts=opts)), r,
              f"SYN, IPv4 {what}")

    # rows 19-25: IPv4 fragments -----------------------------------------
    def frag(mf, off, payload, ident, flags_extra=0, proto=6, **kw):
        fl = "MF" if mf else 0
        p = IP(src=C4, dst=S4, id=ident, flags=fl, frag=off, proto=proto,
               ttl=64) / Raw(payload)
        fr = eth(p)
        if flags_extra:
            word = struct.unpack("!H", fr[20:22])[0] | flags_extra
            fr = refix_ipv4(patch(fr, 20, struct.pack("!H", word)))
        return fr
    tcp_hdr = lambda: bytes(ack_tcp(c))         # noqa: E731
    r = "19"
    c.add(frag(1, 0, tcp_hdr() + b"x" * 16, 501), r,
          "first fragment (MF, offset 0) with a whole TCP ACK header",
          "ipv4_frag")
    r = "20"
    c.add(frag(1, 185, tcp_hdr() + b"y" * 8, 502), r,
          "middle fragment offset 185, TCP-looking bytes", "ipv4_frag")
    c.add(frag(0, 370, tcp_hdr(), 502), r,
          "last fragment offset 370, TCP-looking bytes", "ipv4_frag")
    r = "21"
    c.add(frag(0, 1, tcp_hdr()[8:20], 503), r,
          "offset 1 (RFC 1858), last fragment", "ipv4_frag_off1")
    c.add(frag(1, 1, tcp_hdr()[8:20] + b"z" * 4, 504), r,
          "offset 1 (RFC 1858), MF", "ipv4_frag_off1")
    r = "22"
    c.add(frag(1, 0, tcp_hdr()[:8], 505), r,
          "first fragment with 8 bytes of TCP (ports only)", "ipv4_frag")
    r = "23"
    c.add(frag(1, 0, tcp_hdr(), 506, flags_extra=0x4000), r,
          "MF+DF, offset 0", "ipv4_frag", notes=["ipv4_flags_odd"])
    c.add(frag(0, 64, tcp_hdr(), 507, flags_extra=0x4000), r,
          "DF with offset 64", "ipv4_frag", notes=["ipv4_flags_odd"])
    f = eth(ip4(flags="evil") / syn_tcp(c))
    c.add(f, r, "reserved (evil) bit, SYN, not a fragment",
          notes=["ipv4_flags_odd"])
    f = eth(ip4(flags="evil+DF") / syn_tcp(c))
    c.add(f, r, "reserved bit + DF, SYN, not a fragment",
          notes=["ipv4_flags_odd"])
    r = "24"
    c.add(frag(0, 8191, bytes(20), 508), r,
          "offset 8191 (65528) + 20 bytes", "ipv4_frag_oversize")
    c.add(frag(1, 8189, bytes(24), 509), r,
          "offset 8189 (65512) + 24 bytes = 65536", "ipv4_frag_oversize")
    c.add(frag(0, 8189, bytes(23), 510), r,
          "offset 8189 + 23 bytes = 65535 exactly: not oversize",
          "ipv4_frag")
    r = "25"
    c.add(frag(1, 100, b"", 511), r, "zero-length fragment, offset 100",
          "ipv4_frag")
    c.add(frag(1, 0, b"", 512), r, "zero-length first fragment",
          "ipv4_frag")
    c.add(frag(1, 0, tcp_hdr() + b"A" * 4, 513), r,
          "teardrop part 1: offset 0, 24 bytes", "ipv4_frag")
    c.add(frag(0, 2, b"B" * 24, 513), r,
          "teardrop part 2: offset 2 (16), overlaps part 1", "ipv4_frag")

    # row 26: martians: CLASSIFY + ip_martian (D4 for IPv6) --------------
    r = "26"
    for src, dst, what in ((C4, C4, "LAND: src == dst"),
                           ("0.0.0.0", S4, "source 0.0.0.0"),
                           ("255.255.255.255", S4, "source broadcast"),
                           ("224.0.0.1", S4, "source multicast"),
                           ("127.0.0.1", S4, "source 127.0.0.1")):
        c.add(eth(ip4(src=src, dst=dst) / syn_tcp(c)), r, f"SYN, {what}",
              notes=["ip_martian"])
    for src, dst, what in ((C6, C6, "IPv6 src == dst"),
                           ("::", S6, "IPv6 source ::"),
                           ("::1", S6, "IPv6 source ::1"),
                           ("ff02::1", S6, "IPv6 source ff02::1")):
        c.add(eth(ip6(src=src, dst=dst) / syn_tcp(c)), r, f"SYN, {what}",
              notes=["ip_martian"])

    # row 27: IPv6 too short, wrong version ------------------------------
    r = "27"
    c.add(raw_eth(0x86DD, bytes(ip6() / ack_tcp(c))[:39], pad=False), r,
          "39 bytes of IPv6 header", "ipv6_too_short")
    c.add(raw_eth(0x86DD, bytes(ip4() / ack_tcp(c))), r,
          "an IPv4 packet under 0x86DD (version 4)", "ipv6_bad_version")
    b = bytearray(bytes(ip6() / ack_tcp(c)))
    b[0] = 0x00
    c.add(raw_eth(0x86DD, bytes(b)), r, "IPv6 header, version 0",
          "ipv6_bad_version")

    # row 28: payload length vs frame ------------------------------------
    r = "28"
    b = bytearray(bytes(ip6() / ack_tcp(c)))
    b[4:6] = struct.pack("!H", 1000)
    c.add(raw_eth(0x86DD, bytes(b)), r, "payload length 1000, 20 present",
          "ipv6_len_gt_frame")
    b = bytearray(bytes(ip6() / ack_tcp(c)))
    b[4:6] = struct.pack("!H", 21)
    c.add(raw_eth(0x86DD, bytes(b)), r, "payload length 21, 20 present",
          "ipv6_len_gt_frame")
    c.add(bytes(Ether(src=CMAC, dst=SMAC) / ip6() / syn_tcp(c)) +
          b"\xca\xfe" * 8, r, "SYN with a 16-byte trailer: CLASSIFY")

    # row 29: payload length 0 -------------------------------------------
    r = "29"
    c.add(eth(ip6(plen=0) / IPv6ExtHdrHopByHop(options=[
        Jumbo(jumboplen=48)]) / syn_tcp(c)), r,
        "payload length 0 with a Jumbo option", "ipv6_len_zero")
    c.add(eth(ip6(plen=0) / syn_tcp(c)), r,
          "payload length 0, no Jumbo option", "ipv6_len_zero")

    # row 30: extension header chains ------------------------------------
    r = "30"
    b = bytes(ip6(nh=60, plen=8) / IPv6ExtHdrDestOpt(nh=6, len=10))[:48]
    c.add(raw_eth(0x86DD, b, pad=False), r,
          "DestOpts hdr_ext_len 10 (88 bytes) in an 8-byte payload",
          "ipv6_exthdr_trunc")
    c.add(raw_eth(0x86DD, b, pad=False) + bytes(100), r,
          "the same with 100 bytes of trailer: past the datagram end",
          "ipv6_exthdr_trunc")
    b = bytes(ip6(nh=60, plen=1))[:40] + b"\x06"
    c.add(raw_eth(0x86DD, b), r,
          "payload length 1: one byte of extension header (padded)",
          "ipv6_exthdr_trunc")

    def dst_chain(n, tail):
        p = ip6()
        for _ in range(n):
            p = p / IPv6ExtHdrDestOpt()
        return eth(p / tail)
    c.add(dst_chain(6, syn_tcp(c)), r, "6 DestOpts headers, then SYN")
    c.add(dst_chain(8, syn_tcp(c)), r, "8 DestOpts headers (the cap), SYN")
    c.add(dst_chain(9, syn_tcp(c)), r, "9 DestOpts headers",
          "ipv6_exthdr_too_many")
    c.add(dst_chain(100, syn_tcp(c)), r, "100 DestOpts headers",
          "ipv6_exthdr_too_many")

    # rows 31-33: IPv6 fragments (D9) ------------------------------------
    r = "31"
    c.add(eth(ip6() / IPv6ExtHdrFragment(offset=0, m=0, id=1) /
              IPv6ExtHdrFragment(offset=0, m=1, id=2) / syn_tcp(c)), r,
          "atomic Fragment header, then a real one, then TCP", "ipv6_frag")
    r = "32"
    c.add(eth(ip6() / IPv6ExtHdrFragment(offset=0, m=0, id=3) /
              syn_tcp(c)), r, "atomic fragment (offset 0, M 0), SYN",
          "ipv6_frag")
    r = "33"
    c.add(eth(ip6(plen=8) / IPv6ExtHdrFragment(nh=60, offset=0, m=1, id=4)),
          r, "first fragment, chain cut after the Fragment header",
          "ipv6_frag")
    c.add(eth(ip6() / IPv6ExtHdrFragment(nh=6, offset=100, m=0, id=4) /
              Raw(bytes(ack_tcp(c)))), r, "non-first fragment, offset 100",
          "ipv6_frag")

    # row 34: odd extension headers --------------------------------------
    r = "34"
    c.add(eth(ip6() / IPv6ExtHdrRouting(type=0, segleft=1,
                                        addresses=["2001:2::3"]) /
              syn_tcp(c)), r, "Routing header type 0", "ipv6_rh0")
    c.add(eth(ip6() / IPv6ExtHdrDestOpt() / IPv6ExtHdrHopByHop() /
              syn_tcp(c)), r, "Hop-by-Hop after DestOpts", "ipv6_hbh_late")
    c.add(eth(ip6() / IPv6ExtHdrHopByHop() / syn_tcp(c)), r,
          "Hop-by-Hop first, then SYN: fine")
    c.add(eth(ip6(nh=59) / Raw(b"data after no-next-header")), r,
          "No-Next-Header followed by bytes", "ipv6_no_next")
    c.add(eth(ip6() / IPv6ExtHdrDestOpt(nh=59) / Raw(b"more")), r,
          "DestOpts then No-Next-Header", "ipv6_no_next")
    c.add(eth(ip6(nh=1) / ICMP(type=8, id=1, seq=1) / Raw(b"ping")), r,
          "next header ICMPv4 (1)", "ipv6_icmpv4")

    # row 35 (and its UDP/ICMP counterparts): L4 shorter than its header
    r = "35"
    b = bytes(ip4(proto=6) / Raw(bytes(ack_tcp(c))[:12]))
    c.add(raw_eth(0x0800, b), r,
          "12 bytes of TCP, padded to 60 (padding is not TCP)",
          "tcp_too_short")
    c.add(raw_eth(0x0800, bytes(ip4(proto=6))), r, "0 bytes of TCP",
          "tcp_too_short")
    c.add(eth(ip6(nh=6) / Raw(bytes(ack_tcp(c))[:8])), r,
          "IPv6, 8 bytes of TCP", "tcp_too_short")
    r = "35"
    c.add(raw_eth(0x0800, bytes(ip4(proto=17) / Raw(b"\x9c\x41\x00"
                                                     b"\x09"))), r,
          "UDP, 4 bytes", "udp_too_short")
    c.add(eth(ip4() / UDP(sport=c.fresh(), dport=9, len=100) / Raw(b"ab")),
          r, "UDP length 100, 10 bytes present", "udp_too_short")
    c.add(eth(ip4() / UDP(sport=c.fresh(), dport=9, len=4) / Raw(b"ab")),
          r, "UDP length field 4 (< 8) (D10)", "udp_too_short")
    c.add(raw_eth(0x0800, bytes(ip4(proto=1) / Raw(b"\x08\x00"))), r,
          "ICMP, 2 bytes", "icmp_too_short")
    c.add(eth(ip6(nh=58) / Raw(b"\x80\x00")), r, "ICMPv6, 2 bytes",
          "icmp_too_short")
    c.add(eth(ip4() / ICMP(type=8, id=7, seq=1) / Raw(b"ping")), r,
          "ICMP echo: fine")
    c.add(eth(ip6() / ICMPv6EchoRequest(id=7, seq=1)), r,
          "ICMPv6 echo: fine")

    # row 36: data offset 0-4 --------------------------------------------
    r = "36"
    for doff in range(5):
        c.add(eth(ip4() / TCP(sport=c.fresh(), dport=80, seq=1, ack=1,
                              flags="A", dataofs=doff) / Raw(bytes(20))), r,
              f"doff {doff}" + (" (the OVS pkt2 shape: 40-byte IPv4)"
                                if doff == 1 else ""), "tcp_bad_doff")

    # row 37: data offset past the segment -------------------------------
    r = "37"
    c.add(eth(ip4() / TCP(sport=c.fresh(), dport=80, seq=1, ack=1,
                          flags="A", dataofs=15)), r,
          "doff 15 in a 20-byte segment (the OVS pkt3 shape)",
          "tcp_hdr_truncated")
    c.add(eth(ip4() / TCP(sport=c.fresh(), dport=80, seq=1, ack=1,
                          flags="S", dataofs=6)), r,
          "SYN, doff 6 in a 20-byte segment; the padding would fit it",
          "tcp_hdr_truncated")

    # row 38: malformed TCP options (on SYNs, D11) -----------------------
    r = "38"
    for opts, what, bad in (
            (b"\x02\x00\x00\x00", "MSS with length 0", True),
            (b"\x03\x01\x00\x00", "WS with length 1", True),
            (b"\x01\x01\x02\x08", "MSS length 8, 2 bytes remain", True),
            (b"\x01\x01\x01\x03", "WS kind in the last byte", True),
            (b"\xfe\x00\x01\x01", "unknown kind 254 length 0", True),
            (b"\x02\x04\x05\xb4", "MSS filling the options, no EOL", False),
            (b"\x01" * 40, "40 bytes of NOP", False),
            (b"\x00\xff\xff\xff", "EOL then garbage", False)):
        c.add(eth(ip4() / tcp_opts(opts, sport=c.fresh(), dport=80,
                                   seq=1000, flags="S", window=64240)), r,
              f"SYN, {what}", notes=["tcp_opt_bad"] if bad else [])
    c.add(eth(ip4() / tcp_opts(b"\x02\x00\x00\x00", sport=c.fresh(),
                               dport=80, seq=1000, ack=1, flags="A",
                               window=64240)), r,
          "ACK (no SYN) with an MSS of length 0: options not parsed, "
          "mid-stream pickup", tcp_pickup=1)

    # row 39: option values ----------------------------------------------
    r = "39"
    for opts, what, bad in (
            (b"\x03\x03\x0f\x00", "wscale 15", True),
            (b"\x03\x03\x0e\x00", "wscale 14 (the maximum)", False),
            (b"\x02\x06\x05\xb4\x00\x00\x00\x00", "MSS length 6", True),
            (b"\x05\x06\x00\x00\x00\x01\x00\x00", "SACK length 6", True),
            (b"\x08\x08" + bytes(6) + b"\x00\x00\x00\x00",
             "timestamps length 8", True),
            (b"\x02\x04\x05\xb4\x02\x04\x05\xb4", "MSS twice", True),
            (b"\x03\x03\x07\x03\x03\x07\x00\x00", "WS twice", True),
            (b"\x02\x04\x05\xb4\x04\x02\x08\x0a" + bytes(8) +
             b"\x01\x03\x03\x07", "MSS, SACK-perm, TS, NOP, WS 7: fine",
             False)):
        c.add(eth(ip4() / tcp_opts(opts, sport=c.fresh(), dport=80,
                                   seq=1000, flags="S", window=64240)), r,
              f"SYN, {what}", notes=["tcp_opt_bad"] if bad else [])

    # row 40: invalid flag combinations (D6) -----------------------------
    r = "40"
    for m in range(32):   # every combination of FIN SYN RST ACK URG
        f5 = (m & 0x07) | ((m & 0x18) << 1)
        if f5 in VALID:
            continue
        Conv(c, r).c2s(f5, 1000, 1000 if f5 & ACK else 0,
                       desc=f"flags {f5:#04x} on a fresh port",
                       tcp_bad_flags=1)
    Conv(c, r).c2s(FIN | PSH | URG, 1000, 0, desc="XMAS FIN+PSH+URG",
                   tcp_bad_flags=1)
    Conv(c, r).c2s(0xFF, 1000, 1000, desc="all eight flags",
                   tcp_bad_flags=1)
    Conv(c, r).c2s(SYN | ECE | CWR, 1000, 0,
                   desc="SYN+ECE+CWR (ECN setup): valid, creates")
    for fl, what in ((0, "NULL"), (SYN | FIN, "SYN+FIN"),
                     (SYN | RST, "SYN+RST")):
        cv = Conv(c, r)
        cv.c2s(fl, 1000, 0, desc=f"{what} on a fresh port", tcp_bad_flags=1)
        cv.c2s(ACK, 1001, 5001,
               desc=f"ACK after the {what}: nothing was created, so "
                    "this is picked up", tcp_pickup=1)
    cv = Conv(c, r)
    cv.handshake(1_100_000_000, 1_200_000_000)
    cv.c2s(SYN | RST, 1_100_000_001, 0,
           desc="SYN+RST on an established flow: neither", tcp_bad_flags=1)
    cv.c2s(SYN | FIN, 1_100_000_001, 0,
           desc="SYN+FIN on an established flow", tcp_bad_flags=1)
    cv.c2s(ACK | PSH, 1_100_000_001, 1_200_000_001, b"still here",
           desc="data: the flow survived (no pickup)")

    # row 41: first packet of an unknown flow is not a SYN (D5) ----------
    r = "41"
    cv = Conv(c, r)
    cv.c2s(ACK, 1000, 5000, desc="mid-stream pure ACK", tcp_pickup=1)
    cv.c2s(ACK | PSH, 1000, 5000, b"GET /", desc="then data: known flow")
    Conv(c, r).c2s(ACK | PSH, 1000, 5000, b"payload",
                   desc="mid-stream data", tcp_pickup=1)
    Conv(c, r).c2s(ACK | URG, 1000, 5000, b"u", urgptr=1,
                   desc="mid-stream ACK+URG", tcp_pickup=1)
    Conv(c, r, v6=True).c2s(ACK, 1000, 5000, desc="IPv6 mid-stream ACK",
                            tcp_pickup=1)
    for fl, what, to_server in ((FIN | ACK, "FIN+ACK", True),
                                (RST, "RST", True),
                                (SYN | ACK, "SYN-ACK (from the server)",
                                 False)):
        cv = Conv(c, r)
        cv.seg(to_server, fl, 3000, 4000 if fl & ACK else 0,
               desc=f"{what} first: no flow created")
        cv.c2s(ACK, 1000, 5000,
               desc=f"ACK after the {what}: picked up", tcp_pickup=1)
    for i in range(4):
        Conv(c, r).c2s(RST | (ACK if i % 2 else 0), 7_000_000 * (i + 1),
                       9 if i % 2 else 0,
                       desc="spoofed RST on a random port: no flow")

    # row 42: out-of-window and inexact RSTs (D7) ------------------------
    r = "42"
    cv = Conv(c, r)
    ic, is_ = 1_500_000_000, 1_600_000_000
    cv.handshake(ic, is_)
    cv.c2s(RST, 0, 0, desc="RST seq 0: out of window", tcp_rst_invalid=1)
    cv.c2s(RST, 1_000_000, 0, desc="RST seq 1000000: out of window",
           tcp_rst_invalid=1)
    cv.c2s(RST, ic + 1 + 1000, 0, desc="RST in window, 1000 past exact",
           tcp_rst_inexact=1)
    cv.s2c(RST, 1_000_000, 0, desc="server RST seq 1000000: out of window",
           tcp_rst_invalid=1)
    cv.c2s(ACK | PSH, ic + 1, is_ + 1, b"0123456789",
           desc="data: the flow survived")
    cv.s2c(ACK, is_ + 1, ic + 11, desc="server ACKs it")
    cv.c2s(RST, ic + 11, 0, desc="exact RST: the flow closes")
    # row 43: reopen the CLOSED 5-tuple
    r = "43"
    cv.row = r
    cv.handshake(1_550_000_000, 1_650_000_000,
                 desc="SYN on the CLOSED 5-tuple of row 42: reopen")
    cv = Conv(c, r)                    # TIME_WAIT reuse
    ic, is_ = 1_700_000_000, 1_800_000_000
    cv.handshake(ic, is_)
    cv.c2s(FIN | ACK, ic + 1, is_ + 1, desc="client FIN")
    cv.s2c(ACK, is_ + 1, ic + 2, desc="server ACKs the FIN")
    cv.s2c(FIN | ACK, is_ + 1, ic + 2, desc="server FIN")
    cv.c2s(ACK, ic + 2, is_ + 2, desc="client ACK: TIME_WAIT")
    cv.handshake(1_750_000_000, 1_850_000_000,
                 desc="SYN on the TIME_WAIT 5-tuple: reopen")
    cv = Conv(c, r)                    # SYN answered by a challenge ACK
    ic, is_ = 1_900_000_000, 2_000_000_000
    cv.handshake(ic, is_)
    cv.c2s(ACK | PSH, ic + 1, is_ + 1, b"hello", desc="data")
    cv.s2c(ACK, is_ + 1, ic + 6, desc="server ACKs it")
    cv.c2s(SYN, 1_950_000_000, 0, desc="new SYN on the established tuple")
    cv.s2c(ACK, is_ + 1, ic + 6, desc="challenge ACK")
    cv.c2s(RST, ic + 6, 0, desc="RST at the challenge ACK's ack: exact")
    cv.handshake(1_950_000_000, 2_050_000_000,
                 desc="SYN again after the RST: reopen")

    # row 44: port 0 -----------------------------------------------------
    r = "44"
    cv = Conv(c, r, cport=0)
    cv.handshake(100, 200, desc="source port 0")
    cv.c2s(ACK | PSH, 101, 201, b"port zero", desc="source port 0: data "
           "(a port-0 sentinel would make this a pickup)")
    Conv(c, r, sport=0).c2s(SYN, 100, 0, desc="SYN to destination port 0")
    Conv(c, r, cport=0, sport=0).c2s(SYN, 100, 0, desc="SYN port 0 -> 0")

    # row 45: URG past the payload, SYN with data, RST with data ---------
    r = "45"
    cv = Conv(c, r)
    ic, is_ = 2_100_000_000, 2_200_000_000
    cv.c2s(SYN, ic, 0, b"T" * 16, desc="SYN with 16 bytes of data (TFO)")
    cv.s2c(SYN | ACK, is_, ic + 17, desc="SYN-ACK acking the SYN data")
    cv.c2s(ACK | PSH | URG, ic + 17, is_ + 1, b"u" * 10, urgptr=5000,
           desc="URG pointer 5000 past 10 bytes of payload")
    cv.s2c(ACK, is_ + 1, ic + 27, desc="server ACKs it")
    cv.c2s(RST | ACK, ic + 27, is_ + 1, b"R" * 20,
           desc="exact RST carrying 20 bytes")

    # row 46: bad TCP checksum: CLASSIFY (D8) ----------------------------
    r = "46"
    c.add(eth(ip4() / syn_tcp(c, chksum=0xDEAD)), r,
          "SYN, TCP checksum 0xdead (wrong)")
    c.add(eth(ip6() / syn_tcp(c, chksum=0xDEAD)), r,
          "IPv6 SYN, TCP checksum 0xdead (wrong)")
    c.add(eth(ip4() / UDP(sport=c.fresh(), dport=9, chksum=0xDEAD) /
              Raw(b"abc")), r, "UDP checksum 0xdead (wrong)")

    # row 55: tunnels, never decapsulated --------------------------------
    r = "55"
    inner = ip4(src="198.19.0.1", dst="198.19.0.2") / syn_tcp(c)
    c.add(eth(ip4(proto=47) / Raw(b"\x00\x00\x08\x00" + bytes(inner))), r,
          "GRE carrying IPv4 TCP", "ip_other")
    c.add(eth(ip4(proto=4) / inner), r, "IP-in-IP", "ip_other")
    c.add(eth(ip4(proto=41) / ip6() / syn_tcp(c)), r,
          "IPv6-in-IPv4 (41)", "ip_other")
    c.add(eth(ip6(nh=47) / Raw(b"\x00\x00\x86\xdd" +
                                bytes(ip6() / syn_tcp(c)))), r,
          "GRE in IPv6", "ip_other")
    vx = bytes(Ether(src=CMAC, dst=SMAC) / ip4() / syn_tcp(c))
    c.add(eth(ip4() / UDP(sport=c.fresh(), dport=4789) /
              Raw(b"\x08\x00\x00\x00\x00\x00\x64\x00" + vx)), r,
          "VXLAN: classified as the outer UDP only")
    mpls = b"".join(struct.pack("!I", (16 + i) << 12 | 64)
                    for i in range(6))   # no bottom-of-stack bit anywhere
    c.add(raw_eth(0x8847, mpls + bytes(inner)), r,
          "MPLS, 6 labels, no bottom-of-stack bit", "l2_non_ip")
    c.add(eth(ip4(proto=58) / Raw(b"\x80\x00\x00\x00")), r,
          "IPv4 carrying ICMPv6 (58) (D10)", "ip_other")
    return c.frames


# ------------------------------------------------------------ self checks
def check_tracking(frames: list[Frame]) -> None:
    """Recompute tcp_pickup and tcp_bad_flags with a small model (D5, D6)
    and insist the hand annotations agree: it catches a forgotten pickup
    on a port reused by mistake."""
    from scapy.layers.l2 import Ether as E   # noqa: PLC0415
    known = set()
    for i, f in enumerate(frames, 1):
        if f.reason != "ok":
            continue
        p = E(f.data)
        if TCP not in p:
            continue
        l3 = p[IP] if IP in p else p[IPv6]
        t = p[TCP]
        key = frozenset([(l3.src, t.sport), (l3.dst, t.dport)])
        fl = int(t.flags)
        want = {"tcp_bad_flags": 0, "tcp_pickup": 0}
        if not flags_valid(fl):
            want["tcp_bad_flags"] = 1
        elif key not in known:
            if fl & (SYN | ACK) == SYN:
                known.add(key)
            elif fl & ACK and not fl & (SYN | FIN | RST):
                known.add(key)
                want["tcp_pickup"] = 1
        got = {k: f.track.get(k, 0) for k in want}
        if got != want:
            sys.exit(f"frame {i} ({f.row}: {f.desc}): annotated {got}, "
                     f"the model says {want}")


def counters(frames: list[Frame], malformed_drop: bool) -> str:
    n = len(frames)
    drops = sum(f.dropped(malformed_drop) for f in frames)
    where = defaultdict(list)     # counter -> [(row, frame number)]
    for i, f in enumerate(frames, 1):
        if f.reason != "ok":
            where[f.reason].append((f.row, i))
        for note in f.notes:
            where[note].append((f.row, i))
        for k, v in f.track.items():
            where[k].extend([(f.row, i)] * v)

    def src(name):
        rows = defaultdict(list)
        for row, i in where[name]:
            rows[row].append(i)
        if not rows:
            return "no frame"
        return "; ".join(f"row {row}: frames {','.join(map(str, v))}"
                         for row, v in rows.items())

    mode = "set malformed drop" if malformed_drop else "default"
    out = [f"# {n} frames in on port 0, none on port 1 ({mode})",
           "# totals over both directions",
           "# drops: the ipv4_frag_off1 frames (row 21, always dropped)"
           + (" and every frame whose verdict reason is an error"
              if malformed_drop else ""),
           f"rx {n}", f"tx {n - drops}", f"drops {drops}",
           f"malformed {drops}",
           "0->1 rx " + str(n), f"0->1 tx {n - drops}", "0->1 tx_full 0",
           "1->0 rx 0", "1->0 tx 0", "1->0 tx_full 0",
           "# parser reasons: one per frame, on the ingress port"]
    for name in REASONS:
        if name in NOTES:
            continue
        out += [f"# {name}: {src(name)}", f"{name} {len(where[name])}"]
    out.append("# notes, counted in addition to the reason")
    for name in NOTES:
        out += [f"# {name}: {src(name)}", f"{name} {len(where[name])}"]
    out.append("# tracker (valid TCP only; the same in both modes)")
    for name in TRACK:
        out += [f"# {name}: {src(name)}", f"{name} {len(where[name])}"]
    return "\n".join(out) + "\n"


CASES = {
    "hostile_pass": (
        False, "",
        "HOSTILE b.1 rows 1-5, 10-46, 55 as frames: all pass unchanged "
        "except fragment offset 1, and every reason, note and tracker "
        "counter has its exact count"),
    "hostile_drop": (
        True, "# HOSTILE b.1: drop what the parser calls malformed\n"
              "set malformed drop\n",
        "the hostile_pass frames under 'set malformed drop': only frames "
        "whose verdict reason is not an error leave, malformed counts "
        "the rest"),
}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--list", action="store_true",
                    help="print the frame table and write nothing")
    args = ap.parse_args()
    check_header()
    frames = build()
    check_tracking(frames)
    assert all(len(f.data) <= 1514 for f in frames)
    if args.list:
        for i, f in enumerate(frames, 1):
            extra = " ".join(list(f.notes) + [
                f"{k}+{v}" for k, v in f.track.items()])
            print(f"{i:4} row {f.row:>3} {len(f.data):4}B {f.reason:20} "
                  f"{extra:28} {f.desc}")
        return 0
    for name, (mdrop, commands, why) in CASES.items():
        d = HERE / name
        d.mkdir(exist_ok=True)
        kept = [f.data for f in frames if not f.dropped(mdrop)]
        files = {
            "README": (why + "\n").encode(),
            "in.pcap": pcap_bytes([f.data for f in frames]),
            "commands": commands.encode(),
            "expected.pcap": pcap_bytes(kept),
            "expected_counters": counters(frames, mdrop).encode(),
        }
        for fname, data in files.items():
            (d / fname).write_bytes(data)
        print(f"{name}: {len(frames)} frames in, {len(kept)} out")
    by = Counter(f.reason for f in frames)
    print("reasons:", ", ".join(f"{k} {v}" for k, v in sorted(by.items())))
    return 0


if __name__ == "__main__":
    sys.exit(main())
