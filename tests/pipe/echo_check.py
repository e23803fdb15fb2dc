#!/usr/bin/env python3
"""echo_check.py HOST PORT FILE: connect, send FILE (a thread) while reading
what comes back, shut down the write side after the last byte; print the
SHA-256 of what came back and its length."""
import hashlib
import socket
import sys
import threading

host, port, path = sys.argv[1], int(sys.argv[2]), sys.argv[3]
s = socket.create_connection((host, port), timeout=60)
err = []


def send():
    try:
        with open(path, "rb") as f:
            while True:
                b = f.read(1 << 20)
                if not b:
                    break
                s.sendall(b)
        s.shutdown(socket.SHUT_WR)
    except OSError as e:
        err.append(e)


t = threading.Thread(target=send)
t.start()
h = hashlib.sha256()
n = 0
while True:
    b = s.recv(1 << 20)
    if not b:
        break
    h.update(b)
    n += len(b)
t.join()
if err:
    print("send failed:", err[0])
    sys.exit(1)
print(h.hexdigest(), n)
