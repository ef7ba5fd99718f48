#!/usr/bin/env python3
"""The soak's webhook receiver: answers 200 to every POST and keeps a count of them in a file."""
import argparse
import http.server
import pathlib


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--count-file", required=True)
    args = parser.parse_args()
    count_file = pathlib.Path(args.count_file)
    posts = 0

    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_POST(self) -> None:  # noqa: N802 (the http.server name)
            nonlocal posts
            self.rfile.read(int(self.headers.get("Content-Length", "0")))
            posts += 1
            count_file.write_text(f"{posts}\n")
            self.send_response(200)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args) -> None:  # one line per post would dwarf the soak's own log
            pass

    http.server.ThreadingHTTPServer(("127.0.0.1", args.port), Handler).serve_forever()


if __name__ == "__main__":
    main()
