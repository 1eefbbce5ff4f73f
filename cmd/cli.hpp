#pragma once
// Shared CLI plumbing for cmd/: the verb table entry, the exit-code table, the
// global flags and the reusable flag groups (STYLE 4). Only cmd/ includes CLI11.

#include <CLI/CLI.hpp>

#include <functional>
#include <string>
#include <vector>

#include "lib/util/result.hpp"

namespace purser::cmd {

/// The one exit-code table (documented in README.md).
enum ExitCode : int {
  k_exit_ok = 0,           ///< success
  k_exit_findings = 1,     ///< findings: invalid document, verification or policy failure
  k_exit_usage = 2,        ///< bad arguments
  k_exit_operational = 3,  ///< I/O, parse failure under --strict, network
};

/// Maps an error to its exit code.
int exit_code_for(const util::Error& error);

/// Flags every verb shares.
struct GlobalFlags {
  bool quiet = false;
  bool verbose = false;
};
GlobalFlags& global_flags();

/// Terminal facts, read once in main (only cmd/ reads the environment).
struct Terminal {
  bool stdout_tty = false;
  bool stderr_tty = false;
  bool color = false;  ///< stdout colour: a TTY and NO_COLOR unset
  bool stderr_color = false;
};
const Terminal& terminal();
void init_terminal();

/// Prints "purser: <message>" (with location) to stderr.
void print_error(const util::Error& error);
/// Prints a diagnostic line to stderr unless --quiet.
void print_diagnostic(const util::Diagnostic& diagnostic);
/// Prints an informational line to stderr when --verbose.
void print_verbose(const std::string& line);

/// A verb: registers its flags on `sub` and returns the function that runs it.
struct Verb {
  const char* name;
  const char* help;
  std::function<std::function<int()>(CLI::App& sub)> setup;
};

Verb scan_verb();
Verb validate_verb();
Verb catalogers_verb();
Verb keygen_verb();
Verb attest_verb();
Verb provenance_verb();
Verb verify_verb();

/// `-o FORMAT[=FILE]` (repeatable) and `--spec-version`, shared by every verb that writes SBOMs.
struct OutputFlags {
  std::vector<std::string> outputs;
  std::string spec_version = "1.6";
  void add(CLI::App& app);
};

/// One parsed output request.
struct OutputTarget {
  std::string format;  ///< "cyclonedx-json", "spdx-json", "table"
  std::string file;    ///< "-" = stdout
};

/// Parses OutputFlags into targets; ErrorCode::usage for unknown formats. With no -o:
/// table on a TTY, cyclonedx-json otherwise.
util::Result<std::vector<OutputTarget>> parse_outputs(const OutputFlags& flags);

/// The document timestamp: SOURCE_DATE_EPOCH when set (ErrorCode::usage if malformed), else now.
util::Result<std::int64_t> document_timestamp();

}  // namespace purser::cmd
