#!/usr/bin/env python3
"""release.py PORT ADDR: writes a 4-byte zero to guest virtual address ADDR
(hex) through QEMU's gdbstub on 127.0.0.1:PORT, then detaches, which lets
the guest run on. That is how annotate.sh clears the module's
irqb_annot_wait: a TCG plugin cannot write guest memory (QEMU 7.2's plugin
API has no such call), and the remote protocol needs no debugger, so no
gdb-multiarch limit of an arch applies (s390x: "PC not saved").
Exit 0 when the stub acknowledged both packets, 1 otherwise."""
import socket
import sys

TIMEOUT = 30  # the stub answers in milliseconds; a silent one is broken


def packet(body):
    return b"$%s#%02x" % (body, sum(body) & 0xFF)


def exchange(sock, body):
    """Send one packet, return its reply's body. A stop reply (T.., S..)
    the stub sends on its own when the connection stops the VM is skipped."""
    sock.sendall(packet(body))
    buf = b""
    while True:
        start = buf.find(b"$")
        end = buf.find(b"#", start + 1) if start >= 0 else -1
        if end >= 0 and len(buf) >= end + 3:
            sock.sendall(b"+")
            reply, buf = buf[start + 1:end], buf[end + 3:]
            if reply[:1] not in (b"T", b"S"):
                return reply
            continue
        chunk = sock.recv(4096)
        if not chunk:
            raise OSError("the gdbstub closed the connection")
        buf += chunk


def main(argv):
    if len(argv) != 3:
        print("usage: release.py PORT ADDR", file=sys.stderr)
        return 1
    port, addr = int(argv[1]), int(argv[2], 16)
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT) as sock:
            # the connection stops the VM; 4 zero bytes read 0 in either byte order
            reply = exchange(sock, b"M%x,4:00000000" % addr)
            if reply != b"OK":
                print(f"release: the gdbstub refused the write at {addr:#x}: {reply!r}", file=sys.stderr)
                return 1
            reply = exchange(sock, b"D")
            if reply != b"OK":
                print(f"release: the gdbstub refused to detach: {reply!r}", file=sys.stderr)
                return 1
    except OSError as e:
        print(f"release: gdbstub on port {port}: {e}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
