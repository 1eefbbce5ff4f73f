#!/usr/bin/env python3
"""Writes two releases of one product as CycloneDX 1.6 JSON SBOMs, for benchmarking `purser diff` (never committed).

usage: make-sbom-pair.py OLD.json NEW.json [--components N] [--seed S]

OLD has N components (default 50,000; about 50 MB each at the default size) spread over npm, PyPI, Maven, Go, Cargo,
Debian and RPM, some names present in two versions at once, with licences, SHA-256/SHA-512 digests, suppliers,
descriptions and a dependency graph of about three edges per component. NEW is OLD after a release's worth of
changes, in realistic proportions:

  2.0 % upgraded        0.3 % downgraded        1.0 % removed        1.2 % added
  0.5 % licence changed 0.1 % same version with a different digest (the integrity alert)
  0.3 % supplier changed, and about 1 % of the edges dropped and as many new ones drawn

It prints the planted counts (the diff must find at least these; edges of added and removed components and the
edges re-drawn for them come on top). Deterministic for a given seed.
"""
import argparse
import hashlib
import json
import random

LICENSES = ["MIT", "Apache-2.0", "BSD-3-Clause", "ISC", "GPL-2.0-only", "MPL-2.0", "LGPL-2.1-or-later", "BSD-2-Clause"]
SUPPLIERS = [f"Vendor {i}" for i in range(300)]


def identity(eco, i):
    """(purl type, namespace, name) of component number i."""
    if eco == "npm":
        return ("npm", "@scope%d" % (i % 41) if i % 3 == 0 else "", f"pkg-{i}")
    if eco == "pypi":
        return ("pypi", "", f"py-lib-{i}")
    if eco == "maven":
        return ("maven", f"org.example.g{i % 97}", f"artifact-{i}")
    if eco == "golang":
        return ("golang", f"github.com/org{i % 53}", f"mod{i}")
    if eco == "cargo":
        return ("cargo", "", f"crate-{i}")
    if eco == "deb":
        return ("deb", "debian", f"libthing{i}")
    return ("rpm", "fedora", f"thing{i}")


ECOSYSTEMS = ["npm", "npm", "npm", "pypi", "maven", "golang", "cargo", "deb", "rpm"]


def version_string(eco, v):
    major, minor, patch = v
    if eco == "golang":
        return f"v{major}.{minor}.{patch}"
    if eco == "deb":
        return f"{major}.{minor}.{patch}-{1 + patch % 3}"
    if eco == "rpm":
        return f"{major}.{minor}.{patch}-{1 + patch % 4}.fc39"
    return f"{major}.{minor}.{patch}"


def purl_of(c):
    eco, ns, name = c["id"]
    ns_part = ns.replace("@", "%40") + "/" if ns else ""
    qual = "?arch=x86_64&distro=fedora-39" if eco == "rpm" else ("?arch=amd64&distro=debian-12" if eco == "deb" else "")
    return f"pkg:{eco}/{ns_part}{name}@{version_string(eco, c['v'])}{qual}"


def digest(c, salt=""):
    key = (purl_of(c) + salt).encode()
    return hashlib.sha256(key).hexdigest(), hashlib.sha512(key).hexdigest()


def to_cyclonedx(c):
    eco, ns, name = c["id"]
    purl = purl_of(c)
    sha256, sha512 = digest(c, c.get("salt", ""))
    comp = {
        "type": "library",
        "bom-ref": purl,
        "supplier": {"name": c["supplier"]},
        "name": name,
        "version": version_string(eco, c["v"]),
        "description": f"{name}: a component of the benchmark product.",
        "hashes": [{"alg": "SHA-256", "content": sha256}, {"alg": "SHA-512", "content": sha512}],
        "licenses": [{"license": {"id": c["license"]}}],
        "purl": purl,
    }
    if ns:
        comp["group"] = ns
    return comp


