# SPDX-License-Identifier: GPL-2.0-only
"""A TCP server and client that report what their sockets negotiated.

  tcpinfo.py server PORT
      Dual-stack listener. Per connection it reads a command line,
      "send N" or "recv N", answers with one JSON line describing the
      accepted socket (TCP_INFO: timestamps, SACK, window scaling, ECN,
      scale factors, MSS), then sends or receives N bytes.
  tcpinfo.py client ADDR PORT send|recv N
      Runs one such exchange and prints one JSON object: the server's
      report, the client socket's own, and the transfer's duration.
"""
import json
import socket
import struct
import sys
import threading
import time

TCPI_OPT_TIMESTAMPS, TCPI_OPT_SACK, TCPI_OPT_WSCALE, TCPI_OPT_ECN = 1, 2, 4, 8
CHUNK = 1 << 20


def tcp_info(sock):
    raw = sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_INFO, 104)
    opts, scales = raw[5], raw[6]
    snd_mss, rcv_mss = struct.unpack_from("II", raw, 16)
    return {"ts": bool(opts & TCPI_OPT_TIMESTAMPS), "sack": bool(opts & TCPI_OPT_SACK),
            "wscale": bool(opts & TCPI_OPT_WSCALE), "ecn": bool(opts & TCPI_OPT_ECN),
            "snd_wscale": scales & 15, "rcv_wscale": scales >> 4,
            "snd_mss": snd_mss, "rcv_mss": rcv_mss}


def pump_send(sock, n):
    buf = b"\xa5" * CHUNK
    while n > 0:
        k = sock.send(buf[:min(n, CHUNK)])
        n -= k


def pump_recv(sock, n):
    while n > 0:
        data = sock.recv(min(n, CHUNK))
        if not data:
            raise ConnectionError("peer closed with %d bytes to go" % n)
        n -= len(data)


def serve_one(conn):
    with conn:
        f = conn.makefile("rb")
        cmd, n = f.readline().decode().split()
        n = int(n)
        conn.sendall((json.dumps(tcp_info(conn)) + "\n").encode())
        if cmd == "send":
            pump_send(conn, n)
        else:
            pump_recv(conn, n)
            conn.sendall(b"ok\n")


def server(port):
    s = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)
    s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("::", port))
    s.listen(1024)
    while True:
        conn, _ = s.accept()
        threading.Thread(target=serve_one, args=(conn,), daemon=True).start()


def client(addr, port, cmd, n):
    s = socket.create_connection((addr, port), timeout=30)
    s.sendall(("%s %d\n" % (cmd, n)).encode())
    line = b""
    while not line.endswith(b"\n"):
        line += s.recv(1)
    report = json.loads(line)
    t0 = time.monotonic()
    if cmd == "send":
        pump_recv(s, n)
    else:
        pump_send(s, n)
        assert s.recv(3) == b"ok\n"
    dt = time.monotonic() - t0
    out = {"server": report, "client": tcp_info(s), "seconds": dt, "bytes": n}
    s.close()
    print(json.dumps(out))


if __name__ == "__main__":
    if sys.argv[1] == "server":
        server(int(sys.argv[2]))
    else:
        client(sys.argv[2], int(sys.argv[3]), sys.argv[4], int(sys.argv[5]))
