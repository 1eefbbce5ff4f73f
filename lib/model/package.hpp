#pragma once
// The SBOM model every source, cataloger and writer shares. Ecosystem-specific
// details travel as typed properties, never as fields writers switch on (STYLE 9).

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "lib/util/result.hpp"

namespace purser::model {

/// How a package is used by the project that pulls it in.
enum class Scope {
  required,  ///< needed at run time
  optional,  ///< optional at run time (npm optionalDependencies, extras)
  dev,       ///< development/test only; not shipped
};
/// "required" / "optional" / "dev".
const char* to_string(Scope scope);

/// What a component is (maps to CycloneDX component.type / SPDX primaryPackagePurpose).
enum class ComponentType { library, application, framework, container, operating_system, file };
/// CycloneDX spelling: "library", "application", "operating-system", ...
const char* to_string(ComponentType type);

/// A digest of a package artifact. `algorithm` uses CycloneDX names ("SHA-256", "SHA-512", "SHA-1", "MD5").
struct Hash {
  std::string algorithm;
  std::string value;  ///< lower-case hex
  bool operator==(const Hash&) const = default;
  auto operator<=>(const Hash&) const = default;
};

/// A name/value pair; names are namespaced, e.g. "purser:npm:resolved".
struct Property {
  std::string name;
  std::string value;
  bool operator==(const Property&) const = default;
  auto operator<=>(const Property&) const = default;
};

/// One package (component). Identity is the PURL; one Package per PURL per document.
struct Package {
  std::string name;       ///< as the ecosystem spells it (npm "@scope/name", Go module path)
  std::string version;    ///< empty when the source does not pin one
  std::string purl;       ///< canonical PURL string, see purl.hpp
  std::string ecosystem;  ///< "npm", "pypi", "golang", "cargo", ...
  ComponentType type = ComponentType::library;
  Scope scope = Scope::required;
  std::string license;       ///< declared licence as an SPDX expression, or free text; empty = unknown
  std::string download_url;  ///< where the package manager fetched it from, if recorded
  /// The organisation (or person) that supplies the package (NTIA "supplier name"; CycloneDX
  /// component.supplier.name, SPDX PackageSupplier without its "Organization: " prefix); empty = unknown.
  std::string supplier;
  std::vector<Hash> hashes;
  std::vector<util::Location> locations;  ///< every file it was found in (sorted, unique)
  std::vector<Property> properties;       ///< sorted by name then value
  std::string found_by;                   ///< cataloger id(s), comma-separated when merged
  /// The reference used by relationships and as CycloneDX bom-ref: the PURL, or a
  /// synthetic "ecosystem:name@version" when no PURL exists.
  std::string ref() const;
  /// Adds a property (keeps the list sorted and unique).
  void add_property(std::string name, std::string value);
  /// Value of the first property with this name, or empty.
  std::string property(const std::string& name) const;
};

/// Relationship kinds between refs.
enum class RelationshipKind {
  depends_on,  ///< from requires to at run/build time
  contains,    ///< from contains to (images, filesystems)
};

struct Relationship {
  std::string from;  ///< Package::ref() or the document root ref
  std::string to;
  RelationshipKind kind = RelationshipKind::depends_on;
  bool operator==(const Relationship&) const = default;
  auto operator<=>(const Relationship&) const = default;
};

/// Who made the document and when (injected so tests are deterministic).
struct Metadata {
  std::string tool_name = "purser";
  std::string tool_version;
  std::int64_t timestamp = 0;  ///< seconds since the epoch (UTC)
  std::string source_target;   ///< what was scanned, as the user named it ("dir:examples/app")
  /// Who made the document (NTIA "author of SBOM data"): names of people or organisations, in document order
  /// (CycloneDX metadata.authors, SPDX creationInfo.creators "Person: "/"Organization: "). Empty = not stated;
  /// the tool is tool_name, never an author.
  std::vector<std::string> authors;
};

/// A complete inventory: the root component, its packages, the edges, what went wrong.
struct Document {
  Metadata metadata;
  Package root;                             ///< the scanned project; ref() is the document root
  std::vector<Package> packages;            ///< sorted by ref, unique
  std::vector<Relationship> relationships;  ///< sorted, unique
  std::vector<util::Diagnostic> diagnostics;

  /// Sorts packages, relationships, locations and properties; drops duplicate edges.
  void normalize();
  /// Refs not reachable from the root through relationships (should be empty).
  std::vector<std::string> orphans() const;
};

}  // namespace purser::model
