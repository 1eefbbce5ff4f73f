'use strict';
// Sigstore bundle interop with sigstore-js (@sigstore/verify, @sigstore/bundle), offline: a
// trusted public key, no transparency log, no timestamps, no certificates (thresholds of 0).
//
//   node sigstore_bundle.js verify PUB.pem BUNDLE.json [PUB.pem BUNDLE.json ...]
//       Prints one line per bundle: "ok FILE" or "rejected FILE: WHY". The trusted key is
//       registered under the hint hex(sha256(SPKI DER)), the keyid convention of cosign and
//       purser, so a bundle whose verificationMaterial.publicKey.hint is anything else is
//       rejected ("key not found").
//
//   node sigstore_bundle.js sign KEY.pem PAYLOAD_TYPE PAYLOAD_FILE OUT.json [KEY.pem ...]
//       Signs the DSSE pre-authentication encoding (computed by @sigstore/core) with node's
//       crypto and writes a v0.3 bundle built by @sigstore/bundle, hint as above.
//
// Exit 0 unless the arguments are unusable.

const crypto = require('crypto');
const fs = require('fs');
const { bundleFromJSON, bundleToJSON, toDSSEBundle, BUNDLE_V03_MEDIA_TYPE } = require('@sigstore/bundle');
const { dsse } = require('@sigstore/core');
const { Verifier, toSignedEntity, toTrustMaterial } = require('@sigstore/verify');

const emptyTrustedRoot = {
  mediaType: 'application/vnd.dev.sigstore.trustedroot+json;version=0.1',
  tlogs: [],
  certificateAuthorities: [],
  ctlogs: [],
  timestampAuthorities: [],
};

function hintOf(publicKey) {
  const der = publicKey.export({ type: 'spki', format: 'der' });
  return { der, hint: crypto.createHash('sha256').update(der).digest('hex') };
}

function verifyOne(pubPath, bundlePath) {
  const { der, hint } = hintOf(crypto.createPublicKey(fs.readFileSync(pubPath, 'utf8')));
  const trust = toTrustMaterial(emptyTrustedRoot, { [hint]: { rawBytes: der } });
  const verifier = new Verifier(trust, { tlogThreshold: 0, ctlogThreshold: 0, timestampThreshold: 0 });

  const bundle = bundleFromJSON(JSON.parse(fs.readFileSync(bundlePath, 'utf8')));
  // bundleFromJSON accepts any v0.x media type and ignores unknown members; be exact.
  if (bundle.mediaType !== BUNDLE_V03_MEDIA_TYPE) {
    throw new Error(`mediaType is ${JSON.stringify(bundle.mediaType)}`);
  }
  if (bundle.verificationMaterial.content.$case !== 'publicKey') {
    throw new Error(`verificationMaterial holds ${bundle.verificationMaterial.content.$case}`);
  }
  if (bundle.content.$case !== 'dsseEnvelope') {
    throw new Error(`bundle content is ${bundle.content.$case}`);
  }
  verifier.verify(toSignedEntity(bundle));
}

function signOne(keyPath, payloadType, payloadPath, outPath) {
  const key = crypto.createPrivateKey(fs.readFileSync(keyPath, 'utf8'));
  const payload = fs.readFileSync(payloadPath);
  const pae = dsse.preAuthEncoding(payloadType, payload);
  // Ed25519 takes no digest; ECDSA (DER signature) and RSA (PKCS#1 v1.5) hash with SHA-256.
  const signature = crypto.sign(key.asymmetricKeyType === 'ed25519' ? null : 'sha256', pae, key);
  const { hint } = hintOf(crypto.createPublicKey(key));
  const bundle = toDSSEBundle({ artifact: payload, artifactType: payloadType, signature, keyHint: hint });
  fs.writeFileSync(outPath, JSON.stringify(bundleToJSON(bundle)));
}

function report(file, fn) {
  try {
    fn();
    process.stdout.write(`ok ${file}\n`);
  } catch (e) {
    const code = e.code && !String(e.message).startsWith(e.code) ? `${e.code}: ` : '';
    process.stdout.write(`rejected ${file}: ${code}${e.message}\n`);
  }
}

function main([mode, ...args]) {
  if (mode === 'verify' && args.length > 0 && args.length % 2 === 0) {
    for (let i = 0; i < args.length; i += 2) report(args[i + 1], () => verifyOne(args[i], args[i + 1]));
    return 0;
  }
  if (mode === 'sign' && args.length > 0 && args.length % 4 === 0) {
    for (let i = 0; i < args.length; i += 4) {
      signOne(args[i], args[i + 1], args[i + 2], args[i + 3]);
    }
    return 0;
  }
  process.stderr.write('usage: node sigstore_bundle.js verify PUB.pem BUNDLE.json [...] | ' +
                       'sign KEY.pem PAYLOAD_TYPE PAYLOAD_FILE OUT.json [...]\n');
  return 2;
}

process.exitCode = main(process.argv.slice(2));
