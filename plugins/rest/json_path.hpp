// Dotted paths into JSON documents ("data.items", "meta.next.cursor", "items.0.id"), and the
// text a JSON value stands for in a canonical record.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

namespace staffchain::rest {

// The value at `path` inside `document`, or nullptr when any step is missing. An empty path is
// the document itself. A step that is all digits also indexes into an array.
const nlohmann::json* findPath(const nlohmann::json& document, std::string_view path) noexcept;

// A scalar as canonical text: strings as they are, numbers and booleans as JSON writes them,
// null as an empty cell; objects and arrays as compact JSON (a mapping should not point there).
std::string textOf(const nlohmann::json& value);

}  // namespace staffchain::rest
