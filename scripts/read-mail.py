#!/usr/bin/env python3
"""Parses mail messages with Python's email package (an independent MIME reader) and prints them
as JSON, for the mail tests.

Usage: read-mail.py --attachments DIR FILE...  ->  {"FILE": {...}, ...}

For each message: the decoded headers (subject, from, to, cc, date, message_id), the addresses
as [name, address] pairs, the MIME structure as a list of content types in walk order, the
text and HTML bodies decoded, each attachment written to DIR (file name prefixed by the
message's index) with its content type, whether every line ends in CRLF, the longest line, and
any defect the parser found.
"""
import argparse
import email
import email.header
import email.policy
import email.utils
import json
import os
import re
import sys


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--attachments", required=True)
    p.add_argument("files", nargs="+")
    a = p.parse_args()
    os.makedirs(a.attachments, exist_ok=True)
    out = {}
    for index, path in enumerate(a.files):
        raw = open(path, "rb").read()
        lines = raw.split(b"\n")
        if lines and lines[-1] == b"":
            lines = lines[:-1]
        msg = email.message_from_bytes(raw, policy=email.policy.default)
        defects = [repr(d) for d in msg.defects]
        text = html = None
        attachments = []
        structure = []
        for part in msg.walk():
            structure.append(part.get_content_type())
            defects += [repr(d) for d in part.defects]
            if part.is_multipart():
                continue
            if part.get_content_disposition() == "attachment":
                name = part.get_filename() or "unnamed"
                target = os.path.join(a.attachments, f"{index}-{os.path.basename(name)}")
                with open(target, "wb") as f:
                    f.write(part.get_payload(decode=True))
                attachments.append({"filename": name, "content_type": part.get_content_type(), "path": target})
            elif part.get_content_type() == "text/plain" and text is None:
                text = part.get_content()
            elif part.get_content_type() == "text/html" and html is None:
                html = part.get_content()

        # Display names decoded as RFC 2047 §6.2 says (whitespace between encoded words dropped),
        # with email.header, from the raw header: the default policy's address parser keeps that
        # whitespace, which mail programs do not.
        raw_msg = email.message_from_bytes(raw, policy=email.policy.compat32)

        def addresses(name):
            values = [re.sub(r"\r?\n[ \t]", " ", v) for v in raw_msg.get_all(name, [])]
            return [[str(email.header.make_header(email.header.decode_header(n))), addr]
                    for n, addr in email.utils.getaddresses(values)]

        out[path] = {
            "subject": str(msg["subject"]),
            "from": addresses("from"),
            "to": addresses("to"),
            "cc": addresses("cc"),
            "date": str(msg["date"]),
            "date_parsed": email.utils.parsedate_to_datetime(str(msg["date"])).isoformat() if msg["date"] else None,
            "message_id": str(msg["message-id"]),
            "raw_headers": raw.split(b"\r\n\r\n")[0].decode("ascii", "replace"),
            "structure": structure,
            "text": text,
            "html": html,
            "attachments": attachments,
            "crlf": all(line.endswith(b"\r") for line in lines),
            "max_line": max((len(line.rstrip(b"\r")) for line in lines), default=0),
            "ascii_headers": all(b < 128 for b in raw.split(b"\r\n\r\n")[0].split(b"\n\n")[0]),
            "defects": defects,
        }
    json.dump(out, sys.stdout, ensure_ascii=False)


if __name__ == "__main__":
    main()
