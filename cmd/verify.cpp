// purser verify: check attestations (DSSE envelopes, Sigstore bundles, .intoto.jsonl files) against trusted
// keys, the expected predicate type, the artifact it must be about, and a policy.

#include <cstdio>
#include <nlohmann/json.hpp>

#include "cmd/attest_common.hpp"
#include "cmd/verify_policy.hpp"
#include "lib/registry/attachments.hpp"
#include "lib/registry/client.hpp"
#include "lib/source/image_ref.hpp"
#include "lib/util/file.hpp"
#include "signing/bundle.hpp"
#include "signing/predicate.hpp"

namespace purser::cmd {

namespace {

struct VerifyFlags {
  std::vector<std::string> attestations;
  std::vector<std::string> keys;
  unsigned threshold = 1;
  std::string type;
  std::string artifact;
  std::string image;
  std::string policy;
  std::string output = "text";
};

enum class Verdict { pass, fail, skip };

struct Check {
  std::string name;
  Verdict verdict = Verdict::skip;
  std::string detail;
};

// The verdict for one envelope: every check in order; later checks are skipped after a failure that makes
// them meaningless (an unsigned payload is never parsed as a statement).
struct EnvelopeReport {
  std::vector<Check> checks;
  std::string predicate_type;
  std::string predicate;
  bool ok() const {
    for (const auto& c : checks)
      if (c.verdict == Verdict::fail) return false;
    return true;
  }
};

const char* verdict_word(Verdict v) { return v == Verdict::pass ? "PASS" : v == Verdict::fail ? "FAIL" : "SKIP"; }

// Digests an --artifact: a file (sha256, sha512) or an image target (its manifest digest).
util::Result<std::vector<std::pair<std::string, std::string>>> artifact_digests(const VerifyFlags& flags) {
  PURSER_TRY_ASSIGN(subjects, resolve_subjects({flags.artifact}, flags.image));
  return subjects.front().digests;
}

// The attestations attached to a registry image, and the digest they must name: the manifest or index the reference
// resolves to (what `attest --subject registry:REF` signs). Under an index, what is attached to the platform
// manifest and BuildKit's attestation manifests are found too.
struct RegistryAttestations {
  std::string digest;
  std::vector<std::pair<std::string, std::string>> subject;
  std::vector<registry::Attachment> attachments;
};

util::Result<RegistryAttestations> registry_attestations(const std::string& target, const std::string& image) {
  PURSER_TRY_ASSIGN(client, registry_client());
  PURSER_TRY_ASSIGN(ref, registry::parse_reference(std::string_view(target).substr(9)));
  PURSER_TRY_ASSIGN(resolved, source::resolve_image_manifest(target, image, "", client));
  RegistryAttestations out;
  out.digest = resolved.info.ref.digest;
  auto colon = out.digest.find(':');
  out.subject = {{out.digest.substr(0, colon), out.digest.substr(colon + 1)}};
  registry::Reference at = ref;
  at.tag.clear();
  at.digest = out.digest;
  PURSER_TRY_ASSIGN(top, registry::find_attachments(*client, at));
  out.attachments = std::move(top);
  const std::string& platform = resolved.info.manifest_digest;
  if (!platform.empty() && platform != out.digest) {
    at.digest = platform;
    PURSER_TRY_ASSIGN(more, registry::find_attachments(*client, at, out.digest));
    for (auto& a : more) out.attachments.push_back(std::move(a));
  }
  return out;
}

// A subject matches when it shares at least one algorithm with the artifact and every shared one agrees.
bool subject_matches(const signing::Subject& subject, const std::vector<std::pair<std::string, std::string>>& want) {
  bool shared = false;
  for (const auto& [alg, hex] : want)
    for (const auto& [salg, shex] : subject.digests)
      if (alg == salg) {
        if (hex != shex) return false;
        shared = true;
      }
  return shared;
}

EnvelopeReport check_envelope(const signing::Envelope& envelope, const std::vector<signing::PublicKey>& keys,
                              const VerifyFlags& flags, const std::string& want_type,
                              const std::vector<std::pair<std::string, std::string>>* artifact,
                              const std::string& shown) {
  EnvelopeReport r;
  // 1. Signatures: at least --threshold distinct trusted keys (DSSE protocol.md: verify over PAE).
  auto sig = signing::verify_envelope(envelope, keys);
  Check s{"signatures", Verdict::pass, ""};
  std::string signers, why;
  for (const auto& c : sig.signatures) {
    if (c.verified)
      signers += (signers.empty() ? "" : ", ") + c.trusted_keyid.substr(0, 12);
    else if (why.empty())
      why = c.reason;
  }
  if (sig.distinct_keys >= flags.threshold && flags.threshold > 0) {
    s.detail = std::to_string(sig.distinct_keys) + " trusted key(s) signed, threshold " +
               std::to_string(flags.threshold) + " (" + signers + ")";
  } else {
    s.verdict = Verdict::fail;
    s.detail = std::to_string(sig.distinct_keys) + " of " + std::to_string(envelope.signatures.size()) +
               " signature(s) verified by a trusted key, threshold " + std::to_string(flags.threshold);
    if (envelope.signatures.empty()) s.detail = "the envelope has no signatures";
    if (!why.empty()) s.detail += ": " + why;
  }
  r.checks.push_back(s);
  bool signed_ok = s.verdict == Verdict::pass;

  // 2. Payload type: in-toto statements only.
  Check p{"payload type", Verdict::skip, envelope.payload_type};
  if (signed_ok) {
    p.verdict = envelope.payload_type == signing::k_intoto_payload_type ? Verdict::pass : Verdict::fail;
    if (p.verdict == Verdict::fail)
      p.detail = "expected " + std::string(signing::k_intoto_payload_type) + ", got " + envelope.payload_type;
  }
  r.checks.push_back(p);

  // 3. Statement structure; 4. predicate type; 5. subject. Only a signed in-toto payload is parsed.
  Check st{"statement", Verdict::skip, "not checked: the payload is not trusted"};
  Check pt{"predicate type", Verdict::skip, ""};
  Check su{"artifact", Verdict::skip, artifact ? "" : "no --artifact given"};
  if (signed_ok && p.verdict == Verdict::pass) {
    auto statement = signing::parse_statement(envelope.payload, shown);
    if (!statement.ok()) {
      st.verdict = Verdict::fail;
      st.detail = statement.error().message;
    } else {
      st.verdict = Verdict::pass;
      st.detail = "in-toto Statement v1, " + std::to_string(statement->subjects.size()) + " subject(s)";
      r.predicate_type = statement->predicate_type;
      r.predicate = std::move(statement->predicate_json);
      pt.detail = statement->predicate_type;
      if (want_type.empty()) {
        pt.verdict = Verdict::pass;
      } else if (statement->predicate_type == want_type) {
        pt.verdict = Verdict::pass;
      } else {
        pt.verdict = Verdict::fail;
        pt.detail = "expected " + want_type + ", got " + statement->predicate_type;
      }
      if (artifact) {
        su.verdict = Verdict::fail;
        for (const auto& subject : statement->subjects)
          if (subject_matches(subject, *artifact)) {
            su.verdict = Verdict::pass;
            su.detail = "\"" + subject.name + "\" " + artifact->front().first + ":" + artifact->front().second;
            break;
          }
        if (su.verdict == Verdict::fail)
          su.detail = flags.artifact + " (" + artifact->front().first + ":" + artifact->front().second +
                      ") is not a subject of the statement";
      }
    }
  }
  r.checks.push_back(st);
  r.checks.push_back(pt);
  r.checks.push_back(su);
  return r;
}

int run_verify(const VerifyFlags& flags) {
  auto fail = [](const util::Error& e) {
    print_error(e);
    return exit_code_for(e);
  };
  if (flags.output != "text" && flags.output != "json")
    return fail(util::make_error(util::ErrorCode::usage, "unknown --output: " + flags.output + " (text or json)"));
  if (flags.threshold == 0) return fail(util::make_error(util::ErrorCode::usage, "--threshold must be at least 1"));
  if (flags.threshold > flags.keys.size())
    return fail(util::make_error(util::ErrorCode::usage,
                                 "--threshold " + std::to_string(flags.threshold) + " needs at least that many --key"));
  std::string want_type;
  if (!flags.type.empty()) {
    auto t = signing::predicate_type_uri(flags.type);
    if (!t.ok()) return fail(t.error());
    want_type = *t;
  }
  auto keys = load_public_keys(flags.keys);
  if (!keys.ok()) return fail(keys.error());
  std::optional<policy::Policy> rules;
  if (!flags.policy.empty()) {
    auto loaded = load_policy_file(flags.policy);
    if (!loaded.ok()) return fail(loaded.error());
    rules.emplace(std::move(*loaded));
  }
  std::vector<std::pair<std::string, std::string>> digests;
  if (!flags.artifact.empty()) {
    auto d = artifact_digests(flags);
    if (!d.ok()) return fail(d.error());
    digests = std::move(*d);
  }
  // Every file is read and parsed before anything is printed: a malformed file is an operational error (exit 3).
  struct FileReport {
    std::string shown;
    signing::AttestationFormat format = signing::AttestationFormat::envelope;
    std::vector<EnvelopeReport> envelopes;
  };
  std::vector<FileReport> files;
  std::vector<policy::Attestation> verified;
  // Inputs: files, and the attestations attached to registry: images (each attachment is one input).
  struct Input {
    std::string shown, bytes;
    bool unsigned_statement = false;  // a BuildKit attestation manifest's bare in-toto statement
  };
  std::vector<Input> inputs;
  for (const auto& path : flags.attestations) {
    if (path.rfind("registry:", 0) != 0) {
      std::string shown = path == "-" ? "<stdin>" : path;
      auto bytes = util::read_file(path);
      if (!bytes.ok()) return fail(bytes.error());
      inputs.push_back({shown, std::move(*bytes)});
      continue;
    }
    auto found = registry_attestations(path, flags.image);
    if (!found.ok()) return fail(found.error());
    if (digests.empty()) digests = std::move(found->subject);  // the image itself is the artifact
    if (found->attachments.empty())
      return fail(util::make_error(util::ErrorCode::verify,
                                   "no attestations attached to " + path.substr(9) + " (" + found->digest + ")"));
    for (auto& a : found->attachments)
      inputs.push_back(
          {path.substr(9) + " " + a.where, std::move(a.bytes), a.kind == registry::AttachmentKind::buildkit});
  }
  const bool have_artifact = !digests.empty();
  for (auto& input : inputs) {
    const std::string& shown = input.shown;
    std::string* bytes = &input.bytes;
    if (input.unsigned_statement) {
      // BuildKit stores bare statements: nothing vouches for them, so they are listed and never trusted.
      EnvelopeReport r;
      r.checks.push_back(
          {"signatures", Verdict::fail, "an unsigned in-toto statement (BuildKit attestation manifest)"});
      files.push_back({shown, signing::AttestationFormat::envelope, {std::move(r)}});
      continue;
    }
    auto file = signing::read_attestations(*bytes, shown);
    if (!file.ok()) return fail(file.error());
    bytes->clear();
    bytes->shrink_to_fit();
    FileReport report{shown, file->format, {}};
    for (std::size_t i = 0; i < file->envelopes.size(); ++i) {
      report.envelopes.push_back(
          check_envelope(file->envelopes[i], *keys, flags, want_type, have_artifact ? &digests : nullptr, shown));
      auto& r = report.envelopes.back();
      std::string name = file->envelopes.size() > 1 ? shown + "#" + std::to_string(i + 1) : shown;
      // Only what a trusted signature covered reaches the policy.
      if (r.ok()) verified.push_back({name, r.predicate_type, std::move(r.predicate)});
    }
    files.push_back(std::move(report));
  }
  std::optional<policy::PolicyReport> outcome;
  std::size_t verified_count = verified.size();
  if (rules) outcome = evaluate_policy_now(*rules, std::move(verified));
  bool ok = verified_count != 0 && (!outcome || outcome->passed());

  auto kind = [](signing::AttestationFormat f) {
    return f == signing::AttestationFormat::bundle  ? "bundle"
           : f == signing::AttestationFormat::jsonl ? "jsonl"
                                                    : "envelope";
  };
  if (flags.output == "json") {
    nlohmann::json j;
    j["verified"] = ok;
    j["files"] = nlohmann::json::array();
    for (const auto& f : files) {
      nlohmann::json jf;
      jf["file"] = f.shown;
      jf["format"] = kind(f.format);
      jf["envelopes"] = nlohmann::json::array();
      for (const auto& r : f.envelopes) {
        nlohmann::json e;
        e["verified"] = r.ok();
        e["predicateType"] = r.predicate_type;
        e["checks"] = nlohmann::json::array();
        for (const auto& c : r.checks)
          e["checks"].push_back({{"check", c.name},
                                 {"verdict", c.verdict == Verdict::pass   ? "pass"
                                             : c.verdict == Verdict::fail ? "fail"
                                                                          : "skip"},
                                 {"detail", c.detail}});
        jf["envelopes"].push_back(std::move(e));
      }
      j["files"].push_back(std::move(jf));
    }
    if (outcome) j["policy"] = nlohmann::json::parse(outcome->to_json());
    std::string text = j.dump(2) + "\n";
    std::fwrite(text.data(), 1, text.size(), stdout);
  } else {
    bool color = terminal().color;
    auto paint = [&](Verdict v) {
      if (!color) return std::string(verdict_word(v));
      const char* c = v == Verdict::pass ? "\033[32m" : v == Verdict::fail ? "\033[31m" : "\033[2m";
      return std::string(c) + verdict_word(v) + "\033[0m";
    };
    for (const auto& f : files) {
      if (f.format == signing::AttestationFormat::jsonl)
        std::printf("%s: %zu envelope(s) in JSON lines\n", f.shown.c_str(), f.envelopes.size());
      else
        std::printf("%s: %s\n", f.shown.c_str(),
                    f.format == signing::AttestationFormat::bundle ? "Sigstore bundle" : "DSSE envelope");
      for (std::size_t i = 0; i < f.envelopes.size(); ++i) {
        if (f.envelopes.size() > 1) std::printf("envelope %zu:\n", i + 1);
        for (const auto& c : f.envelopes[i].checks)
          std::printf("  %s  %-15s %s\n", paint(c.verdict).c_str(), c.name.c_str(), c.detail.c_str());
      }
    }
    if (outcome) std::fputs(outcome->to_text(color).c_str(), stdout);
    if (ok)
      std::printf("verified: %zu attestation(s)%s\n", verified_count, outcome ? " and the policy" : "");
    else if (verified_count == 0)
      std::printf("not verified: no attestation passed every check\n");
    else
      std::printf("not verified: the policy failed\n");
  }
  std::fflush(stdout);
  return ok ? k_exit_ok : k_exit_findings;
}

}  // namespace

int verify_registry_image(const std::string& target, const std::vector<std::string>& keys, const std::string& type,
                          const std::string& policy, unsigned threshold, const std::string& image) {
  VerifyFlags flags;
  flags.attestations = {target};
  flags.keys = keys;
  flags.type = type;
  flags.policy = policy;
  flags.threshold = threshold;
  flags.image = image;
  return run_verify(flags);
}

Verb verify_verb() {
  return {"verify", "verify an attestation's signatures, subject, predicate type and policy",
          [](CLI::App& sub) -> std::function<int()> {
            auto flags = std::make_shared<VerifyFlags>();
            sub.add_option("attestations", flags->attestations,
                           "DSSE envelopes, Sigstore bundles or .intoto.jsonl files ('-' = stdin), or registry:REF "
                           "for the attestations attached to that image (which is then the artifact); the policy "
                           "sees every attestation that passes")
                ->required();
            sub.add_option("--key", flags->keys, "trusted public key PEM (repeatable)")->required();
            sub.add_option("--threshold", flags->threshold, "distinct trusted keys that must have signed (default 1)");
            sub.add_option("--type", flags->type,
                           "required predicate type: cyclonedx, spdx, slsa-provenance, openvex, or a URI");
            sub.add_option(
                "--artifact", flags->artifact,
                "the artifact that must be a subject: FILE, docker-archive:FILE, oci-dir:DIR, oci-archive:FILE");
            sub.add_option("--image", flags->image, "pick one image (NAME:TAG) when an archive holds several");
            sub.add_option("--policy", flags->policy, "policy YAML to apply to the verified attestations");
            sub.add_option("--output", flags->output, "text (default) or json");
            return [flags] { return run_verify(*flags); };
          }};
}

}  // namespace purser::cmd
