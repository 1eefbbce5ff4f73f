// purser validate FILE...: check SBOMs against their official schemas and rules.

#include <cstdio>

#include "cmd/cli.hpp"
#include "formats/validate.hpp"
#include "lib/util/file.hpp"

namespace purser::cmd {

namespace {

struct ValidateFlags {
  std::vector<std::string> files;
};

int run_validate(const ValidateFlags& flags) {
  int rc = k_exit_ok;
  for (const auto& file : flags.files) {
    auto bytes = util::read_file(file);
    if (!bytes.ok()) {
      print_error(bytes.error());
      rc = k_exit_operational;
      continue;
    }
    std::string shown = file == "-" ? "<stdin>" : file;
    auto report = formats::validate_sbom(*bytes, shown);
    if (!report.ok()) {
      std::printf("%s: invalid: %s\n", shown.c_str(), report.error().message.c_str());
      if (rc == k_exit_ok) rc = k_exit_findings;
      continue;
    }
    if (report->ok()) {
      if (!global_flags().quiet) std::printf("%s: valid %s\n", shown.c_str(), report->format.c_str());
      continue;
    }
    std::printf("%s: invalid %s: %zu problem(s)\n", shown.c_str(), report->format.c_str(), report->violations.size());
    for (const auto& v : report->violations)
      if (v.line > 0)  // XML and tag-value: where it is, as diagnostics say it ("path:line: ...")
        std::printf("  %s:%llu: %s: %s\n", shown.c_str(), static_cast<unsigned long long>(v.line),
                    v.pointer.empty() ? "/" : v.pointer.c_str(), v.message.c_str());
      else
        std::printf("  %s: %s\n", v.pointer.empty() ? "/" : v.pointer.c_str(), v.message.c_str());
    if (rc == k_exit_ok) rc = k_exit_findings;
  }
  std::fflush(stdout);
  return rc;
}

}  // namespace

Verb validate_verb() {
  return {"validate", "check CycloneDX JSON 1.4-1.6 and XML 1.2-1.6, SPDX 2.3 JSON and tag-value documents",
          [](CLI::App& sub) -> std::function<int()> {
            auto flags = std::make_shared<ValidateFlags>();
            sub.add_option("files", flags->files, "SBOM files ('-' = stdin)")->required();
            return [flags] { return run_validate(*flags); };
          }};
}

}  // namespace purser::cmd
