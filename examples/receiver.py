"""A tiny webhook receiver for trying polywire by hand: prints each webhook and checks its signature.

    python examples/receiver.py --port 9000 [--secret whsec_...]

With --secret it verifies the Standard Webhooks signature the way an outlet would, using the
`standardwebhooks` package (installed by `make test`, or `pip install standardwebhooks`).
"""

from __future__ import annotations

import argparse
import json
from http.server import BaseHTTPRequestHandler, HTTPServer


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=9000)
    parser.add_argument("--secret", help="the endpoint's whsec_ secret, to verify signatures")
    args = parser.parse_args()

    verifier = None
    if args.secret:
        from standardwebhooks.webhooks import Webhook

        verifier = Webhook(args.secret)

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            verdict = "not checked"
            if verifier is not None:
                try:
                    # NewsML-G2 endpoints receive XML: verify the raw bytes without parsing them as JSON.
                    verifier.verify(body, {k.lower(): v for k, v in self.headers.items()}, json_parse=False)
                    verdict = "valid"
                except Exception as exc:  # any verification failure is reported, not raised
                    verdict = f"INVALID ({exc})"
            event_type = self.headers.get("polywire-event")
            if "json" in (self.headers.get("Content-Type") or ""):
                item = json.loads(body).get("data", {})
                headline = (item.get("headlines") or [{}])[0].get("value")
                summary = f"v{item.get('version')} [{item.get('language')}] {headline!r}"
            else:
                summary = f"{len(body)} bytes of {self.headers.get('Content-Type')}"
            print(f"{self.headers.get('webhook-id')} {event_type} {summary} signature {verdict}", flush=True)
            self.send_response(204)
            self.end_headers()

        def log_message(self, format: str, *args: object) -> None:
            return None

    print(f"listening on http://127.0.0.1:{args.port}/", flush=True)
    HTTPServer(("127.0.0.1", args.port), Handler).serve_forever()


if __name__ == "__main__":
    main()
