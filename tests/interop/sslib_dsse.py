"""DSSE interop with securesystemslib 0.26 (Debian python3-securesystemslib).

securesystemslib 0.26 has no DSSE module, so this script builds the pre-authentication
encoding itself (DSSE protocol.md v1.0) and uses securesystemslib for key import, signing
and signature verification. Run it with /usr/bin/python3, the interpreter Debian's package
is installed for.

  sslib_dsse.py verify PUB.pem ENVELOPE.json [PUB.pem ENVELOPE.json ...]
      Prints one line per envelope: "ok FILE" when every signature verifies with PUB,
      "rejected FILE: WHY" otherwise. Exit 0 unless the arguments are unusable.

  sslib_dsse.py sign OUTDIR PAYLOAD_TYPE PAYLOAD_FILE
      Generates an ECDSA P-256, an Ed25519 and an RSA key with securesystemslib and writes
      OUTDIR/sslib-<type>.pub.pem (SPKI PEM), OUTDIR/sslib-<type>.envelope.json, an envelope
      over PAYLOAD_FILE signed by that key with securesystemslib's own keyid (a hex SHA-256 of
      its canonical-JSON key metadata), and OUTDIR/sslib-<type>.nokeyid.envelope.json, the same
      signature with an empty keyid.
"""

import base64
import binascii
import json
import os
import sys

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa
from securesystemslib import exceptions, keys
from securesystemslib.signer import Signature, SSlibKey


def pae(payload_type: bytes, payload: bytes) -> bytes:
    """DSSEv1 SP LEN(type) SP type SP LEN(body) SP body, lengths in ASCII decimal."""
    return b"DSSEv1 %d %s %d %s" % (len(payload_type), payload_type, len(payload), payload)


def import_public_pem(pem: str) -> dict:
    """A securesystemslib key dict for an SPKI PEM: ECDSA, RSA (PKCS#1 v1.5 SHA-256) or Ed25519."""
    loaded = serialization.load_pem_public_key(pem.encode())
    if isinstance(loaded, ec.EllipticCurvePublicKey):
        scheme = {"secp256r1": "ecdsa-sha2-nistp256", "secp384r1": "ecdsa-sha2-nistp384"}[loaded.curve.name]
        return keys.import_ecdsakey_from_public_pem(pem, scheme)
    if isinstance(loaded, rsa.RSAPublicKey):
        return keys.import_rsakey_from_public_pem(pem, "rsa-pkcs1v15-sha256")
    if isinstance(loaded, ed25519.Ed25519PublicKey):
        # securesystemslib keeps Ed25519 public keys as hex of the 32 raw bytes.
        raw = loaded.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
        key, _ = keys.format_metadata_to_key(
            {"keytype": "ed25519", "scheme": "ed25519", "keyval": {"public": raw.hex()}})
        return key
    raise ValueError(f"unsupported public key type {type(loaded).__name__}")


def verify_one(pub_path: str, envelope_path: str) -> str:
    with open(pub_path, encoding="utf-8") as f:
        key = SSlibKey.from_securesystemslib_key(import_public_pem(f.read()))
    with open(envelope_path, "rb") as f:
        envelope = json.loads(f.read())
    payload = base64.b64decode(envelope["payload"], validate=True)
    message = pae(envelope["payloadType"].encode("utf-8"), payload)
    if not envelope["signatures"]:
        return "no signatures"
    for i, entry in enumerate(envelope["signatures"]):
        sig = base64.b64decode(entry["sig"], validate=True)
        # The DSSE keyid is an unauthenticated hint: verify with the key we were given.
        try:
            key.verify_signature(Signature(key.keyid, binascii.hexlify(sig).decode()), message)
        except exceptions.UnverifiedSignatureError:
            return f"signature {i} does not verify"
        except exceptions.VerificationError as e:
            return f"signature {i}: {e}"
    return ""


def verify(args: list) -> int:
    if not args or len(args) % 2:
        print("usage: sslib_dsse.py verify PUB.pem ENVELOPE.json [...]", file=sys.stderr)
        return 2
    for pub_path, envelope_path in zip(args[0::2], args[1::2]):
        try:
            why = verify_one(pub_path, envelope_path)
        except (ValueError, KeyError, TypeError, binascii.Error, exceptions.Error) as e:
            why = f"{type(e).__name__}: {e}"
        print(f"ok {envelope_path}" if not why else f"rejected {envelope_path}: {why}")
    return 0


def spki_pem(key: dict) -> str:
    if key["keytype"] == "ed25519":
        raw = bytes.fromhex(key["keyval"]["public"])
        loaded = ed25519.Ed25519PublicKey.from_public_bytes(raw)
    else:
        loaded = serialization.load_pem_public_key(key["keyval"]["public"].encode())
    return loaded.public_bytes(serialization.Encoding.PEM,
                               serialization.PublicFormat.SubjectPublicKeyInfo).decode()


def sign(args: list) -> int:
    if len(args) != 3:
        print("usage: sslib_dsse.py sign OUTDIR PAYLOAD_TYPE PAYLOAD_FILE", file=sys.stderr)
        return 2
    outdir, payload_type, payload_path = args
    with open(payload_path, "rb") as f:
        payload = f.read()
    message = pae(payload_type.encode("utf-8"), payload)
    generated = {
        "ecdsa-p256": keys.generate_ecdsa_key("ecdsa-sha2-nistp256"),
        "ed25519": keys.generate_ed25519_key(),
        "rsa": keys.generate_rsa_key(bits=2048, scheme="rsa-pkcs1v15-sha256"),
    }
    for name, key in generated.items():
        signature = keys.create_signature(key, message)
        for suffix, keyid in (("", signature["keyid"]), (".nokeyid", "")):
            envelope = {
                "payloadType": payload_type,
                "payload": base64.b64encode(payload).decode(),
                "signatures": [{
                    "keyid": keyid,
                    "sig": base64.b64encode(binascii.unhexlify(signature["sig"])).decode(),
                }],
            }
            with open(os.path.join(outdir, f"sslib-{name}{suffix}.envelope.json"), "w", encoding="utf-8") as f:
                json.dump(envelope, f)
        with open(os.path.join(outdir, f"sslib-{name}.pub.pem"), "w", encoding="utf-8") as f:
            f.write(spki_pem(key))
    return 0


def main() -> int:
    if len(sys.argv) < 2 or sys.argv[1] not in ("verify", "sign"):
        print("usage: sslib_dsse.py verify|sign ...", file=sys.stderr)
        return 2
    return verify(sys.argv[2:]) if sys.argv[1] == "verify" else sign(sys.argv[2:])


if __name__ == "__main__":
    sys.exit(main())
