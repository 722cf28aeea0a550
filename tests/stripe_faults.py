"""A proxy in front of the tests' localstripe that can cut the line for chosen Stripe calls.

Stripe out of reach is a network fault, so it is made by the network: the official library talks to this
proxy on 127.0.0.1, which forwards every request to localstripe, except those matching a cut (method and
path prefix), whose connection it closes without an answer, before or after forwarding them. The library
then raises its own `APIConnectionError` after its retries, as it would with Stripe down.
"""

import http.client
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit


class StripeFaults:
    def __init__(self, upstream: str):
        self.upstream = urlsplit(upstream)
        self.cuts: list[tuple[str, str, bool]] = []  # (method, path prefix, forward before cutting)
        self.cut_requests: list[str] = []
        faults = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def _relay(self):
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                cut = faults._cut_for(self.command, self.path)
                if cut is not None:
                    faults.cut_requests.append(f"{self.command} {self.path}")
                    if cut:  # Stripe did it, the answer is lost on the way back
                        faults._forward(self.command, self.path, self.headers, body)
                    self.close_connection = True
                    self.connection.close()
                    return
                status, headers, answer = faults._forward(self.command, self.path, self.headers, body)
                self.send_response(status)
                for name, value in headers:
                    if name.lower() not in ("transfer-encoding", "connection", "content-length"):
                        self.send_header(name, value)
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

            do_GET = do_POST = do_DELETE = _relay

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def cut(self, method: str, path_prefix: str, *, after_forwarding: bool = False) -> None:
        """From now on, `method` requests under `path_prefix` get no answer (forwarded first if asked)."""
        self.cuts.append((method, path_prefix, after_forwarding))

    def heal(self) -> None:
        self.cuts.clear()

    def _cut_for(self, method: str, path: str):
        for cut_method, prefix, after in self.cuts:
            if method == cut_method and path.split("?")[0].startswith(prefix):
                return after
        return None

    def _forward(self, method, path, headers, body):
        connection = http.client.HTTPConnection(self.upstream.hostname, self.upstream.port, timeout=30)
        try:
            forwarded = {k: v for k, v in headers.items() if k.lower() not in ("host", "connection")}
            connection.request(method, path, body=body or None, headers=forwarded)
            response = connection.getresponse()
            return response.status, response.getheaders(), response.read()
        finally:
            connection.close()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
