#include "cmd/cli.hpp"

#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>

namespace purser::cmd {

int exit_code_for(const util::Error& error) {
  switch (error.code) {
    case util::ErrorCode::usage:
      return k_exit_usage;
    case util::ErrorCode::verify:
      return k_exit_findings;
    case util::ErrorCode::io:
    case util::ErrorCode::parse:
    case util::ErrorCode::unsupported:
    case util::ErrorCode::internal:
      return k_exit_operational;
  }
  return k_exit_operational;
}

GlobalFlags& global_flags() {
  static GlobalFlags flags;
  return flags;
}

static Terminal g_terminal;

const Terminal& terminal() { return g_terminal; }

void init_terminal() {
  g_terminal.stdout_tty = ::isatty(1) == 1;
  g_terminal.stderr_tty = ::isatty(2) == 1;
  const char* no_color = std::getenv("NO_COLOR");
  bool allow = no_color == nullptr || *no_color == '\0';
  const char* term = std::getenv("TERM");
  if (term != nullptr && std::string(term) == "dumb") allow = false;
  g_terminal.color = allow && g_terminal.stdout_tty;
  g_terminal.stderr_color = allow && g_terminal.stderr_tty;
}

void print_error(const util::Error& error) {
  const char* red = g_terminal.stderr_color ? "\033[31m" : "";
  const char* reset = g_terminal.stderr_color ? "\033[0m" : "";
  std::fprintf(stderr, "%spurser: error:%s %s\n", red, reset, error.to_string().c_str());
}

void print_diagnostic(const util::Diagnostic& d) {
  if (global_flags().quiet) return;
  const char* color = g_terminal.stderr_color ? (d.severity == util::Severity::error ? "\033[31m" : "\033[33m") : "";
  const char* reset = g_terminal.stderr_color ? "\033[0m" : "";
  std::fprintf(stderr, "%s%s:%s %s\n", color, d.severity == util::Severity::error ? "error" : "warning", reset,
               d.to_string().c_str());
}

void print_verbose(const std::string& line) {
  if (global_flags().verbose && !global_flags().quiet) std::fprintf(stderr, "%s\n", line.c_str());
}

void OutputFlags::add(CLI::App& app) {
  app.add_option(
      "-o,--output", outputs,
      "output FORMAT[=FILE], repeatable; formats: cyclonedx-json, spdx-json, table; FILE '-' or none = stdout");
  app.add_option("--spec-version", spec_version, "CycloneDX spec version: 1.6 (default), 1.5, 1.4")
      ->check(CLI::IsMember({"1.4", "1.5", "1.6"}));
}

util::Result<std::vector<OutputTarget>> parse_outputs(const OutputFlags& flags) {
  std::vector<OutputTarget> out;
  for (const auto& spec : flags.outputs) {
    OutputTarget t;
    auto eq = spec.find('=');
    t.format = spec.substr(0, eq);
    t.file = eq == std::string::npos ? "-" : spec.substr(eq + 1);
    if (t.file.empty()) t.file = "-";
    if (t.format == "cyclonedx" || t.format == "cdx" || t.format == "cdx-json") t.format = "cyclonedx-json";
    if (t.format == "spdx") t.format = "spdx-json";
    if (t.format != "cyclonedx-json" && t.format != "spdx-json" && t.format != "table")
      return util::make_error(util::ErrorCode::usage,
                              "unknown output format: " + t.format + " (expected cyclonedx-json, spdx-json or table)");
    out.push_back(std::move(t));
  }
  if (out.empty()) out.push_back({terminal().stdout_tty ? "table" : "cyclonedx-json", "-"});
  int to_stdout = 0;
  for (const auto& t : out) to_stdout += t.file == "-";
  if (to_stdout > 1)
    return util::make_error(util::ErrorCode::usage, "more than one output writes to stdout: give all but one a FILE");
  return out;
}

util::Result<std::int64_t> document_timestamp() {
  const char* sde = std::getenv("SOURCE_DATE_EPOCH");
  if (sde != nullptr && *sde != '\0') {
    char* end = nullptr;
    long long v = std::strtoll(sde, &end, 10);
    if (end == nullptr || *end != '\0' || v < 0)
      return util::make_error(util::ErrorCode::usage,
                              std::string("invalid SOURCE_DATE_EPOCH: expected seconds since the epoch, got ") + sde);
    return static_cast<std::int64_t>(v);
  }
  return static_cast<std::int64_t>(
      std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count());
}

}  // namespace purser::cmd
