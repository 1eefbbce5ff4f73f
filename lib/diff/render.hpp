#pragma once
// Renderers for a DiffReport: an aligned table for terminals, JSON for machines (schema "purser-diff/1",
// specified in docs/diff.md) and Markdown for release notes and pull-request comments.

#include <string>

#include "lib/diff/diff.hpp"

namespace purser::diff {

/// What the renderers need besides the report.
struct RenderOptions {
  std::string before_label;  ///< how the old document was named ("v1.cdx.json", "dir:app")
  std::string after_label;   ///< how the new document was named
  bool color = false;        ///< table only: ANSI colour for the change column
};

/// One row per change (CHANGE, TYPE, NAME, OLD, NEW, DETAIL), columns aligned by code points, control characters
/// escaped, cells longer than 60 code points cut with "…"; a header naming both documents and a totals line.
std::string render_table(const DiffReport& report, const RenderOptions& options);

/// The "purser-diff/1" JSON document: pretty-printed (two spaces), final newline, invalid UTF-8 replaced by U+FFFD.
std::string render_json(const DiffReport& report, const RenderOptions& options);

/// GitHub-flavoured Markdown: a summary table, integrity alerts first, then one table per kind. Every piece of
/// text from the documents is backslash-escaped, so a hostile name cannot inject links, HTML or table cells.
std::string render_markdown(const DiffReport& report, const RenderOptions& options);

}  // namespace purser::diff
