#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The wirefault authors
"""Seeds of the control-plane fuzz targets (rule, tel_params, flow_seq).

Writes tests/corpus/{rule,tel_params,flow_seq}/seed-* from the rule lines
of tests/test_rule.c and config/*.rules, the HOSTILE.md b.2 cases C1-C9
and hand-made flow-table step sequences. Files the fuzzers found are kept
under other names (not seed-*) and are left alone; rerunning this script
rewrites only the seeds.

    /usr/bin/python3 tests/fuzz/make_seeds_ctl.py
"""

import hashlib
import os
import re
import struct
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))
CORPUS = os.path.join(ROOT, 'tests', 'corpus')

# one C string literal, then adjacent ones joined
LITERAL = re.compile(r'"((?:[^"\\\n]|\\.)*)"')
ESCAPES = {'n': '\n', 't': '\t', 'r': '\r', '\\': '\\', '"': '"', '0': '\0'}


def c_unescape(s):
    out, i = [], 0
    while i < len(s):
        if s[i] != '\\':
            out.append(s[i])
            i += 1
            continue
        if s[i + 1] == 'x':
            m = re.match(r'[0-9a-fA-F]+', s[i + 2:])
            out.append(chr(int(m.group(0), 16)))
            i += 2 + len(m.group(0))
            continue
        out.append(ESCAPES.get(s[i + 1], s[i + 1]))
        i += 2
    return ''.join(out).encode('latin-1')


def c_strings(path):
    """The string literals of a C file, adjacent ones concatenated."""
    text = open(path, encoding='utf-8').read()
    pos, out = 0, []
    while True:
        m = LITERAL.search(text, pos)
        if m is None:
            return out
        parts = [m.group(1)]
        pos = m.end()
        while True:
            n = re.compile(r'\s*"((?:[^"\\\n]|\\.)*)"').match(text, pos)
            if n is None:
                break
            parts.append(n.group(1))
            pos = n.end()
        out.append(c_unescape(''.join(parts)))


def write_dir(name, seeds):
    """seeds: list of (label, bytes); replaces only seed-* files."""
    d = os.path.join(CORPUS, name)
    os.makedirs(d, exist_ok=True)
    for f in os.listdir(d):
        if f.startswith('seed-'):
            os.unlink(os.path.join(d, f))
    seen = set()
    for label, data in seeds:
        if data in seen:
            continue
        seen.add(data)
        h = hashlib.sha1(data).hexdigest()[:8]
        with open(os.path.join(d, 'seed-%s-%s' % (label, h)), 'wb') as f:
            f.write(data)
    return len(seen)


# ---- rule --------------------------------------------------------------------

RULE_WORDS = (b'action', b'name', b'in', b'dir', b'proto', b'src', b'dst',
              b'sport', b'dport', b'port', b'flags', b'tcp', b'state', b'foo',
              b'Proto', b'\x1b')


