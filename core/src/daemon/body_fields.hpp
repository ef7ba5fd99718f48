// Reading a request body's fields as the types a route expects, for the admin API's routes.
#pragma once

#include <fmt/format.h>

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "staffchain/api/api_server.hpp"

namespace staffchain::daemon {

// "a number", "an array": the JSON type a caller sent, for a message.
inline std::string jsonTypeWithArticle(const nlohmann::json& value) {
  const std::string name = value.type_name();
  return (name == "array" || name == "object" ? "an " : "a ") + name;
}

// Reads the fields of a request body as the types the route expects. A value of another type
// is the caller's mistake: the first one becomes a 400 naming the field and the type wanted
// (json's own value() would throw type_error.302 instead), and reads after it give fallbacks.
// Paths are dotted ("match.rules"); an absent or null field is the fallback.
class BodyFields {
 public:
  explicit BodyFields(const nlohmann::json& body) : body_(body) {}

  std::string text(std::string_view path, std::string fallback = {}) {
    const nlohmann::json* value = find(path);
    if (value == nullptr) return fallback;
    if (!value->is_string()) {
      refuse(fmt::format("{} must be a string, not {}", path, jsonTypeWithArticle(*value)));
      return fallback;
    }
    return value->get<std::string>();
  }

  std::vector<std::string> texts(std::string_view path) {
    std::vector<std::string> out;
    const nlohmann::json* value = find(path);
    if (value == nullptr) return out;
    if (!value->is_array()) {
      refuse(fmt::format("{} must be an array of strings, not {}", path, jsonTypeWithArticle(*value)));
      return out;
    }
    for (std::size_t i = 0; i < value->size(); ++i) {
      const nlohmann::json& item = (*value)[i];
      if (!item.is_string()) {
        refuse(fmt::format("{}[{}] must be a string, not {}", path, i, jsonTypeWithArticle(item)));
        return {};
      }
      out.push_back(item.get<std::string>());
    }
    return out;
  }

  // The 400 answer for the first field of the wrong type, if any.
  [[nodiscard]] std::optional<api::ApiResponse> refusal() const {
    if (error_.empty()) return std::nullopt;
    return api::ApiResponse::error(400, error_);
  }

 private:
  const nlohmann::json* find(std::string_view path) {
    const nlohmann::json* at = &body_;
    std::string_view rest = path;
    while (!rest.empty()) {
      const auto dot = rest.find('.');
      const std::string key(rest.substr(0, dot));
      if (!at->is_object()) return nullptr;
      const auto it = at->find(key);
      if (it == at->end() || it->is_null()) return nullptr;
      at = &*it;
      rest = dot == std::string_view::npos ? std::string_view() : rest.substr(dot + 1);
    }
    return at;
  }
  void refuse(std::string message) {
    if (error_.empty()) error_ = std::move(message);
  }

  const nlohmann::json& body_;
  std::string error_;
};

}  // namespace staffchain::daemon
