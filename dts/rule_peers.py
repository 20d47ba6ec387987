# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The wirefault authors
"""TCP peers for the rule suites (drop, synblackhole, starve, reset): run
inside a lab namespace, started and stopped by PID by the suite.

    rule_peers.py serve-count PORT
        Accept connections; per connection print "conn CLIENT SERVER" when
        accepted, "recv CLIENT TOTAL" (bytes read so far, at most every
        0.2 s while it grows), and "end CLIENT TOTAL OK|ERRNAME" when the
        peer closes or the connection fails.

    rule_peers.py serve-send PORT
        Accept connections and send to each in a loop, 16 KiB at a time,
        until a send fails; print "conn CLIENT SERVER", then "fail CLIENT
        ERRNAME SENT" with the errno name of the failure (ECONNRESET,
        EPIPE...) and the bytes sent; after a failure it also prints "probe
        CLIENT ERRNAME" with what SO_ERROR and one more send say.

    rule_peers.py connect ADDR PORT [MODE [N]]
        A blocking connect, no timeout but the kernel's; prints "connected
        CLIENT SERVER ELAPSED" or "error ERRNAME ELAPSED" (seconds). Then
        MODE: hold (nothing; the default), small (send one 40-byte request
        in one write: one PSH segment), small-close (the same, then
        shutdown(SHUT_WR): a FIN follows the request), bulk N (write N bytes with
        sendall in one call, printing "sent TOTAL" as it goes, "done"
        when all of it was accepted by the kernel), read (read slowly,
        1 KiB every 10 ms, until the connection ends: "end TOTAL
        OK|ERRNAME"). Then stays until SIGTERM.

    rule_peers.py badflags ADDR PORT
        With scapy, send one TCP segment with each impossible flag
        combination (SYN+FIN, SYN+RST, NULL, XMAS FIN+PSH+URG, FIN without
        ACK), each from its own source port; prints "sent NAME FLAGS SPORT"
        per segment, then "done".

Endpoints are written as wirefault writes them ("198.18.0.1:45678").
"""

import errno
import os
import signal
import socket
import sys
import threading
import time

BADFLAGS = (              # name, flags, source port
    ("synfin", 0x03, 41001),
    ("synrst", 0x06, 41002),
    ("null", 0x00, 41003),
    ("xmas", 0x29, 41004),
    ("finnoack", 0x01, 41005),
)


def say(*words) -> None:
    print(*words, flush=True)


def endpoint(addr) -> str:
    host, port = addr[0], addr[1]
    if host.startswith("::ffff:") and "." in host:
        host = host[len("::ffff:"):]
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


def errname(e: OSError) -> str:
    return errno.errorcode.get(e.errno, str(e.errno)) if e.errno else \
        type(e).__name__


def hold_forever() -> None:
    signal.signal(signal.SIGTERM, lambda *_: os._exit(0))
    while True:
        time.sleep(3600)


def listener(port: int) -> socket.socket:
    ls = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)
    ls.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    ls.bind(("::", port))
    ls.listen(64)
    say("listening", port)
    return ls


def serve(port: int, handle) -> None:
    ls = listener(port)

    def acceptor() -> None:
        while True:
            c, addr = ls.accept()
            say("conn", endpoint(addr), endpoint(c.getsockname()))
            threading.Thread(target=handle, args=(c, endpoint(addr)),
                             daemon=True).start()

    threading.Thread(target=acceptor, daemon=True).start()
    hold_forever()


def count(c: socket.socket, who: str) -> None:
    total, last = 0, 0.0
    how = "OK"
    try:
        while True:
            b = c.recv(65536)
            if not b:
                break
            total += len(b)
            if time.monotonic() - last >= 0.2:
                say("recv", who, total)
                last = time.monotonic()
    except OSError as e:
        how = errname(e)
    say("recv", who, total)
    say("end", who, total, how)


def send_loop(c: socket.socket, who: str) -> None:
    chunk = b"x" * 16384
    sent = 0
    try:
        while True:
            sent += c.send(chunk)
    except OSError as e:
        say("fail", who, errname(e), sent)
    err = c.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR)
    try:
        c.send(chunk)
        again = "sent"
    except OSError as e:
        again = errname(e)
    say("probe", who, errno.errorcode.get(err, "0") if err else "0", again)


def connect(addr: str, port: int, mode: str, n: int) -> None:
    fam = socket.AF_INET6 if ":" in addr else socket.AF_INET
    s = socket.socket(fam, socket.SOCK_STREAM)
    if mode == "read":
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 16384)
    t0 = time.monotonic()
    try:
        s.connect((addr, port))
    except OSError as e:
        say("error", errname(e), f"{time.monotonic() - t0:.3f}")
        hold_forever()
    say("connected", endpoint(s.getsockname()), endpoint(s.getpeername()),
        f"{time.monotonic() - t0:.3f}")
    if mode in ("small", "small-close"):
        s.send(b"GET /starve HTTP/1.0\r\nHost: wflab\r\n\r\n\r\n")
        if mode == "small-close":
            s.shutdown(socket.SHUT_WR)
        say("done")
    elif mode == "bulk":
        def writer() -> None:
            data = b"b" * 65536
            total = 0
            try:
                while total < n:
                    part = data[:min(len(data), n - total)]
                    s.sendall(part)
                    total += len(part)
                    say("sent", total)
                say("done")
            except OSError as e:
                say("end", total, errname(e))
        threading.Thread(target=writer, daemon=True).start()
    elif mode == "read":
        total, how = 0, "OK"
        try:
            while True:
                b = s.recv(1024)
                if not b:
                    break
                total += len(b)
                time.sleep(0.01)
        except OSError as e:
            how = errname(e)
        say("end", total, how)
    hold_forever()


def badflags(addr: str, port: int) -> None:
    from scapy.all import IP, TCP, conf, send  # noqa: PLC0415
    conf.verb = 0
    for name, flags, sport in BADFLAGS:
        send(IP(dst=addr) / TCP(sport=sport, dport=port, flags=flags,
                                seq=1000 + sport, ack=0))
        say("sent", name, flags, sport)
    say("done")


def main(argv: list[str]) -> None:
    if argv[:1] == ["serve-count"] and len(argv) == 2:
        serve(int(argv[1]), count)
    elif argv[:1] == ["serve-send"] and len(argv) == 2:
        serve(int(argv[1]), send_loop)
    elif argv[:1] == ["connect"] and 3 <= len(argv) <= 5:
        mode = argv[3] if len(argv) > 3 else "hold"
        connect(argv[1], int(argv[2]), mode,
                int(argv[4]) if len(argv) > 4 else 0)
    elif argv[:1] == ["badflags"] and len(argv) == 3:
        badflags(argv[1], int(argv[2]))
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main(sys.argv[1:])
