# A small in-memory registry with the OCI distribution-spec v1.1 referrers API, for attachments_test.cpp
# (distribution 2.8 has no referrers API). Copied into the test's temp dir and started there:
#   python3 mini_registry.py DIR
# Listens on 127.0.0.1 (port written to DIR/port). Stores any manifest bytes it is given (so tests can plant
# hostile ones); blobs are checked against their digest on upload. Repositories under "noreferrers/" answer 404 on
# the referrers endpoint, like a registry without the API; under "brokenreferrers/" it answers 500.
import hashlib
import http.server
import json
import os
import re
import sys
import threading
import uuid

DIR = sys.argv[1]
lock = threading.Lock()
blobs = {}      # (repo, digest) -> bytes
manifests = {}  # (repo, digest) -> (media type, bytes)
tags = {}       # (repo, tag) -> digest
uploads = {}    # upload id -> repo

ROUTE = re.compile(r"^/v2/(?P<repo>.+)/(?P<kind>manifests|blobs|referrers)/(?P<ref>[^/]+)$")
UPLOAD = re.compile(r"^/v2/(?P<repo>.+)/blobs/uploads/(?P<id>[^/]*)$")
TAGS = re.compile(r"^/v2/(?P<repo>.+)/tags/list$")


def sha256(data):
    return "sha256:" + hashlib.sha256(data).hexdigest()


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def send(self, status, body=b"", headers=None, content_type="application/json"):
        self.send_response(status)
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def error(self, status, code, message):
        self.send(status, json.dumps({"errors": [{"code": code, "message": message}]}).encode())

    def body(self):
        return self.rfile.read(int(self.headers.get("Content-Length", "0")))

    def do_POST(self):
        self.body()
        m = UPLOAD.match(self.path.split("?")[0])
        if not m or m.group("id"):
            return self.error(404, "NAME_UNKNOWN", "no such route")
        upload = uuid.uuid4().hex
        with lock:
            uploads[upload] = m.group("repo")
        self.send(202, b"", {"Location": "/v2/%s/blobs/uploads/%s" % (m.group("repo"), upload)})

    def do_PUT(self):
        data = self.body()
        path, _, query = self.path.partition("?")
        m = UPLOAD.match(path)
        if m and m.group("id"):
            digest = dict(p.split("=", 1) for p in query.split("&") if "=" in p).get("digest", "").replace("%3A", ":")
            if sha256(data) != digest:
                return self.error(400, "DIGEST_INVALID", "digest does not match")
            with lock:
                blobs[(m.group("repo"), digest)] = data
            return self.send(201, b"", {"Docker-Content-Digest": digest})
        m = ROUTE.match(path)
        if not m or m.group("kind") != "manifests":
            return self.error(404, "NAME_UNKNOWN", "no such route")
        repo, ref = m.group("repo"), m.group("ref")
        digest = sha256(data)
        if ref.startswith("sha256:") and ref != digest:
            return self.error(400, "DIGEST_INVALID", "digest does not match")
        headers = {"Docker-Content-Digest": digest}
        try:
            doc = json.loads(data)
            if isinstance(doc, dict) and isinstance(doc.get("subject"), dict):
                headers["OCI-Subject"] = doc["subject"].get("digest", "")
        except ValueError:
            pass
        with lock:
            manifests[(repo, digest)] = (self.headers.get("Content-Type", "application/json"), data)
            if not ref.startswith("sha256:"):
                tags[(repo, ref)] = digest
        self.send(201, b"", headers)

    def do_HEAD(self):
        self.do_GET()

    def referrers(self, repo, digest):
        found = []
        with lock:
            items = [(d, v) for (r, d), v in manifests.items() if r == repo]
        for manifest_digest, (media_type, data) in sorted(items):
            try:
                doc = json.loads(data)
            except ValueError:
                continue
            if not isinstance(doc, dict) or not isinstance(doc.get("subject"), dict):
                continue
            if doc["subject"].get("digest") != digest:
                continue
            entry = {"mediaType": doc.get("mediaType", media_type), "digest": manifest_digest, "size": len(data)}
            artifact_type = doc.get("artifactType") or doc.get("config", {}).get("mediaType")
            if artifact_type:
                entry["artifactType"] = artifact_type
            if isinstance(doc.get("annotations"), dict):
                entry["annotations"] = doc["annotations"]
            found.append(entry)
        body = json.dumps({"schemaVersion": 2, "mediaType": "application/vnd.oci.image.index.v1+json",
                           "manifests": found}).encode()
        self.send(200, body, content_type="application/vnd.oci.image.index.v1+json")

    def do_GET(self):
        path = self.path.split("?")[0]
        if path == "/v2/":
            return self.send(200, b"{}")
        m = TAGS.match(path)
        if m:
            with lock:
                names = sorted(t for (r, t) in tags if r == m.group("repo"))
            return self.send(200, json.dumps({"name": m.group("repo"), "tags": names}).encode())
        m = ROUTE.match(path)
        if not m:
            return self.error(404, "NAME_UNKNOWN", "no such route")
        repo, kind, ref = m.group("repo"), m.group("kind"), m.group("ref")
        if kind == "referrers":
            if repo.startswith("noreferrers/"):
                return self.error(404, "NAME_UNKNOWN", "no referrers API")
            if repo.startswith("brokenreferrers/"):
                return self.error(500, "UNKNOWN", "referrers index unavailable")
            return self.referrers(repo, ref)
        if kind == "blobs":
            with lock:
                data = blobs.get((repo, ref))
            if data is None:
                return self.error(404, "BLOB_UNKNOWN", "blob unknown to registry")
            return self.send(200, data, {"Docker-Content-Digest": ref}, "application/octet-stream")
        with lock:
            digest = ref if ref.startswith("sha256:") else tags.get((repo, ref))
            stored = manifests.get((repo, digest)) if digest else None
        if stored is None:
            return self.error(404, "MANIFEST_UNKNOWN", "manifest unknown")
        self.send(200, stored[1], {"Docker-Content-Digest": digest}, stored[0])


server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
with open(os.path.join(DIR, "port.tmp"), "w") as f:
    f.write(str(server.server_address[1]))
os.rename(os.path.join(DIR, "port.tmp"), os.path.join(DIR, "port"))
server.serve_forever()
