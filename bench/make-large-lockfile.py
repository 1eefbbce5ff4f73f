#!/usr/bin/env python3
"""Writes a synthetic npm package-lock.json (lockfileVersion 3) of roughly SIZE_MB megabytes,
for measuring purser's memory on huge lockfiles. Usage: make-large-lockfile.py OUTDIR [SIZE_MB]"""
import base64, hashlib, json, os, sys

out = sys.argv[1]
size_mb = int(sys.argv[2]) if len(sys.argv) > 2 else 200
os.makedirs(out, exist_ok=True)
packages = {"": {"name": "huge", "version": "1.0.0", "dependencies": {}}}
approx = 0
i = 0
while approx < size_mb * 1024 * 1024:
    name = f"pkg-{i}"
    integrity = "sha512-" + base64.b64encode(hashlib.sha512(name.encode()).digest()).decode()
    deps = {f"pkg-{j}": "^1.0.0" for j in range(max(0, i - 3), i)}
    entry = {"version": f"1.{i % 50}.{i % 7}", "resolved": f"https://registry.npm.example/{name}/-/{name}-1.0.0.tgz",
             "integrity": integrity, "license": "MIT", "dependencies": deps,
             "engines": {"node": ">=14"}, "funding": {"url": "https://example.com/funding"}}
    packages[f"node_modules/{name}"] = entry
    if i < 1000:
        packages[""]["dependencies"][name] = "^1.0.0"
    approx += 420 + 40 * len(deps)
    i += 1
with open(os.path.join(out, "package-lock.json"), "w") as f:
    json.dump({"name": "huge", "version": "1.0.0", "lockfileVersion": 3, "requires": True, "packages": packages}, f, indent=2)
print(f"{i} packages", file=sys.stderr)
