#pragma once
// The document the SPDX JSON writer writes, as a stream of JSON events (internal to formats/, not part of the public
// API), so the tag-value writer says exactly what write_spdx_json says: the same packages, SPDXIDs, licences,
// relationships, documentNamespace and created.

#include <string_view>

#include "lib/model/package.hpp"

namespace purser::formats::detail {

/// Receives the JSON structure write_spdx_json writes, member by member, in its order.
class SpdxJsonEvents {
 public:
  virtual ~SpdxJsonEvents() = default;
  virtual void begin_object() = 0;
  virtual void end_object() = 0;
  virtual void begin_array() = 0;
  virtual void end_array() = 0;
  /// The name of the next member of the innermost object; valid during the call only.
  virtual void key(std::string_view k) = 0;
  /// A string value; valid during the call only.
  virtual void value(std::string_view s) = 0;
  virtual void boolean(bool b) = 0;
  void member(std::string_view k, std::string_view v) {
    key(k);
    value(v);
  }
};

/// Sends the SPDX 2.3 document of `doc` to `events`: what write_spdx_json(doc) writes, event for event (implemented
/// in spdx_json.cpp, next to the writer).
void emit_spdx_document(const model::Document& doc, SpdxJsonEvents& events);

}  // namespace purser::formats::detail
