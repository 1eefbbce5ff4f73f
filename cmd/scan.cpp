// purser scan TARGET: inventory a source into SBOMs.

#include <cstdio>
#include <string_view>

#include "cmd/attest_common.hpp"
#include "cmd/cli.hpp"
#include "formats/writers.hpp"
#include "lib/catalog/scan.hpp"
#include "lib/source/image_ref.hpp"
#include "lib/util/parallel.hpp"

namespace purser::cmd {

namespace {

struct ScanFlags {
  std::string target;
  std::vector<std::string> excludes;
  std::vector<std::string> catalogers;
  OutputFlags output;
  bool strict = false;
  unsigned threads = 0;
  bool attest = false;
  AttestFlags attest_flags;
  std::vector<std::string> subjects;
  std::string image;
  std::string platform;
  std::string scope = "squashed";
};

int run_scan(const ScanFlags& flags) {
  auto targets = parse_outputs(flags.output);
  if (!targets.ok()) {
    print_error(targets.error());
    return exit_code_for(targets.error());
  }
  auto timestamp = document_timestamp();
  if (!timestamp.ok()) {
    print_error(timestamp.error());
    return exit_code_for(timestamp.error());
  }
  // --attest: keys and subjects are settled before the scan, so a wrong passphrase costs nothing.
  std::vector<signing::PrivateKey> keys;
  std::vector<signing::Subject> subjects;
  if (flags.attest) {
    auto fail = [](const util::Error& e) {
      print_error(e);
      return exit_code_for(e);
    };
    if (flags.attest_flags.keys.empty()) return fail(util::make_error(util::ErrorCode::usage, "--attest needs --key"));
    for (const auto& t : *targets)
      if (t.format == "table" || t.format == "spdx-tag-value" || t.format == "cyclonedx-xml")
        return fail(util::make_error(util::ErrorCode::usage,
                                     "--attest signs JSON SBOMs: " + t.format + " output cannot be attested"));
    // An image is its own subject; a directory has no digest.
    std::vector<std::string> subject_specs = flags.subjects;
    if (subject_specs.empty() && is_image(flags.target))
      subject_specs.push_back(source::is_image_target(flags.target) ? flags.target : "docker-archive:" + flags.target);
    if (subject_specs.empty())
      return fail(util::make_error(util::ErrorCode::usage,
                                   "--attest needs the artifact the SBOM describes: a directory has no digest, so name "
                                   "it with --subject FILE|IMAGE|NAME@sha256:HEX"));
    auto k = load_private_keys(flags.attest_flags.keys);
    if (!k.ok()) return fail(k.error());
    keys = std::move(*k);
    auto s = resolve_subjects(subject_specs, flags.image);
    if (!s.ok()) return fail(s.error());
    subjects = std::move(*s);
  } else if (!flags.attest_flags.keys.empty() || !flags.subjects.empty()) {
    print_error(util::make_error(util::ErrorCode::usage, "--key and --subject only make sense with --attest"));
    return k_exit_usage;
  }
  ScanSettings settings;
  settings.threads = flags.threads == 0 ? util::default_threads() : flags.threads;
  settings.excludes = flags.excludes;
  settings.catalogers = flags.catalogers;
  settings.image = flags.image;
  settings.platform = flags.platform;
  settings.all_layers = flags.scope == "all-layers";
  bool show_progress = terminal().stderr_tty && !global_flags().quiet;
  if (show_progress) {
    settings.progress = [](std::size_t done, std::size_t total) {
      if (done % 64 == 0 || done == total) std::fprintf(stderr, "\rscanning: %zu/%zu files", done, total);
    };
  }
  auto doc = scan_target(flags.target, settings);
  if (show_progress) std::fprintf(stderr, "\r\033[K");
  if (!doc.ok()) {
    print_error(doc.error());
    return exit_code_for(doc.error());
  }
  doc->metadata.timestamp = *timestamp;
  doc->metadata.tool_version = PURSER_VERSION;
  for (const auto& d : doc->diagnostics) print_diagnostic(d);
  print_verbose("scanned " + doc->metadata.source_target + ": " + std::to_string(doc->packages.size()) + " packages, " +
                std::to_string(doc->relationships.size()) + " relationships");
  if (flags.strict && !doc->diagnostics.empty()) {
    print_error(util::make_error(
        util::ErrorCode::parse,
        std::to_string(doc->diagnostics.size()) + " problem(s) found and --strict is set; no output written"));
    return k_exit_operational;
  }

  for (const auto& t : *targets) {
    util::Status st = util::Ok{};
    if (flags.attest) {
      // The statement embeds the whole SBOM, so it is rendered into memory once, then signed.
      std::string sbom;
      formats::ByteSink to_string = [&](std::string_view bytes) { sbom.append(bytes); };
      bool cdx = t.format == "cyclonedx-json";
      if (cdx)
        formats::write_cyclonedx_json(*doc, cdx_version(flags.output.spec_version), to_string);
      else
        formats::write_spdx_json(*doc, to_string);
      auto signed_bytes = sign_statement(subjects, cdx ? "https://cyclonedx.org/bom" : "https://spdx.dev/Document",
                                         sbom, keys, flags.attest_flags);
      st = signed_bytes.ok() ? write_attestation(t.file, *signed_bytes, flags.attest_flags.jsonl)
                             : util::Status(signed_bytes.error());
      if (!st.ok()) {
        print_error(st.error());
        return exit_code_for(st.error());
      }
      continue;
    }
    st = write_document(*doc, t, flags.output);
    if (!st.ok()) {
      print_error(st.error());
      return exit_code_for(st.error());
    }
  }
  return k_exit_ok;
}

}  // namespace

Verb scan_verb() {
  return {
      "scan", "inventory a source tree or a container image into an SBOM", [](CLI::App& sub) -> std::function<int()> {
        auto flags = std::make_shared<ScanFlags>();
        sub.add_option("target", flags->target,
                       "what to scan: dir:PATH, docker-archive:FILE, oci-dir:DIR, oci-archive:FILE, or a bare "
                       "directory or image archive path")
            ->required();
        sub.add_option("--image", flags->image, "images: pick NAME:TAG when the archive holds several");
        sub.add_option("--platform", flags->platform,
                       "images: os/arch[/variant] under a multi-platform index (default: the only one, else "
                       "linux/amd64)");
        sub.add_option("--scope", flags->scope,
                       "images: squashed (what the final image holds) or all-layers (also what a lower layer had "
                       "and a later one removed)")
            ->check(CLI::IsMember({"squashed", "all-layers"}));
        sub.add_option("--exclude", flags->excludes, "skip paths matching GLOB (repeatable), e.g. '**/testdata/**'");
        sub.add_option("--catalogers", flags->catalogers,
                       "run only these catalogers (ids or ecosystems, comma-separated)")
            ->delimiter(',');
        sub.add_flag("--strict", flags->strict, "fail (exit 3) when any file could not be parsed");
        sub.add_option("-j,--threads", flags->threads, "worker threads (default: all cores)");
        flags->output.add(sub);
        sub.add_flag("--attest", flags->attest,
                     "sign each SBOM output as an in-toto attestation (DSSE) about --subject");
        sub.add_option("--subject", flags->subjects,
                       "with --attest: the artifact the SBOM describes (repeatable): FILE, an image target, or "
                       "NAME@sha256:HEX");
        flags->attest_flags.add(sub, false);
        return [flags] { return run_scan(*flags); };
      }};
}

}  // namespace purser::cmd
