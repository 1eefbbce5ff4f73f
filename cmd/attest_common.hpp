#pragma once
// Shared by keygen, attest, scan --attest, provenance and verify: key loading (passphrases come from
// PURSER_PASSWORD or the terminal, read here in cmd/ only), subjects, and writing attestations.

#include <string>
#include <vector>

#include "cmd/cli.hpp"
#include "signing/dsse.hpp"
#include "signing/intoto.hpp"
#include "signing/keys.hpp"

namespace purser::cmd {

/// The passphrase for an encrypted key: PURSER_PASSWORD when set, else a prompt on the controlling
/// terminal (echo off). `confirm` asks twice (keygen). ErrorCode::usage when neither is available.
util::Result<std::string> read_passphrase(const std::string& what, bool confirm);

/// Loads private keys from PEM files, asking for a passphrase only for encrypted ones.
util::Result<std::vector<signing::PrivateKey>> load_private_keys(const std::vector<std::string>& paths);

/// Loads trusted public keys from PEM files (SPKI, PKCS#1, or an unencrypted private key).
util::Result<std::vector<signing::PublicKey>> load_public_keys(const std::vector<std::string>& paths);

/// Resolves subjects: a file (sha256 + sha512, streamed; named by its path as given), an image target
/// (docker-archive:, oci-dir:, oci-archive: → manifest digest, named as the image), or a literal
/// NAME@sha256:HEX. `image` picks one image in a multi-image archive.
util::Result<std::vector<signing::Subject>> resolve_subjects(const std::vector<std::string>& specs,
                                                             const std::string& image);

/// The envelope as indented JSON (same members as signing::to_json), with a final newline.
std::string pretty_envelope(const signing::Envelope& envelope);

/// `--key`, `--bundle`, `--jsonl` and `--out`: how an attestation is signed and written.
struct AttestFlags {
  std::vector<std::string> keys;
  bool bundle = false;
  bool jsonl = false;
  void add(CLI::App& app, bool key_required);
};

/// Builds the statement, signs it with every key and renders the envelope (or bundle, or jsonl line),
/// with a final newline. ErrorCode::usage for --bundle with several keys.
util::Result<std::string> sign_statement(const std::vector<signing::Subject>& subjects,
                                         const std::string& predicate_type, const std::string& predicate,
                                         const std::vector<signing::PrivateKey>& keys, const AttestFlags& flags);

/// Writes an attestation to `path` ("-" = stdout). With `append` (--jsonl) the line is appended to an
/// existing .intoto.jsonl file; otherwise the file is replaced atomically.
util::Status write_attestation(const std::string& path, const std::string& bytes, bool append);

}  // namespace purser::cmd
