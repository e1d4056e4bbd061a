#!/usr/bin/env python3
"""A small HTTP server on 127.0.0.1 for tests that download (the AniDB titles
dump). Started by tests/support/local_http_server.cc; never reachable from
outside the host.

    local_http_server.py --root DIR

Prints "PORT <n>" once it listens, then serves until its standard input
closes (the test ended, or died) or it gets SIGTERM. Every request is
appended to DIR/requests.log before it is answered, one line per request:
    <path>\t<If-None-Match>\t<If-Modified-Since>\t<User-Agent>

Routes (GET):
    /files/NAME        DIR/NAME with ETag and Last-Modified; answers 304 to a
                       matching If-None-Match, or If-Modified-Since not older
                       than the file
    /slow/NAME         DIR/NAME, 256 bytes every 50 ms
    /stall             headers promising 1000 bytes, then nothing
    /endless           200 without Content-Length, bytes until the client leaves
    /status/CODE       that status, with a short body
    /redirect?to=URL   302 to URL
"""
import argparse
import email.utils
import hashlib
import os
import sys
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class Handler(BaseHTTPRequestHandler):
    root = "."

    def log_message(self, *args):  # quiet: the test reads requests.log
        pass

    def log_request_line(self):
        line = "%s\t%s\t%s\t%s\n" % (
            self.path,
            self.headers.get("If-None-Match", ""),
            self.headers.get("If-Modified-Since", ""),
            self.headers.get("User-Agent", ""),
        )
        with open(os.path.join(self.root, "requests.log"), "a", encoding="utf-8") as f:
            f.write(line)

    def file_path(self, name):
        if not name or "/" in name or name.startswith("."):
            return None
        path = os.path.join(self.root, name)
        return path if os.path.isfile(path) else None

    def send_plain(self, code, body=b""):
        self.send_response(code)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        self.log_request_line()
        url = urllib.parse.urlsplit(self.path)
        parts = url.path.split("/", 2)
        route = parts[1] if len(parts) > 1 else ""
        arg = parts[2] if len(parts) > 2 else ""
        try:
            if route == "files":
                self.serve_file(arg)
            elif route == "slow":
                self.serve_slowly(arg)
            elif route == "stall":
                self.stall()
            elif route == "endless":
                self.endless()
            elif route == "status" and arg.isdigit():
                self.send_plain(int(arg), b"status %s\n" % arg.encode())
            elif route == "redirect":
                target = urllib.parse.parse_qs(url.query).get("to", [""])[0]
                self.send_response(302)
                self.send_header("Location", target)
                self.send_header("Content-Length", "0")
                self.end_headers()
            else:
                self.send_plain(404, b"not found\n")
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up (a size limit, a time-out, a cancel)

    def serve_file(self, name):
        path = self.file_path(name)
        if path is None:
            self.send_plain(404, b"no such file\n")
            return
        with open(path, "rb") as f:
            body = f.read()
        mtime = int(os.stat(path).st_mtime)
        etag = '"%s"' % hashlib.sha1(body).hexdigest()[:16]
        last_modified = email.utils.formatdate(mtime, usegmt=True)
        if_none_match = self.headers.get("If-None-Match")
        if_modified_since = self.headers.get("If-Modified-Since")
        not_modified = False
        if if_none_match is not None:
            not_modified = if_none_match == etag
        elif if_modified_since is not None:
            try:
                since = email.utils.parsedate_to_datetime(if_modified_since).timestamp()
                not_modified = mtime <= since
            except (TypeError, ValueError):
                pass
        self.send_response(304 if not_modified else 200)
        self.send_header("ETag", etag)
        self.send_header("Last-Modified", last_modified)
        if not_modified:
            self.end_headers()
            return
        self.send_header("Content-Type", "application/octet-stream")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def serve_slowly(self, name):
        path = self.file_path(name)
        if path is None:
            self.send_plain(404, b"no such file\n")
            return
        with open(path, "rb") as f:
            body = f.read()
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        for i in range(0, len(body), 256):
            self.wfile.write(body[i:i + 256])
            self.wfile.flush()
            time.sleep(0.05)

    def stall(self):
        self.send_response(200)
        self.send_header("Content-Length", "1000")
        self.end_headers()
        self.wfile.flush()
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            time.sleep(0.1)

    def endless(self):
        self.send_response(200)
        self.send_header("Content-Type", "application/octet-stream")
        self.end_headers()
        block = bytes(range(256)) * 256
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            self.wfile.write(block)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--root", required=True)
    args = parser.parse_args()
    Handler.root = args.root
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True

    def exit_when_stdin_closes():
        sys.stdin.buffer.read()
        os._exit(0)

    threading.Thread(target=exit_when_stdin_closes, daemon=True).start()
    print("PORT %d" % server.server_address[1], flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
