"""Two loopback HTTP/1.1 peers like the conformance kit's fakes (Python's ThreadingHTTPServer, keep-alive),
answering every POST with a body of the size the long workload's real peers send: 1 KB per model call,
4.1 KB per tool call, 280 KB for /verify (the echo of the whole rollout). Prints the two ports."""
import http.server, socket, threading, time

KB = 1024
REPLY = {"/v1/responses": 1 * KB, "/tool": int(4.1 * KB), "/verify": 280 * KB, "/seed_session": 100}


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def setup(self):
        super().setup()
        # The head and the body go out in two writes, as the conformance fakes send them; without TCP_NODELAY
        # the body would wait for the head's delayed ACK from a blocking client (40 ms per answer).
        self.request.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def do_POST(self):
        self.rfile.read(int(self.headers["Content-Length"]))
        size = REPLY.get(self.path, 200)
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(size))
        self.end_headers()
        self.wfile.write(b"x" * size)

    def log_message(self, *args):
        pass


def serve():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server.server_address[1]


if __name__ == "__main__":
    print(serve(), serve(), flush=True)
    while True:
        time.sleep(3600)
