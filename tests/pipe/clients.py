#!/usr/bin/env python3
"""clients.py HOST PORT N CONCURRENT [SIZE]: N echo clients, CONCURRENT at a
time; each sends its own SIZE bytes, shuts down its write side and must
read back exactly what it sent.  Prints "ok N" or the first failure."""
import os
import socket
import sys
import threading

host, port, n, conc = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
size = int(sys.argv[5]) if len(sys.argv) > 5 else 100000
fails = []
sem = threading.Semaphore(conc)
# a barrier makes the concurrent ones really overlap
barrier = threading.Barrier(conc) if conc > 1 else None


def one(i):
    with sem:
        data = (b"client %06d " % i) * (size // 14 + 1)
        data = data[:size]
        try:
            s = socket.create_connection((host, port), timeout=30)
            if barrier is not None:
                try:
                    barrier.wait(timeout=10)
                except threading.BrokenBarrierError:
                    pass
            s.sendall(data)
            s.shutdown(socket.SHUT_WR)
            got = bytearray()
            while True:
                b = s.recv(65536)
                if not b:
                    break
                got += b
            s.close()
            if got != data:
                fails.append("client %d: sent %d bytes, got %d back%s" % (
                    i, len(data), len(got), " (mixed)" if len(got) == len(data) else ""))
        except OSError as e:
            fails.append("client %d: %s" % (i, e))


threads = [threading.Thread(target=one, args=(i,)) for i in range(n)]
if conc == 1:
    for t in threads:
        t.start()
        t.join()
else:
    for t in threads:
        t.start()
    for t in threads:
        t.join()
if fails:
    print(fails[0], "(%d failed)" % len(fails))
    sys.exit(1)
print("ok", n)
