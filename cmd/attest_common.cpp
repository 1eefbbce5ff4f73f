#include "cmd/attest_common.hpp"

#include <fcntl.h>
#include <termios.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <nlohmann/json.hpp>

#include "lib/source/image_ref.hpp"
#include "lib/util/file.hpp"
#include "lib/util/hash.hpp"
#include "lib/util/strings.hpp"
#include "signing/bundle.hpp"

namespace purser::cmd {

namespace {

// Reads one line from the terminal with echo off. Empty optional when there is no terminal.
util::Result<std::string> prompt_tty(const std::string& prompt) {
  int fd = ::open("/dev/tty", O_RDWR | O_CLOEXEC);
  if (fd < 0)
    return util::make_error(util::ErrorCode::usage, "no terminal to ask for a passphrase: set PURSER_PASSWORD");
  termios old{};
  bool have_termios = ::tcgetattr(fd, &old) == 0;
  if (have_termios) {
    termios quiet = old;
    quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
    ::tcsetattr(fd, TCSAFLUSH, &quiet);
  }
  (void)!::write(fd, prompt.data(), prompt.size());
  std::string line;
  char c = 0;
  while (::read(fd, &c, 1) == 1 && c != '\n') line.push_back(c);
  if (have_termios) ::tcsetattr(fd, TCSAFLUSH, &old);
  (void)!::write(fd, "\n", 1);
  ::close(fd);
  if (!line.empty() && line.back() == '\r') line.pop_back();
  return line;
}

}  // namespace

util::Result<std::string> read_passphrase(const std::string& what, bool confirm) {
  if (const char* env = std::getenv("PURSER_PASSWORD"); env != nullptr) return std::string(env);
  auto first = prompt_tty("passphrase for " + what + ": ");
  if (!first.ok() || !confirm) return first;
  auto second = prompt_tty("repeat the passphrase: ");
  if (!second.ok()) return second;
  if (*first != *second) return util::make_error(util::ErrorCode::usage, "passphrases do not match");
  return first;
}

util::Result<std::vector<signing::PrivateKey>> load_private_keys(const std::vector<std::string>& paths) {
  std::vector<signing::PrivateKey> keys;
  for (const auto& path : paths) {
    PURSER_TRY_ASSIGN(pem, util::read_file(path, 1u << 20));
    std::string passphrase;
    if (signing::PrivateKey::is_encrypted_pem(pem)) {
      PURSER_TRY_ASSIGN(p, read_passphrase(path, false));
      passphrase = std::move(p);
    }
    PURSER_TRY_ASSIGN(key, signing::PrivateKey::from_pem(pem, passphrase, path));
    keys.push_back(std::move(key));
  }
  return keys;
}

util::Result<std::vector<signing::PublicKey>> load_public_keys(const std::vector<std::string>& paths) {
  std::vector<signing::PublicKey> keys;
  for (const auto& path : paths) {
    PURSER_TRY_ASSIGN(pem, util::read_file(path, 1u << 20));
    PURSER_TRY_ASSIGN(key, signing::PublicKey::from_pem(pem, path));
    keys.push_back(std::move(key));
  }
  return keys;
}

namespace {

bool is_hex(std::string_view s) {
  for (char c : s)
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  return !s.empty();
}

util::Result<signing::Subject> file_subject(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return util::make_error(util::ErrorCode::io, "cannot read subject: no such file", {path});
  util::Digest sha256(util::DigestAlgorithm::sha256), sha512(util::DigestAlgorithm::sha512);
  std::string buffer(1 << 20, '\0');
  while (in) {
    in.read(buffer.data(), static_cast<std::streamsize>(buffer.size()));
    std::string_view chunk(buffer.data(), static_cast<std::size_t>(in.gcount()));
    sha256.update(chunk);
    sha512.update(chunk);
  }
  if (in.bad()) return util::make_error(util::ErrorCode::io, "cannot read subject", {path});
  std::string name = path;
  while (name.rfind("./", 0) == 0) name.erase(0, 2);
  return signing::Subject{name, {{"sha256", sha256.finish_hex()}, {"sha512", sha512.finish_hex()}}};
}

}  // namespace

util::Result<std::vector<signing::Subject>> resolve_subjects(const std::vector<std::string>& specs,
                                                             const std::string& image) {
  std::vector<signing::Subject> out;
  for (const auto& spec : specs) {
    if (source::is_image_target(spec)) {
      std::shared_ptr<registry::Client> client;
      if (spec.rfind("registry:", 0) == 0) {
        PURSER_TRY_ASSIGN(made, registry_client());
        client = std::move(made);
      }
      PURSER_TRY_ASSIGN(ref, source::resolve_image(spec, image, client));
      if (ref.digest_is_image_id)
        print_verbose(spec + ": a legacy docker-archive has no manifest digest; the subject is the image ID " +
                      ref.digest);
      auto colon = ref.digest.find(':');
      out.push_back({ref.name, {{ref.digest.substr(0, colon), ref.digest.substr(colon + 1)}}});
      continue;
    }
    if (spec == "-")
      return util::make_error(util::ErrorCode::usage, "a subject cannot be stdin: name a file or an image");
    // NAME@sha256:HEX names an artifact by a digest the caller already has (a registry push, a CI step).
    if (auto at = spec.rfind("@sha256:"); at != std::string::npos && at > 0) {
      std::string hex = spec.substr(at + 8);
      std::ifstream probe(spec);
      if (!probe && hex.size() == 64 && is_hex(hex)) {
        out.push_back({spec.substr(0, at), {{"sha256", hex}}});
        continue;
      }
    }
    PURSER_TRY_ASSIGN(subject, file_subject(spec));
    out.push_back(std::move(subject));
  }
  if (out.empty()) return util::make_error(util::ErrorCode::usage, "no subject: give --subject FILE or an image");
  return out;
}

std::string pretty_envelope(const signing::Envelope& envelope) {
  // Same members and order as signing::to_json, laid out for people; payload and sig stay one base64 line.
  auto quoted = [](const std::string& s) { return nlohmann::json(s).dump(); };
  std::string out = "{\n  \"payloadType\": " + quoted(envelope.payload_type) + ",\n  \"payload\": \"";
  out += util::base64_encode(envelope.payload);
  out += "\",\n  \"signatures\": [";
  for (std::size_t i = 0; i < envelope.signatures.size(); ++i) {
    const auto& s = envelope.signatures[i];
    out += (i ? ",\n    {" : "\n    {");
    out += "\"keyid\": " + quoted(s.keyid) + ", \"sig\": \"" + util::base64_encode(s.sig) + "\"}";
  }
  out += envelope.signatures.empty() ? "]\n}\n" : "\n  ]\n}\n";
  return out;
}

void AttestFlags::add(CLI::App& app, bool key_required) {
  auto* key = app.add_option("--key", keys,
                             "private key PEM to sign with (repeatable: one signature each); an encrypted key's "
                             "passphrase comes from PURSER_PASSWORD or a prompt");
  if (key_required) key->required();
  app.add_flag("--bundle", bundle, "write a Sigstore bundle v0.3 instead of a bare DSSE envelope");
  app.add_flag("--jsonl", jsonl, "write the envelope as one .intoto.jsonl line");
}

util::Result<std::string> sign_statement(const std::vector<signing::Subject>& subjects,
                                         const std::string& predicate_type, const std::string& predicate,
                                         const std::vector<signing::PrivateKey>& keys, const AttestFlags& flags) {
  if (flags.bundle && flags.jsonl)
    return util::make_error(util::ErrorCode::usage, "--bundle and --jsonl are alternatives: choose one");
  if (flags.bundle && keys.size() != 1)
    return util::make_error(util::ErrorCode::usage, "a Sigstore bundle carries one signature: give exactly one --key");
  PURSER_TRY_ASSIGN(statement, signing::make_statement(subjects, predicate_type, predicate));
  PURSER_TRY_ASSIGN(envelope,
                    signing::sign_envelope(std::string(signing::k_intoto_payload_type), std::move(statement), keys));
  if (flags.bundle) {
    PURSER_TRY_ASSIGN(bundle, signing::to_bundle_json(envelope, keys.front().public_key().keyid()));
    return bundle + "\n";
  }
  if (flags.jsonl) return signing::to_json(envelope) + "\n";
  return pretty_envelope(envelope);
}

}  // namespace purser::cmd