def rule_seeds():
    seeds = []
    for s in c_strings(os.path.join(ROOT, 'tests', 'test_rule.c')):
        # rule lines: they start with a rule word (or are empty)
        if s == b'' or s.split(b' ')[0].lstrip(b'\t ') in RULE_WORDS or \
                s.startswith(b'\x1b'):
            seeds.append(('test', s))
    cfg = os.path.join(ROOT, 'config')
    for f in sorted(os.listdir(cfg)):
        if not f.endswith('.rules'):
            continue
        for line in open(os.path.join(cfg, f), 'rb'):
            if line.startswith(b'rule add '):
                seeds.append(('config', line[len(b'rule add '):]))
    pad = b'action pass' + b' ' * 489
    seeds += [
        # C1: the line limit (500 bytes without the line end)
        ('c1-500', pad),
        ('c1-500-crlf', pad + b'\r\n'),
        ('c1-501', pad + b'x'),
        ('c1-prefix-garbage', b'action pass' + b' ' * 600 + b'garbage'),
        ('c1-1100', b'action pass' + b' ' * 1089),
        ('c1-65-words', b'foo ' * 65),
        # C2: names
        ('c2-name-64', b'name ' + b'n' * 64 + b' action pass'),
        ('c2-name-65', b'name ' + b'n' * 65 + b' action pass'),
        ('c2-file-255', b'action log file ' + b'p' * 255),
        ('c2-file-256', b'action log file ' + b'p' * 256),
        # C3: numbers
        ('c3-u32', b'in 4294967296 action pass'),
        ('c3-minus', b'dport -1 action pass'),
        ('c3-suffix', b'dport 12abc action pass'),
        ('c3-hex', b'dport 0x10 action pass'),
        ('c3-octal', b'dport 010 action pass'),
        ('c3-exp', b'dport 1e3 action pass'),
        ('c3-empty', b'dport  action pass'),
        ('c3-seed-max', b'action drop prob 0.5 seed 18446744073709551615'),
        ('c3-seed-over', b'action drop prob 0.5 seed 18446744073709551616'),
        ('c3-expire', b'action pass expire 31536001'),
        # C4: semantic ranges
        ('c4-prob-nan', b'action drop prob nan'),
        ('c4-prob-inf', b'action drop prob inf'),
        ('c4-prob-1e309', b'action drop prob 1e309'),
        ('c4-prob-tiny', b'action drop prob 0.' + b'0' * 320 + b'5'),
        ('c4-prob-long', b'action drop prob 0.' + b'3' * 100),
        ('c4-nth-0', b'action drop nth 0'),
        ('c4-every-0', b'action drop every 0'),
        ('c4-count-huge', b'action drop nth 4294967295 count 4294967295'),
        ('c4-v4-33', b'src 1.2.3.4/33 action pass'),
        ('c4-v6-129', b'dst ::/129 action pass'),
        ('c4-v4-256', b'dst 256.1.1.1 action pass'),
        ('c4-v6-colons', b'dst ::: action pass'),
        ('c4-range', b'sport 90-80 action pass'),
        ('c4-port-65536', b'dport 65536 action pass'),
        ('c4-in-2', b'in 2 action pass'),
        ('c4-mirror', b'action mirror port 65535'),
        # C8: control bytes, NUL, CRLF
        ('c8-esc-name', b'name a\x1b[31mred action pass'),
        ('c8-esc-word', b'\x1b[2J action pass'),
        ('c8-nul', b'action pass\x00 garbage'),
        ('c8-nul-first', b'\x00action pass'),
        ('c8-crlf', b'proto tcp dport 80 action drop\r\n'),
        ('c8-cr-inside', b'proto\rtcp action pass'),
        ('c8-del', b'name a\x7f action pass'),
        ('c8-utf8', b'name caf\xc3\xa9 action pass'),
        ('c8-bad-utf8', b'name \xff\xfe action pass'),
        ('c8-vt', b'proto\x0btcp action pass'),
        # the longest rules: every matcher, many backends
        ('all-words', b'name all in 1 dir c2s proto tcp src 2001:db8::1/64 '
         b'dst 2001:db8::10 sport 1024-65535 dport 80 port 80 '
         b'flags SYN,ACK/ALL tcp syn,synack,hsack,data,pureack,fin,rst,'
         b'retrans state new,established,closing,closed action drop '
         b'prob 0.125 expire 60 seed 7'),
        ('lb-16', b'proto tcp dst 10.0.0.1 action lb to ' +
         b','.join(b'10.0.1.%d:80' % i for i in range(1, 17)) +
         b' mode hash snat 10.0.0.2'),
        # 492 bytes that print as 504, past the line limit
        ('lb-15v6-prints-long', b'proto tcp dst 2001:db8:1:2:3:4:5:ff '
         b'action lb to ' + b','.join(b'[2001:db8:1:2:3:4:5:%x]:65535' % i
                                      for i in range(1, 16)) +
         b' expire 9'),
        ('lb-snat-ports', b'proto tcp dst 10.0.0.1 action lb to '
         b'10.0.1.1:80 snat 10.0.0.2 ports 2000-2099'),
        ('lb-snat-ports-default', b'proto tcp dst 10.0.0.1 action lb to '
         b'10.0.1.1:80 snat 10.0.0.2 ports 1024-65535'),
        ('lb-ports-no-snat', b'proto tcp dst 10.0.0.1 action lb to '
         b'10.0.1.1:80 ports 1-1'),
        ('lb6', b'proto tcp dst 2001:db8::10 action lb to '
         b'[2001:db8::1]:80,[2001:db8::2]:8080 mode random seed 1'),
    ]
    return seeds


# ---- tel_params ----------------------------------------------------------------

def sel(fn, rng, null=False):
    return bytes([fn | rng << 2 | (0x40 if null else 0)])


def tel_seeds():
    seeds = []
    numbers = [b'', b'0', b'1', b'7', b'010', b'65535', b'65536',
               b'4294967295', b'4294967296', b'18446744073709551615',
               b'18446744073709551616', b'99999999999999999999999',
               b'-1', b'+5', b'12abc', b'0x10', b'1e3', b' 5', b'5 ',
               b'nan', b'inf', b'1.5', b'\x005', b'0' * 40 + b'1']
    doubles = [b'0', b'1', b'0.5', b'.5', b'5.', b'.', b'1.0', b'0.25',
               b'0.75', b'1.5', b'-0.1', b'1e309', b'nan', b'inf', b'1e3',
               b'0x1p3', b'0.' + b'0' * 320 + b'5', b'1' + b'0' * 310,
               b'0.1', b'3', b'1.' + b'0' * 400 + b'1',
               b'0.00000000000000000000000000000000000001', b'00.5']
    pages = [b'', b'0', b'5', b'0,1', b'10,64', b'0,65', b'0,0', b',',
             b'5,', b',5', b'1,2,3', b'4294967295,1', b'4294967296,1',
             b'-1', b'0x10', b'1 ,2', b'\x00/', b'0' * 31, b'0' * 32,
             b'0' * 29 + b',1', b'0' * 30 + b',1', b'1' * 1100]
    for rng in (0, 1, 5):
        for n in numbers:
            seeds.append(('u64', sel(2, rng) + n))
    for rng in (0, 3, 14):
        for n in doubles:
            seeds.append(('dbl', sel(3, rng) + n))
    for rng in (0, 3, 6):
        for p in pages:
            seeds.append(('page', sel(1, rng) + p))
    for p in (b'', b'x', b',', b'\x00', b'garbage' * 200):
        seeds.append(('none', sel(0, 0) + p))
    for fn in range(4):
        seeds.append(('null', sel(fn, 0, True)))
    return seeds


