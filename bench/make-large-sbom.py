#!/usr/bin/env python3
"""Writes a large, realistic-looking CycloneDX 1.6 JSON SBOM for benchmarks (never committed).

usage: make-large-sbom.py OUT.json [--components N] [--seed S]

Components spread over npm, PyPI, Maven, Go and Debian names with versions, licences, SHA-256/SHA-512 hashes and a
dependency graph of about three edges each. Deterministic for a given seed.
"""
import argparse
import hashlib
import json
import random

ECOSYSTEMS = [
    ("npm", lambda r, i: ("", f"pkg-{i}")),
    ("pypi", lambda r, i: ("", f"py-lib-{i}")),
    ("maven", lambda r, i: (f"org.example.g{i % 97}", f"artifact-{i}")),
    ("golang", lambda r, i: (f"github.com/org{i % 53}", f"mod{i}")),
    ("deb", lambda r, i: ("debian", f"libthing{i}")),
]
LICENSES = ["MIT", "Apache-2.0", "BSD-3-Clause", "ISC", "GPL-2.0-only", "MPL-2.0", "LGPL-2.1-or-later"]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--components", type=int, default=45000)
    ap.add_argument("--seed", type=int, default=1)
    a = ap.parse_args()
    r = random.Random(a.seed)
    comps, refs = [], []
    for i in range(a.components):
        eco, namer = ECOSYSTEMS[i % len(ECOSYSTEMS)]
        ns, name = namer(r, i)
        version = f"{r.randint(0, 9)}.{r.randint(0, 30)}.{r.randint(0, 99)}"
        purl = f"pkg:{eco}/{ns + '/' if ns else ''}{name}@{version}"
        digest = hashlib.sha256(purl.encode()).hexdigest()
        comp = {
            "type": "library",
            "bom-ref": purl,
            "name": name,
            "version": version,
            "purl": purl,
            "licenses": [{"license": {"id": r.choice(LICENSES)}}],
            "hashes": [
                {"alg": "SHA-256", "content": digest},
                {"alg": "SHA-512", "content": hashlib.sha512(purl.encode()).hexdigest()},
            ],
            "supplier": {"name": f"Supplier {i % 400}"},
            "description": f"Component number {i} of the benchmark SBOM, with a sentence of description.",
        }
        if ns:
            comp["group"] = ns
        comps.append(comp)
        refs.append(purl)
    deps = [{"ref": "root-app", "dependsOn": refs[: min(50, len(refs))]}]
    for i, ref in enumerate(refs):
        n = r.randint(0, 6)
        deps.append({"ref": ref, "dependsOn": sorted({refs[r.randrange(len(refs))] for _ in range(n)} - {ref})})
    doc = {
        "bomFormat": "CycloneDX",
        "specVersion": "1.6",
        "serialNumber": "urn:uuid:3e671687-395b-41f5-a30f-a58921a69b79",
        "version": 1,
        "metadata": {
            "timestamp": "2026-11-01T00:00:00Z",
            "authors": [{"name": "Benchmark Generator"}],
            "component": {"type": "application", "bom-ref": "root-app", "name": "root-app", "version": "1.0.0"},
        },
        "components": comps,
        "dependencies": deps,
    }
    with open(a.out, "w") as f:
        json.dump(doc, f, indent=2)
        f.write("\n")


if __name__ == "__main__":
    main()
