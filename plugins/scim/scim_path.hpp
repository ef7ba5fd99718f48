// ScimPath: an attribute path into a SCIM resource ("name.familyName", "emails[0].value",
// "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department"), parsed once from
// the configuration and resolved against each resource.
#pragma once

#include <cstddef>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "staffchain/plugin/result.hpp"

namespace staffchain::scim {

// Syntax (attribute names are case-insensitive, as in RFC 7643 §2.1):
//
//   path     = [ urn ":" ] segment *( "." segment )
//   segment  = name *( "[" selector "]" )
//   selector = index / name SP "eq" SP value      ; value: "quoted", true, false or a number
//
// A path that starts with "urn:" is split at its last ':' outside brackets: what comes before
// is the schema URN, what follows the attribute path. The URN names a top-level member of the
// resource (an extension such as the enterprise User schema, or a custom one); a core schema
// URN ("urn:ietf:params:scim:schemas:core:...", or the resource's first `schemas` entry) names
// the resource itself. `[n]` takes element n (from 0) of a multi-valued attribute; `[type eq
// "work"]` the first element whose sub-attribute matches; a multi-valued attribute crossed
// without a selector yields its element marked `"primary": true`, else its first.
class ScimPath {
 public:
  static Result<ScimPath> parse(std::string_view text);

  // The value's text (strings as they are, numbers and booleans as written in JSON), nullopt
  // when any step is absent or null; an error when the path ends on an object or an array,
  // which no canonical column can hold.
  [[nodiscard]] Result<std::optional<std::string>> resolve(const nlohmann::json& resource) const;

  [[nodiscard]] const std::string& text() const noexcept { return text_; }
  [[nodiscard]] const std::string& schema() const noexcept { return schema_; }

 private:
  struct Selector {
    std::optional<std::size_t> index;
    std::string attribute;  // for "attribute eq value"
    nlohmann::json value;
  };
  struct Segment {
    std::string name;
    std::vector<Selector> selectors;
  };

  [[nodiscard]] const nlohmann::json* base(const nlohmann::json& resource) const;

  std::string text_;
  std::string schema_;  // empty: the resource itself
  std::vector<Segment> segments_;
};

// A member of `object` by SCIM's case-insensitive name rule (an exact match first).
const nlohmann::json* findMember(const nlohmann::json& object, std::string_view name);

}  // namespace staffchain::scim