# ---- flow_seq ------------------------------------------------------------------

def ep(sa, sp, da, dp):
    """b1 of a packet step: source and destination from the alphabet."""
    return sa | sp << 2 | da << 4 | dp << 6


def b2(v6=False, tag=0, udp=False, state=1):
    return (1 if v6 else 0) | tag << 1 | (8 if udp else 0) | \
        ((state - 1) % 8) << 4


# states: 1 SYN_SENT 2 SYN_RECV 3 ESTABLISHED 4 FIN_WAIT 5 CLOSE_WAIT
# 6 LAST_ACK 7 TIME_WAIT 8 CLOSED
def pkt(b1, bb, skew=0):
    return bytes([0 | (8 | skew << 4 if skew else 0), b1, bb])


def age(delta, budget=0, shift=0, room=None):
    op = 5 | shift << 4
    if room is not None:
        op = 5 | 8 | room << 4
    return bytes([op, delta >> 8 & 0xff, delta & 0xff, budget])


def flow_seeds():
    seeds = []
    # one connection, both directions, each state
    for st in range(1, 9):
        seeds.append(('one-%d' % st, pkt(ep(0, 2, 1, 1), b2(state=st)) +
                      pkt(ep(1, 1, 0, 2), b2(state=st)) +
                      bytes([3, ep(0, 2, 1, 1), b2(state=st)])))
    # fill past the capacity: 16 IPv4 connections, then 4 more
    fill = b''.join(pkt(ep(a, p, 1, 1), b2(state=1 + (a + p) % 8))
                    for a in range(4) for p in range(4))
    more = b''.join(pkt(ep(a, 3, 2, 0), b2(v6=True)) for a in range(4))
    seeds.append(('fill', fill + more))
    seeds.append(('fill-age', fill + age(6000) + more))
    seeds.append(('fill-room', fill + age(0, room=8) + more))
    seeds.append(('fill-room-full', fill + age(1, room=15) + bytes([6 | 8]) +
                  more))
    # deletions: by connection, out of range, reinsert, reclaim
    seeds.append(('delete', fill + bytes([4, 0, 0, 4, 3, 0, 4, 0x80, 0,
                                          4, 0xff, 0xff, 2, 1, 6, 6 | 8])
                  + more))
    seeds.append(('delete-reinsert', pkt(ep(0, 0, 1, 1), b2()) +
                  bytes([4, 0, 0]) + pkt(ep(0, 0, 1, 1), b2()) +
                  bytes([2, 0, 6 | 8]) + pkt(ep(0, 0, 1, 1), b2())))
    # same endpoints both sides (LAND), port 0, VLAN tags, UDP
    seeds.append(('land', pkt(ep(0, 1, 0, 1), b2()) +
                  pkt(ep(0, 0, 0, 1), b2(tag=1)) +
                  pkt(ep(0, 0, 0, 1), b2(tag=2)) +
                  pkt(ep(3, 0, 3, 0), b2(v6=True, tag=3, udp=True))))
    # aging in slices, the cursor wrapping, a worker clock ahead
    seeds.append(('slices', fill + b''.join(age(4000, budget=b)
                                            for b in (1, 2, 100, 127, 128,
                                                      129, 200, 255))))
    seeds.append(('skew', pkt(ep(0, 0, 1, 1), b2(state=8), skew=7) +
                  age(1) + age(7) + age(1)))
    seeds.append(('timeouts', b''.join(
        pkt(ep(st % 4, st // 4, 2, 2), b2(state=st)) for st in range(1, 9)) +
        b''.join(age(5000, budget=0) for _ in range(9))))
    seeds.append(('clock', fill + bytes([7 | 0xf8] * 8) + age(0)))
    seeds.append(('v6-fill', b''.join(pkt(ep(a, p, 1, 1), b2(v6=True))
                                      for a in range(4) for p in range(4)) +
                  age(0, room=15) + bytes([6 | 8]) + fill))
    return seeds


def main():
    n = write_dir('rule', rule_seeds())
    m = write_dir('tel_params', tel_seeds())
    k = write_dir('flow_seq', flow_seeds())
    print('seeds: rule %d, tel_params %d, flow_seq %d' % (n, m, k))
    return 0


if __name__ == '__main__':
    sys.exit(main())
