#!/usr/bin/env python3
"""slowsink.py DELAY [CHUNK]: a slow reader: read stdin CHUNK bytes
(default 256 KiB) at a time, sleeping DELAY seconds after each read; at EOF
print the SHA-256 of what it read."""
import hashlib
import sys
import time

delay = float(sys.argv[1])
chunk = int(sys.argv[2]) if len(sys.argv) > 2 else 256 * 1024
h = hashlib.sha256()
f = sys.stdin.buffer.raw
while True:
    b = f.read(chunk)
    if not b:
        break
    h.update(b)
    time.sleep(delay)
print(h.hexdigest())
