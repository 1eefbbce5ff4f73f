// purser scan TARGET: inventory a source into SBOMs.

#include <unistd.h>

#include <cstdio>

#include "cmd/cli.hpp"
#include "formats/writers.hpp"
#include "lib/catalog/scan.hpp"
#include "lib/util/file.hpp"
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
};

formats::CycloneDxVersion cdx_version(const std::string& v) {
  if (v == "1.4") return formats::CycloneDxVersion::v1_4;
  if (v == "1.5") return formats::CycloneDxVersion::v1_5;
  return formats::CycloneDxVersion::v1_6;
}

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
  unsigned threads = flags.threads == 0 ? util::default_threads() : flags.threads;
  source::DirectoryOptions dir_options{flags.excludes, threads};
  auto src = source::open_source(flags.target, dir_options);
  if (!src.ok()) {
    print_error(src.error());
    return exit_code_for(src.error());
  }

  catalog::ScanOptions options;
  options.threads = threads;
  options.select = flags.catalogers;
  bool show_progress = terminal().stderr_tty && !global_flags().quiet;
  if (show_progress) {
    options.progress = [](std::size_t done, std::size_t total) {
      if (done % 64 == 0 || done == total) std::fprintf(stderr, "\rscanning: %zu/%zu files", done, total);
    };
  }
  auto doc = catalog::scan(**src, options);
  if (show_progress) std::fprintf(stderr, "\r\033[K");
  if (!doc.ok()) {
    print_error(doc.error());
    return exit_code_for(doc.error());
  }
  doc->metadata.timestamp = *timestamp;
  doc->metadata.tool_version = PURSER_VERSION;
  for (const auto& d : doc->diagnostics) print_diagnostic(d);
  print_verbose("scanned " + doc->metadata.source_target + ": " + std::to_string(doc->packages.size()) +
                " packages, " + std::to_string(doc->relationships.size()) + " relationships");
  if (flags.strict && !doc->diagnostics.empty()) {
    print_error(util::make_error(util::ErrorCode::parse, std::to_string(doc->diagnostics.size()) +
                                                             " problem(s) found and --strict is set; no output written"));
    return k_exit_operational;
  }

  for (const auto& t : *targets) {
    std::string bytes;
    if (t.format == "cyclonedx-json")
      bytes = formats::write_cyclonedx_json(*doc, cdx_version(flags.output.spec_version));
    else if (t.format == "spdx-json")
      bytes = formats::write_spdx_json(*doc);
    else
      bytes = formats::write_table(*doc, t.file == "-" && terminal().color);
    auto st = util::write_file_atomic(t.file, bytes);
    if (!st.ok()) {
      print_error(st.error());
      return exit_code_for(st.error());
    }
  }
  return k_exit_ok;
}

}  // namespace

Verb scan_verb() {
  return {"scan", "inventory a source tree into an SBOM", [](CLI::App& sub) -> std::function<int()> {
            auto flags = std::make_shared<ScanFlags>();
            sub.add_option("target", flags->target, "what to scan: dir:PATH or an existing directory")->required();
            sub.add_option("--exclude", flags->excludes, "skip paths matching GLOB (repeatable), e.g. '**/testdata/**'");
            sub.add_option("--catalogers", flags->catalogers,
                           "run only these catalogers (ids or ecosystems, comma-separated)")
                ->delimiter(',');
            sub.add_flag("--strict", flags->strict, "fail (exit 3) when any file could not be parsed");
            sub.add_option("-j,--threads", flags->threads, "worker threads (default: all cores)");
            flags->output.add(sub);
            return [flags] { return run_scan(*flags); };
          }};
}

}  // namespace purser::cmd
