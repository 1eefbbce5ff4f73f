#pragma once
// Image scans: the generic driver run over an image's squashed filesystem, plus what only an image has — the image as
// the root component, the operating system containing its packages, the layer that introduced and last changed each
// package, and (with all-layers scope) packages a lower layer had and a later one removed or replaced.

#include <string>
#include <vector>

#include "lib/catalog/scan.hpp"
#include "lib/model/package.hpp"
#include "lib/source/image.hpp"

namespace purser::catalog {

/// Which packages an image scan reports.
enum class ImageScope {
  squashed,    ///< what the final image contains (default)
  all_layers,  ///< also what a lower layer had and a later layer removed or replaced
};

/// Property names an image scan sets on packages (values are layer diff_ids, "sha256:<hex>").
inline constexpr const char* k_layer_introduced = "purser:layer:diff_id";       ///< the layer that introduced it
inline constexpr const char* k_layer_changed = "purser:layer:changed_diff_id";  ///< last changed it, when different
inline constexpr const char* k_layer_removed = "purser:layer:removed_diff_id";  ///< removed or replaced it (all-layers)

/// The paths an image source must capture so the catalogers `select` names (empty = all) can run: their globs and
/// aux_globs (those of condensing catalogers excepted). ErrorCode::usage for an unknown name.
util::Result<source::PathFilter> capture_filter(const std::vector<std::string>& select);

/// Which files of an image the catalogers `select` names (empty = all) want condensed while they stream (jars,
/// executables; see Cataloger::condense); empty when none of them condenses. ErrorCode::usage for an unknown name.
util::Result<source::CondenseChooser> condense_chooser(const std::vector<std::string>& select);

/// Scans an opened image. options.root is replaced by the image's root component (type container).
util::Result<model::Document> scan_image(source::ImageSource& image, ScanOptions options, ImageScope scope);

}  // namespace purser::catalog
