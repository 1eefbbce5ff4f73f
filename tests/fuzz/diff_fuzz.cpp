// Fuzz target for the diff engine and merge on whatever the readers make of hostile input: the bytes are two SBOMs
// separated by a line "----" (or split in half). Nothing may crash, diff(b, a) must be the mirror of diff(a, b), a
// document compared with itself has no changes, every renderer runs, and a merge leaves no orphans.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "formats/reader.hpp"
#include "lib/diff/diff.hpp"
#include "lib/diff/merge.hpp"
#include "lib/diff/render.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view bytes(reinterpret_cast<const char*>(data), size);
  std::size_t cut = bytes.find("\n----\n");
  std::string_view first = cut == std::string_view::npos ? bytes.substr(0, size / 2) : bytes.substr(0, cut);
  std::string_view second = cut == std::string_view::npos ? bytes.substr(size / 2) : bytes.substr(cut + 6);
  auto a = purser::formats::read_sbom(first, "a");
  auto b = purser::formats::read_sbom(second, "b");
  if (!a.ok() || !b.ok()) return 0;
  using namespace purser::diff;
  DiffReport ab = diff(a->document, b->document);
  DiffReport ba = diff(b->document, a->document, DiffOptions{2});
  if (!(ba == mirror(ab))) std::abort();
  if (!diff(a->document, a->document).changes.empty()) std::abort();
  RenderOptions options{"a", "b", true};
  std::size_t total =
      render_table(ab, options).size() + render_json(ab, options).size() + render_markdown(ab, options).size();
  (void)total;
  auto merged = merge({a->document, b->document}, {});
  if (merged.ok() && !merged->orphans().empty()) std::abort();
  return 0;
}
