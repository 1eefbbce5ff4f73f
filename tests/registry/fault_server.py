# Fault-injecting registry stand-in for client_fault_test.cpp. Copied into the test's temp dir and started there:
#   python3 fault_server.py DIR
# Listens on 127.0.0.1 (port written to DIR/port) and logs every request as "METHOD PATH AUTH" to DIR/requests.log.
# The first repository component picks the behaviour; the rest makes each test's counters its own.
import email.utils
import hashlib
import http.server
import json
import os
import sys
import threading
import time

DIR = sys.argv[1]
BLOB = b"purser fault blob " * 100
MANIFEST = json.dumps({
    "schemaVersion": 2,
    "mediaType": "application/vnd.oci.image.manifest.v1+json",
    "config": {"mediaType": "application/vnd.oci.image.config.v1+json",
               "digest": "sha256:" + hashlib.sha256(BLOB).hexdigest(), "size": len(BLOB)},
    "layers": [],
}, separators=(",", ":")).encode()
TOKEN = "fault-token-0123456789"
counts = {}
lock = threading.Lock()


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def record(self):
        with lock:
            with open(os.path.join(DIR, "requests.log"), "a") as log:
                log.write("%s %s %s\n" % (self.command, self.path, self.headers.get("Authorization", "-")))

    def count(self, key):
        with lock:
            counts[key] = counts.get(key, 0) + 1
            return counts[key]

    def send(self, status, body=b"", headers=None, content_type="application/json"):
        self.send_response(status)
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def error(self, status, message, headers=None):
        body = json.dumps({"errors": [{"code": "UNKNOWN", "message": message}]}).encode()
        self.send(status, body, headers)

    def content(self, kind):
        if kind == "manifests":
            self.send(200, MANIFEST, {"Docker-Content-Digest": "sha256:" + hashlib.sha256(MANIFEST).hexdigest()},
                      "application/vnd.oci.image.manifest.v1+json")
        else:
            self.send(200, BLOB, content_type="application/octet-stream")

    def bearer_challenge(self, repo):
        host = self.headers.get("Host")
        return {"WWW-Authenticate": 'Bearer realm="http://%s/token",service="fault",scope="repository:%s:pull"'
                % (host, repo)}

    def do_POST(self):
        self.record()
        length = int(self.headers.get("Content-Length", "0"))
        form = self.rfile.read(length).decode()
        with lock:
            with open(os.path.join(DIR, "posts.log"), "a") as log:
                log.write(self.path + " " + form + "\n")
        if self.path == "/token" and "grant_type=refresh_token" in form and "refresh_token=refresh-me" in form:
            return self.send(200, json.dumps({"access_token": TOKEN}).encode())
        return self.error(401, "bad refresh token")

    def do_PUT(self):
        self.record()
        self.rfile.read(int(self.headers.get("Content-Length", "0")))
        # "wrongput": the registry claims to have stored other bytes than were sent.
        return self.send(201, b"", {"Docker-Content-Digest": "sha256:" + "0" * 64})

    def referrers(self, repo):
        index = lambda manifests: json.dumps({"schemaVersion": 2,
                                              "mediaType": "application/vnd.oci.image.index.v1+json",
                                              "manifests": manifests}).encode()
        entry = lambda n, t: {"mediaType": "application/vnd.oci.image.manifest.v1+json",
                              "digest": "sha256:" + hashlib.sha256(n.encode()).hexdigest(), "size": 10,
                              "artifactType": t}
        if "page=2" in self.path:
            return self.send(200, index([entry("c", "application/spdx+json")]), content_type=(
                "application/vnd.oci.image.index.v1+json"))
        return self.send(200, index([entry("a", "application/spdx+json"), entry("b", "application/vnd.dev.sig")]),
                         {"Link": '</v2/%s/referrers/%s?page=2>; rel="next"' % (repo, self.path.split("/")[-1]
                                                                                   .split("?")[0])},
                         "application/vnd.oci.image.index.v1+json")

    def tags(self, repo):
        if "last=b" in self.path:
            return self.send(200, json.dumps({"name": repo, "tags": ["c"]}).encode())
        return self.send(200, json.dumps({"name": repo, "tags": ["a", "b"]}).encode(),
                         {"Link": '</v2/%s/tags/list?n=2&last=b>; rel="next"' % repo})

    def do_HEAD(self):
        self.do_GET()

    def do_GET(self):
        self.record()
        path = self.path.split("?")[0]
        if path == "/token":
            return self.send(200, json.dumps({"access_token": TOKEN, "expires_in": 300}).encode())
        if path.startswith("/storage/"):
            return self.send(200, BLOB, content_type="application/octet-stream")
        parts = path.split("/")
        if len(parts) < 6 or parts[1] != "v2":
            return self.error(404, "no such route")
        scenario = parts[2]
        kind = parts[-2]
        repo = "/".join(parts[2:-2])
        n = self.count(repo + " " + kind)
        auth = self.headers.get("Authorization", "")
        if scenario == "ok":
            return self.content(kind)
        if scenario == "pages":
            return self.referrers(repo) if kind == "referrers" else self.tags(repo)
        if scenario == "retrydate":
            if n == 1:
                return self.error(503, "maintenance", {"Retry-After": email.utils.formatdate(time.time() + 2,
                                                                                                usegmt=True)})
            return self.content(kind)
        if scenario == "nodigest":
            self.send_response(200)
            self.send_header("Content-Type", "application/vnd.oci.image.manifest.v1+json")
            self.send_header("Content-Length", str(len(MANIFEST)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(MANIFEST)
            return
        if scenario == "retry429":
            if n == 1:
                return self.error(429, "slow down", {"Retry-After": "1"})
            return self.content(kind)
        if scenario == "flaky500":
            if n <= 2:
                return self.error(500, "injected failure")
            return self.content(kind)
        if scenario == "down500":
            return self.error(500, "injected failure")
        if scenario == "resume" and n > 1:
            if self.headers.get("Range") != "bytes=900-":
                return self.error(416, "unexpected range %s" % self.headers.get("Range"))
            return self.send(206, BLOB[900:], {"Content-Range": "bytes 900-%d/%d" % (len(BLOB) - 1, len(BLOB))},
                             "application/octet-stream")
        if scenario == "resume200" and n > 1:
            return self.send(200, BLOB, content_type="application/octet-stream")
        if scenario in ("truncated", "resume", "resume200"):
            self.send_response(200)
            self.send_header("Content-Type", "application/octet-stream")
            self.send_header("Content-Length", str(len(BLOB)))
            self.send_header("Connection", "close")
            self.end_headers()
            self.wfile.write(BLOB[: len(BLOB) // 2])
            self.wfile.flush()
            self.close_connection = True
            return
        if scenario == "baddigest":
            return self.send(200, BLOB.replace(b"fault", b"FAULT"), content_type="application/octet-stream")
        if scenario == "oversize":
            return self.send(200, BLOB + b"extra", content_type="application/octet-stream")
        if scenario == "bearer":
            if auth != "Bearer " + TOKEN:
                return self.error(401, "token required", self.bearer_challenge(repo))
            return self.content(kind)
        if scenario == "loop":
            return self.error(401, "token required", self.bearer_challenge(repo))
        if scenario == "redirect":
            if not auth.startswith("Basic "):
                return self.error(401, "credentials required", {"WWW-Authenticate": 'Basic realm="fault"'})
            port = self.server.server_address[1]
            return self.send(307, b"", {"Location": "http://localhost:%d/storage/%s" % (port, parts[-1])})
        if scenario == "redirectloop":
            return self.send(302, b"", {"Location": path + "?n=%d" % n})
        if scenario == "echo":
            if not auth:
                return self.error(401, "credentials required", {"WWW-Authenticate": 'Basic realm="fault"'})
            return self.error(403, "denied for " + auth)
        return self.error(404, "unknown scenario")


server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
with open(os.path.join(DIR, "port.tmp"), "w") as f:
    f.write(str(server.server_address[1]))
os.rename(os.path.join(DIR, "port.tmp"), os.path.join(DIR, "port"))
server.serve_forever()
