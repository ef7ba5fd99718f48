#include "scim_path.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace staffchain::scim {
namespace {

using nlohmann::json;

char lower(char c) {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

bool equalsIgnoringCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (lower(a[i]) != lower(b[i])) return false;
  }
  return true;
}

bool startsWithIgnoringCase(std::string_view text, std::string_view prefix) {
  return text.size() >= prefix.size() && equalsIgnoringCase(text.substr(0, prefix.size()), prefix);
}

bool nameChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-' || c == '$';
}

std::string_view trim(std::string_view text) {
  while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
  while (!text.empty() && text.back() == ' ') text.remove_suffix(1);
  return text;
}

// The element a multi-valued attribute stands for when no selector picks one.
const json* defaultElement(const json& array) {
  if (array.empty()) return nullptr;
  for (const auto& element : array) {
    if (element.is_object()) {
      const json* primary = findMember(element, "primary");
      if (primary != nullptr && primary->is_boolean() && primary->get<bool>()) return &element;
    }
  }
  return &array.front();
}

bool matches(const json& actual, const json& wanted) {
  if (actual.is_string() && wanted.is_string()) {
    return equalsIgnoringCase(actual.get_ref<const std::string&>(), wanted.get_ref<const std::string&>());
  }
  if (actual.is_number() && wanted.is_number()) return actual.get<double>() == wanted.get<double>();
  return actual == wanted;
}

}  // namespace

const json* findMember(const json& object, std::string_view name) {
  if (!object.is_object()) return nullptr;
  if (auto exact = object.find(name); exact != object.end()) return &*exact;
  for (auto it = object.begin(); it != object.end(); ++it) {
    if (equalsIgnoringCase(it.key(), name)) return &it.value();
  }
  return nullptr;
}

Result<ScimPath> ScimPath::parse(std::string_view text) {
  ScimPath path;
  path.text_ = std::string(text);
  auto fail = [&](std::size_t at, std::string_view why) {
    return makeError(fmt::format("attribute path \"{}\": {} at character {}", text, why, at + 1));
  };
  std::size_t start = 0;
  if (startsWithIgnoringCase(text, "urn:")) {
    // Attribute names never hold ':', URNs do (and dots too: "...:enterprise:2.0:User").
    std::size_t split = std::string_view::npos;
    int depth = 0;
    bool quoted = false;
    for (std::size_t i = 0; i < text.size(); ++i) {
      const char c = text[i];
      if (quoted) {
        if (c == '\\')
          ++i;
        else if (c == '"')
          quoted = false;
      } else if (c == '"') {
        quoted = true;
      } else if (c == '[') {
        ++depth;
      } else if (c == ']') {
        --depth;
      } else if (c == ':' && depth == 0) {
        split = i;
      }
    }
    if (split == std::string_view::npos || split + 1 >= text.size()) {
      return fail(text.size(), "a schema URN must be followed by ':' and an attribute name");
    }
    path.schema_ = std::string(text.substr(0, split));
    if (std::count(path.schema_.begin(), path.schema_.end(), ':') < 2) {
      return fail(split, "a schema URN has the form urn:<namespace>:<name>");
    }
    start = split + 1;
  }
  std::size_t i = start;
  while (true) {
    Segment segment;
    const std::size_t name_start = i;
    while (i < text.size() && nameChar(text[i])) ++i;
    if (i == name_start) return fail(i, "expected an attribute name");
    segment.name = std::string(text.substr(name_start, i - name_start));
    while (i < text.size() && text[i] == '[') {
      const std::size_t open = i;
      bool quoted = false;
      std::size_t close = std::string_view::npos;
      for (std::size_t k = i + 1; k < text.size(); ++k) {
        if (quoted) {
          if (text[k] == '\\')
            ++k;
          else if (text[k] == '"')
            quoted = false;
        } else if (text[k] == '"') {
          quoted = true;
        } else if (text[k] == ']') {
          close = k;
          break;
        }
      }
      if (close == std::string_view::npos) return fail(open, "'[' without its ']'");
      const std::string_view inside = trim(text.substr(open + 1, close - open - 1));
      Selector selector;
      if (!inside.empty() && inside.find_first_not_of("0123456789") == std::string_view::npos) {
        if (inside.size() > 9) return fail(open + 1, "index too large");
        selector.index = static_cast<std::size_t>(std::stoul(std::string(inside)));
      } else {
        const std::size_t eq = inside.find(" eq ");
        if (eq == std::string_view::npos) {
          return fail(open + 1, "expected an index ([0]) or a selector such as [type eq \"work\"]");
        }
        selector.attribute = std::string(trim(inside.substr(0, eq)));
        if (selector.attribute.empty() ||
            selector.attribute.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-$") !=
                std::string::npos) {
          return fail(open + 1, "a selector compares a sub-attribute name");
        }
        const std::string_view literal = trim(inside.substr(eq + 4));
        selector.value = json::parse(literal, nullptr, false);
        if (selector.value.is_discarded() || selector.value.is_structured() || selector.value.is_null()) {
          return fail(open + 1, "a selector's value is a \"quoted string\", true, false or a number");
        }
      }
      segment.selectors.push_back(std::move(selector));
      i = close + 1;
    }
    path.segments_.push_back(std::move(segment));
    if (i == text.size()) break;
    if (text[i] != '.') return fail(i, fmt::format("unexpected '{}'", text[i]));
    ++i;
  }
  return path;
}

const nlohmann::json* ScimPath::base(const json& resource) const {
  if (schema_.empty()) return &resource;
  if (const json* extension = findMember(resource, schema_)) return extension;
  if (startsWithIgnoringCase(schema_, "urn:ietf:params:scim:schemas:core:")) return &resource;
  if (const json* schemas = findMember(resource, "schemas");
      schemas != nullptr && schemas->is_array() && !schemas->empty() && schemas->front().is_string() &&
      equalsIgnoringCase(schemas->front().get_ref<const std::string&>(), schema_)) {
    return &resource;
  }
  return nullptr;
}

Result<std::optional<std::string>> ScimPath::resolve(const json& resource) const {
  const json* current = base(resource);
  for (const auto& segment : segments_) {
    if (current == nullptr) return std::optional<std::string>();
    if (current->is_array()) current = defaultElement(*current);
    if (current == nullptr || !current->is_object()) return std::optional<std::string>();
    current = findMember(*current, segment.name);
    for (const auto& selector : segment.selectors) {
      if (current == nullptr || current->is_null()) return std::optional<std::string>();
      if (!current->is_array()) {
        return makeError(fmt::format("{}: \"{}\" is not multi-valued, so it takes no [...]", text_, segment.name));
      }
      const json* picked = nullptr;
      if (selector.index) {
        if (*selector.index < current->size()) picked = &(*current)[*selector.index];
      } else {
        for (const auto& element : *current) {
          const json* field = findMember(element, selector.attribute);
          if (field != nullptr && matches(*field, selector.value)) {
            picked = &element;
            break;
          }
        }
      }
      current = picked;
    }
  }
  if (current != nullptr && current->is_array()) current = defaultElement(*current);
  if (current == nullptr || current->is_null()) return std::optional<std::string>();
  if (current->is_string()) return std::optional<std::string>(current->get<std::string>());
  if (current->is_boolean() || current->is_number()) return std::optional<std::string>(current->dump());
  return makeError(fmt::format("{} is {}, not a single value; name a sub-attribute", text_,
                               current->is_object() ? "an object" : "an array of arrays"));
}

}  // namespace staffchain::scim
