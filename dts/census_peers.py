# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The wirefault authors
"""TCP peers for TestSuite_census: run inside a lab namespace.

    census_peers.py serve PORT MODE [BACKLOG]
        MODE hold           accept, answer "hello" with "hi", keep open
             client-closes  accept, read until EOF, then close
             server-closes  accept, read one request, answer, close first
             never-accept   listen(BACKLOG) and never accept
        Prints "listening PORT" when the socket listens (dual stack, ::).

    census_peers.py connect MODE ADDR PORT N
        MODE hold           connect, send "hello", read "hi", keep open
             client-closes  connect, send "bye", close first
             server-closes  connect, send a request, read to EOF, close
             syn            non-blocking connect, wait for the outcome
             overflow       one connect, then N-1 non-blocking connects
                            back to back, all with TCP_SYNCNT 6; send
                            "hello" on each that connects; keep all open
        Prints "conn CLIENT SERVER" per socket (endpoints as wirefault
        prints them) as soon as the client port is known, "done" when
        every connection reached its final state for the mode.

Both run until SIGTERM (except connect client-closes/server-closes, which
exit after "done"). They are started and stopped by PID by the suite.
"""

import errno
import selectors
import signal
import socket
import sys
import threading
import time


def endpoint(addr) -> str:
    host, port = addr[0], addr[1]
    if host.startswith("::ffff:") and "." in host:
        host = host[len("::ffff:"):]
    if ":" in host:
        return f"[{host}]:{port}"
    return f"{host}:{port}"


def say(*words) -> None:
    print(*words, flush=True)


def hold_forever() -> None:
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    while True:
        time.sleep(3600)


def serve(port: int, mode: str, backlog: int) -> None:
    ls = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)
    ls.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    ls.bind(("::", port))
    ls.listen(backlog)
    say("listening", port)
    if mode == "never-accept":
        hold_forever()
    kept = []

    def handle(c: socket.socket) -> None:
        if mode == "hold":
            c.recv(64)
            c.sendall(b"hi\n")
            kept.append(c)  # held until the process ends
        elif mode == "client-closes":
            while c.recv(4096):
                pass
            c.close()
        elif mode == "server-closes":
            c.recv(4096)
            c.sendall(b"HTTP/1.0 200 OK\r\nContent-Length: 3\r\n\r\nok\n")
            c.close()

    def acceptor() -> None:
        while True:
            c, _ = ls.accept()
            threading.Thread(target=handle, args=(c,), daemon=True).start()

    threading.Thread(target=acceptor, daemon=True).start()
    hold_forever()


def family(addr: str) -> int:
    return socket.AF_INET6 if ":" in addr else socket.AF_INET


def connect(mode: str, addr: str, port: int, n: int) -> None:
    if mode in ("hold", "client-closes", "server-closes"):
        kept = []
        for _ in range(n):
            s = socket.socket(family(addr), socket.SOCK_STREAM)
            s.settimeout(10)
            s.connect((addr, port))
            say("conn", endpoint(s.getsockname()), endpoint(s.getpeername()))
            if mode == "hold":
                s.sendall(b"hello\n")
                s.recv(64)
                kept.append(s)
            elif mode == "client-closes":
                s.sendall(b"bye\n")
                s.close()
            else:
                s.sendall(b"GET / HTTP/1.0\r\n\r\n")
                while s.recv(4096):
                    pass
                s.close()
        say("done")
        if mode == "hold":
            hold_forever()
        return
    # syn, overflow: non-blocking connects, outcomes collected by select
    sel = selectors.DefaultSelector()
    socks = []
    if mode == "overflow":
        # One connection completes first and sits in the accept queue; the
        # others follow back to back, faster than a round trip through
        # the lab, so that two handshakes are in the SYN queue at once and
        # the second one's ACK finds the accept queue full.
        s = socket.socket(family(addr), socket.SOCK_STREAM)
        s.setsockopt(socket.IPPROTO_TCP, socket.TCP_SYNCNT, 6)
        s.settimeout(10)
        s.connect((addr, port))
        s.sendall(b"hello\n")
        say("conn", endpoint(s.getsockname()), endpoint((addr, port)))
        say("result", endpoint(s.getsockname()), "connected")
        kept = [s]
        n -= 1
    for _ in range(n):
        s = socket.socket(family(addr), socket.SOCK_STREAM)
        if mode == "overflow":
            s.setsockopt(socket.IPPROTO_TCP, socket.TCP_SYNCNT, 6)
        s.setblocking(False)
        rc = s.connect_ex((addr, port))
        assert rc in (0, errno.EINPROGRESS), rc
        socks.append(s)
        sel.register(s, selectors.EVENT_WRITE)
    for s in socks:
        say("conn", endpoint(s.getsockname()), f"{endpoint((addr, port))}")
    if mode == "overflow":
        say("done")  # the rest is the kernel's business
    pending = len(socks)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    while pending:
        for key, _ in sel.select(timeout=1):
            s = key.fileobj
            sel.unregister(s)
            pending -= 1
            err = s.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR)
            if err == 0 and mode == "overflow":
                s.send(b"hello\n")
            say("result", endpoint(s.getsockname()) if err == 0 else "-",
                errno.errorcode.get(err, "OK") if err else "connected")
    if mode == "syn":
        say("done")
    hold_forever()


def main(argv: list[str]) -> None:
    if argv[:1] == ["serve"] and len(argv) in (3, 4):
        serve(int(argv[1]), argv[2], int(argv[3]) if len(argv) == 4 else 64)
    elif argv[:1] == ["connect"] and len(argv) == 5:
        connect(argv[1], argv[2], int(argv[3]), int(argv[4]))
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main(sys.argv[1:])
