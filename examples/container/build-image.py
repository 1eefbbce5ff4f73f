#!/usr/bin/env python3
"""Builds the demo container image as an OCI image layout directory, the way `docker buildx --output type=oci`
or `skopeo copy ... oci:` would leave it, from the trees beside this script:

  layer 1  base/   a Debian-like base: os-release and a dpkg database
  layer 2  app/    installed Python and Node packages, plus two artifacts made here:
                   app/lib/commons-text-1.11.0.jar (a jar with Maven metadata, written with zipfile)
                   usr/local/bin/demo-tool (tool/ built with the Go toolchain, when `go` is installed)

Everything is deterministic apart from the Go binary: sorted entries, mtime 0, uid/gid 0, gzip without a timestamp.
Usage: build-image.py OUTDIR
"""
import gzip
import hashlib
import io
import json
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
import zipfile

HERE = os.path.dirname(os.path.abspath(__file__))


def add_tree(tar, root, prefix=""):
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames.sort()
        rel_dir = os.path.relpath(dirpath, root)
        for name in sorted(dirnames) + sorted(filenames):
            path = os.path.join(dirpath, name)
            rel = os.path.normpath(os.path.join(prefix, rel_dir, name))
            info = tar.gettarinfo(path, arcname=rel)
            info.mtime = 0
            info.uid = info.gid = 0
            info.uname = info.gname = "root"
            info.mode = 0o755 if info.isdir() or os.access(path, os.X_OK) else 0o644
            if info.isfile():
                with open(path, "rb") as f:
                    tar.addfile(info, f)
            else:
                tar.addfile(info)


def layer(*roots):
    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode="w", format=tarfile.PAX_FORMAT) as tar:
        for root in roots:
            add_tree(tar, root)
    return raw.getvalue()


def write_blob(out, data):
    digest = hashlib.sha256(data).hexdigest()
    with open(os.path.join(out, "blobs", "sha256", digest), "wb") as f:
        f.write(data)
    return "sha256:" + digest


def make_jar(path):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, text in [
            ("META-INF/MANIFEST.MF", "Manifest-Version: 1.0\r\nImplementation-Title: Apache Commons Text\r\n"
                                     "Implementation-Version: 1.11.0\r\nBundle-License: https://www.apache.org/"
                                     "licenses/LICENSE-2.0.txt\r\n\r\n"),
            ("META-INF/maven/org.apache.commons/commons-text/pom.properties",
             "artifactId=commons-text\ngroupId=org.apache.commons\nversion=1.11.0\n"),
            ("org/apache/commons/text/README.txt", "placeholder for the classes of the real jar\n"),
        ]:
            info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
            z.writestr(info, text)


def build_go(out_file):
    if shutil.which("go") is None:
        print("build-image: go not installed, the image has no Go binary", file=sys.stderr)
        return
    os.makedirs(os.path.dirname(out_file), exist_ok=True)
    with tempfile.TemporaryDirectory() as cache:
        env = dict(os.environ, GOCACHE=os.environ.get("GOCACHE", os.path.join(cache, "cache")),
                   GOPATH=os.path.join(cache, "gopath"), GOFLAGS="-mod=mod", GOPROXY="off", GOTOOLCHAIN="local",
                   CGO_ENABLED="0")
        subprocess.run(["go", "build", "-trimpath", "-o", out_file, "."], cwd=os.path.join(HERE, "tool"), env=env,
                       check=True)


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    out = sys.argv[1]
    shutil.rmtree(out, ignore_errors=True)
    os.makedirs(os.path.join(out, "blobs", "sha256"))
    with tempfile.TemporaryDirectory() as made:
        make_jar(os.path.join(made, "app", "lib", "commons-text-1.11.0.jar"))
        build_go(os.path.join(made, "usr", "local", "bin", "demo-tool"))
        tars = [(layer(os.path.join(HERE, "base")), "COPY base/ /"),
                (layer(os.path.join(HERE, "app"), made), "COPY app/ / && go build -o /usr/local/bin/demo-tool")]
    diff_ids, descriptors = [], []
    for raw, _ in tars:
        diff_ids.append("sha256:" + hashlib.sha256(raw).hexdigest())
        blob = gzip.compress(raw, mtime=0)
        descriptors.append({"mediaType": "application/vnd.oci.image.layer.v1.tar+gzip",
                            "digest": write_blob(out, blob), "size": len(blob)})
    config = json.dumps({
        "architecture": "amd64", "os": "linux",
        "config": {"Env": ["PATH=/usr/local/bin:/usr/bin:/bin"], "Cmd": ["/usr/local/bin/demo-tool"]},
        "rootfs": {"type": "layers", "diff_ids": diff_ids},
        "history": [{"created_by": created_by} for _, created_by in tars],
    }, separators=(",", ":")).encode()
    manifest = json.dumps({
        "schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
        "config": {"mediaType": "application/vnd.oci.image.config.v1+json", "digest": write_blob(out, config),
                   "size": len(config)},
        "layers": descriptors,
    }, separators=(",", ":")).encode()
    index = {"schemaVersion": 2, "manifests": [{
        "mediaType": "application/vnd.oci.image.manifest.v1+json", "digest": write_blob(out, manifest),
        "size": len(manifest), "annotations": {"org.opencontainers.image.ref.name": "example.org/demo/app:1.0"}}]}
    with open(os.path.join(out, "index.json"), "w") as f:
        json.dump(index, f)
    with open(os.path.join(out, "oci-layout"), "w") as f:
        json.dump({"imageLayoutVersion": "1.0.0"}, f)
    print(f"build-image: {out} ({len(tars)} layers)")


if __name__ == "__main__":
    main()