def write(path, comps, edges):
    refs = [purl_of(c) for c in comps]
    deps = [{"ref": "root-app", "dependsOn": sorted({refs[i] for i in range(min(60, len(refs)))})}]
    by_from = {}
    for a, b in edges:
        by_from.setdefault(a, set()).add(b)
    for i, ref in enumerate(refs):
        deps.append({"ref": ref, "dependsOn": sorted(refs[j] for j in by_from.get(i, ()))})
    doc = {
        "bomFormat": "CycloneDX",
        "specVersion": "1.6",
        "serialNumber": "urn:uuid:3e671687-395b-41f5-a30f-" + hashlib.sha256(path.encode()).hexdigest()[:12],
        "version": 1,
        "metadata": {
            "timestamp": "2026-11-01T00:00:00Z",
            "authors": [{"name": "Benchmark Generator"}],
            "component": {"type": "application", "bom-ref": "root-app", "name": "root-app", "version": "1.0.0"},
        },
        "components": [to_cyclonedx(c) for c in comps],
        "dependencies": deps,
    }
    with open(path, "w") as f:
        json.dump(doc, f, indent=2)
        f.write("\n")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("old")
    ap.add_argument("new")
    ap.add_argument("--components", type=int, default=50000)
    ap.add_argument("--seed", type=int, default=1)
    a = ap.parse_args()
    r = random.Random(a.seed)
    n = a.components

    old = []
    for i in range(n):
        eco = ECOSYSTEMS[i % len(ECOSYSTEMS)]
        c = {"id": identity(eco, i), "v": (r.randint(0, 9), r.randint(0, 30), r.randint(0, 40)),
             "license": r.choice(LICENSES), "supplier": r.choice(SUPPLIERS)}
        old.append(c)
        # About 2 % of names are present in two major versions at once (npm's nested node_modules).
        if r.random() < 0.02 and len(old) < n:
            twin = dict(c)
            twin["v"] = (c["v"][0] + 1, r.randint(0, 30), r.randint(0, 40))
            old.append(twin)
    old = old[:n]
    edges = set()
    for i in range(len(old)):
        for _ in range(r.randint(1, 5)):
            j = r.randrange(len(old))
            if j != i:
                edges.add((i, j))

    planted = {"upgraded": 0, "downgraded": 0, "removed": 0, "added": 0, "license": 0, "hash": 0, "supplier": 0,
               "edge-removed": 0, "edge-added": 0}
    new = []
    index = {}  # old position -> new position
    for i, c in enumerate(old):
        x = r.random()
        if x < 0.010:
            planted["removed"] += 1
            continue
        c = dict(c)
        if x < 0.030:
            major, minor, patch = c["v"]
            c["v"] = (major, minor, patch + 1 + r.randint(0, 5)) if r.random() < 0.7 else (major, minor + 1, 0)
            planted["upgraded"] += 1
        elif x < 0.033:
            major, minor, patch = c["v"]
            if patch > 0:
                c["v"] = (major, minor, patch - 1)
            elif minor > 0:
                c["v"] = (major, minor - 1, 99)
            elif major > 0:
                c["v"] = (major - 1, 99, 99)
            if c["v"] != old[i]["v"]:
                planted["downgraded"] += 1
        elif x < 0.034:
            c["salt"] = "rebuilt"
            planted["hash"] += 1
        if r.random() < 0.005:
            c["license"] = r.choice([l for l in LICENSES if l != c["license"]])
            planted["license"] += 1
        if r.random() < 0.003:
            c["supplier"] = r.choice([s for s in SUPPLIERS if s != c["supplier"]])
            planted["supplier"] += 1
        index[i] = len(new)
        new.append(c)
    for k in range(int(n * 0.012)):
        eco = ECOSYSTEMS[k % len(ECOSYSTEMS)]
        new.append({"id": identity(eco, n + k), "v": (r.randint(0, 9), r.randint(0, 30), r.randint(0, 40)),
                    "license": r.choice(LICENSES), "supplier": r.choice(SUPPLIERS)})
        planted["added"] += 1

    new_edges = set()
    for a_, b_ in edges:
        if a_ in index and b_ in index:
            if r.random() < 0.01:
                planted["edge-removed"] += 1
                continue
            new_edges.add((index[a_], index[b_]))
    for _ in range(planted["edge-removed"]):
        e = (r.randrange(len(new)), r.randrange(len(new)))
        if e[0] != e[1] and e not in new_edges:
            new_edges.add(e)
            planted["edge-added"] += 1
    for k in range(len(new) - planted["added"], len(new)):  # added components get a parent and a dependency
        new_edges.add((r.randrange(len(new) - planted["added"]), k))
        new_edges.add((k, r.randrange(len(new))))

    write(a.old, old, edges)
    write(a.new, new, new_edges)
    print(json.dumps(planted))


if __name__ == "__main__":
    main()
