// purser provenance: a SLSA provenance v1 predicate for a build, filled from the CI environment, with the
// resolved dependencies taken from an SBOM; signed in the same step when --key is given.

#include <cstdio>
#include <ctime>
#include <map>

#include "cmd/attest_common.hpp"
#include "formats/reader.hpp"
#include "lib/util/file.hpp"
#include "signing/predicate.hpp"
#include "signing/provenance.hpp"

extern char** environ;

namespace purser::cmd {

namespace {

struct ProvenanceFlags {
  std::vector<std::string> subjects;
  std::string builder_id;
  std::string build_type;
  std::string materials;
  std::string invocation_id;
  std::string started_on;
  std::vector<std::string> parameters;
  std::string image;
  std::string out = "-";
  AttestFlags attest;
};

// RFC 3339 UTC ("2026-11-28T16:00:00Z") or seconds since the epoch.
util::Result<std::int64_t> parse_time(const std::string& text) {
  if (!text.empty() && text.find_first_not_of("0123456789") == std::string::npos) return std::stoll(text);
  std::tm tm{};
  const char* end = ::strptime(text.c_str(), "%Y-%m-%dT%H:%M:%SZ", &tm);
  if (end == nullptr || *end != '\0')
    return util::make_error(
        util::ErrorCode::usage,
        "invalid time: " + text + " (expected RFC 3339 UTC like 2026-11-28T16:00:00Z, or epoch seconds)");
  return static_cast<std::int64_t>(::timegm(&tm));
}

// CycloneDX hash names → in-toto DigestSet names (in-toto attestation spec, digest_set.md).
std::string digest_name(const std::string& algorithm) {
  std::string out;
  for (char c : algorithm)
    if (c != '-') out.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  return out;  // SHA-256 → sha256, SHA-512 → sha512, SHA3-256 → sha3256 is fixed below
}

int run_provenance(const ProvenanceFlags& flags) {
  auto fail = [](const util::Error& e) {
    print_error(e);
    return exit_code_for(e);
  };
  std::map<std::string, std::string> env;
  for (char** e = environ; e != nullptr && *e != nullptr; ++e) {
    std::string kv(*e);
    auto eq = kv.find('=');
    if (eq != std::string::npos) env.emplace(kv.substr(0, eq), kv.substr(eq + 1));
  }
  signing::ProvenanceInput input = signing::provenance_from_environment(env);
  if (!flags.builder_id.empty()) input.builder_id = flags.builder_id;
  if (!flags.build_type.empty()) input.build_type = flags.build_type;
  if (!flags.invocation_id.empty()) input.invocation_id = flags.invocation_id;
  for (const auto& p : flags.parameters) {
    auto eq = p.find('=');
    if (eq == std::string::npos || eq == 0)
      return fail(util::make_error(util::ErrorCode::usage, "invalid --parameter: " + p + " (expected KEY=VALUE)"));
    input.external_parameters[p.substr(0, eq)] = p.substr(eq + 1);
  }
  auto now = document_timestamp();
  if (!now.ok()) return fail(now.error());
  input.finished_on = *now;
  if (!flags.started_on.empty()) {
    auto t = parse_time(flags.started_on);
    if (!t.ok()) return fail(t.error());
    input.started_on = *t;
  }
  if (!flags.materials.empty()) {
    auto bytes = util::read_file(flags.materials);
    if (!bytes.ok()) return fail(bytes.error());
    auto sbom = formats::read_sbom(*bytes, flags.materials);
    if (!sbom.ok()) return fail(sbom.error());
    // Unpinned components (no version) are normal in an SBOM; the details only matter with -v.
    for (const auto& d : sbom->document.diagnostics) print_verbose(d.to_string());
    for (const auto& pkg : sbom->document.packages) {
      signing::ResourceDescriptor r;
      r.uri = pkg.purl;
      r.name = pkg.name;
      for (const auto& h : pkg.hashes) {
        std::string alg = digest_name(h.algorithm);
        if (alg.rfind("sha3", 0) == 0) alg = "sha3-" + alg.substr(4);
        r.digests.emplace_back(alg, h.value);
      }
      if (r.uri.empty() && !pkg.download_url.empty()) r.uri = pkg.download_url;
      input.resolved_dependencies.push_back(std::move(r));
    }
  }
  std::string predicate = signing::make_provenance(input);
  if (flags.attest.keys.empty()) {
    if (flags.attest.bundle || flags.attest.jsonl)
      return fail(util::make_error(util::ErrorCode::usage, "--bundle and --jsonl need --key"));
    auto st = util::write_file_atomic(flags.out, predicate);
    return st.ok() ? k_exit_ok : fail(st.error());
  }
  auto keys = load_private_keys(flags.attest.keys);
  if (!keys.ok()) return fail(keys.error());
  auto subjects = resolve_subjects(flags.subjects, flags.image);
  if (!subjects.ok()) return fail(subjects.error());
  auto type = signing::predicate_type_uri("slsa-provenance");
  auto out = sign_statement(*subjects, *type, predicate, *keys, flags.attest);
  if (!out.ok()) return fail(out.error());
  auto st = write_attestation(flags.out, *out, flags.attest.jsonl);
  return st.ok() ? k_exit_ok : fail(st.error());
}

}  // namespace

Verb provenance_verb() {
  return {"provenance", "write a SLSA provenance v1 predicate (signed with --key)",
          [](CLI::App& sub) -> std::function<int()> {
            auto flags = std::make_shared<ProvenanceFlags>();
            sub.add_option("--subject", flags->subjects,
                           "what was built (repeatable): FILE or an image target; needed with --key");
            sub.add_option("--builder-id", flags->builder_id, "runDetails.builder.id (default: from CI, else local)");
            sub.add_option("--build-type", flags->build_type, "buildDefinition.buildType URI (default: from CI)");
            sub.add_option("--materials", flags->materials,
                           "an SBOM whose components become resolvedDependencies (CycloneDX or SPDX JSON)");
            sub.add_option("--invocation-id", flags->invocation_id, "runDetails.metadata.invocationId");
            sub.add_option("--started-on", flags->started_on, "build start, RFC 3339 UTC or epoch seconds");
            sub.add_option("--parameter", flags->parameters, "extra externalParameters KEY=VALUE (repeatable)");
            sub.add_option("--image", flags->image, "pick one image (NAME:TAG) when an archive holds several");
            sub.add_option("--out", flags->out, "where to write ('-' = stdout, the default)");
            flags->attest.add(sub, false);
            return [flags] {
              if (!flags->attest.keys.empty() && flags->subjects.empty()) {
                print_error(util::make_error(util::ErrorCode::usage, "--key needs at least one --subject"));
                return static_cast<int>(k_exit_usage);
              }
              return run_provenance(*flags);
            };
          }};
}

}  // namespace purser::cmd
