#!/usr/bin/env python3
"""A local SMTP sink for the mail tests (aiosmtpd, from PyPI): accepts messages on loopback and
writes each as it arrived.

Usage: smtp-sink.py --dir DIR [--refuse ADDRESS]... [--port-file FILE]

Listens on 127.0.0.1 on a free port and writes the port to --port-file (or prints it) once
ready. Each message becomes DIR/N.eml (the bytes after DATA, dot-unstuffed, as received) and
DIR/N.json ({"mail_from", "rcpt_tos"}). RCPT TO an address given with --refuse is answered
550. Runs until killed. Exit 3 when aiosmtpd is missing, so the Swift test can say why.
"""
import argparse
import asyncio
import json
import os
import signal
import sys
import threading

try:
    from aiosmtpd.smtp import SMTP
except ImportError:
    sys.stderr.write("aiosmtpd is not installed (pip install aiosmtpd)\n")
    sys.exit(3)


class Sink:
    def __init__(self, folder, refuse):
        self.folder = folder
        self.refuse = {a.lower() for a in refuse}
        self.count = 0
        self.lock = threading.Lock()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.lower() in self.refuse:
            return "550 5.1.1 mailbox unavailable (refused by the test sink)"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            self.count += 1
            n = self.count
        base = os.path.join(self.folder, str(n))
        with open(base + ".eml.partial", "wb") as f:
            f.write(envelope.original_content)
        with open(base + ".json", "w") as f:
            json.dump({"mail_from": envelope.mail_from, "rcpt_tos": envelope.rcpt_tos}, f)
        os.rename(base + ".eml.partial", base + ".eml")
        return "250 Message accepted"


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--dir", required=True)
    p.add_argument("--refuse", action="append", default=[])
    p.add_argument("--port-file")
    a = p.parse_args()
    os.makedirs(a.dir, exist_ok=True)
    asyncio.run(serve(a))


async def serve(a):
    # The server made here rather than by aiosmtpd's Controller, which cannot take port 0.
    sink = Sink(a.dir, a.refuse)
    loop = asyncio.get_running_loop()
    server = await loop.create_server(lambda: SMTP(sink, hostname="sink.test"), host="127.0.0.1", port=0)
    port = server.sockets[0].getsockname()[1]
    if a.port_file:
        with open(a.port_file + ".partial", "w") as f:
            f.write(str(port))
        os.rename(a.port_file + ".partial", a.port_file)
    else:
        print(port, flush=True)
    stop = asyncio.Event()
    loop.add_signal_handler(signal.SIGTERM, stop.set)
    loop.add_signal_handler(signal.SIGINT, stop.set)
    await stop.wait()
    server.close()

if __name__ == "__main__":
    main()
