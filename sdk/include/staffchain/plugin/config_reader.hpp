// ConfigReader: typed, located reading of one TOML table, shared by the host and plugins.
//
// Every problem becomes one line "file:line:column: key.path: what is wrong", and every key
// the reader was not asked about is reported as unknown, so a typo never passes silently.
#pragma once

#include <toml++/toml.h>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace staffchain::plugin {

using Duration = std::chrono::milliseconds;

// Parses "250ms", "30s", "5m", "2h", "1d" (and sums like "1h30m").
inline std::optional<Duration> parseDuration(std::string_view text) noexcept {
  if (text.empty()) return std::nullopt;
  std::int64_t total = 0;
  std::size_t i = 0;
  while (i < text.size()) {
    std::int64_t number = 0;
    std::size_t digits = 0;
    while (i < text.size() && text[i] >= '0' && text[i] <= '9') {
      if (number > 1'000'000'000) return std::nullopt;
      number = number * 10 + (text[i] - '0');
      ++i;
      ++digits;
    }
    if (digits == 0) return std::nullopt;
    std::size_t unit_start = i;
    while (i < text.size() && (text[i] < '0' || text[i] > '9')) ++i;
    const std::string_view unit = text.substr(unit_start, i - unit_start);
    std::int64_t scale = 0;
    if (unit == "ms")
      scale = 1;
    else if (unit == "s")
      scale = 1000;
    else if (unit == "m")
      scale = 60'000;
    else if (unit == "h")
      scale = 3'600'000;
    else if (unit == "d")
      scale = 86'400'000;
    else
      return std::nullopt;
    total += number * scale;
  }
  return Duration(total);
}

inline std::string toml_number(double value) {
  std::string text = std::to_string(value);
  text.erase(text.find_last_not_of('0') + 1);
  if (!text.empty() && text.back() == '.') text.pop_back();
  return text;
}

class ConfigReader {
 public:
  // `path` is the dotted key path of `table` ("connectors.payroll"); errors are appended to
  // `errors`, which the caller owns and may share between readers.
  ConfigReader(const toml::table& table, std::string path, std::vector<std::string>& errors)
      : table_(table), path_(std::move(path)), errors_(errors) {}

  [[nodiscard]] const std::string& path() const noexcept { return path_; }
  [[nodiscard]] const toml::table& table() const noexcept { return table_; }

  [[nodiscard]] bool has(std::string_view key) const { return table_.contains(key); }

  std::optional<std::string> string(std::string_view key) {
    const toml::node* node = take(key);
    if (node == nullptr) return std::nullopt;
    if (const auto* value = node->as_string()) return value->get();
    fail(*node, key, "expected a string");
    return std::nullopt;
  }
  std::string string(std::string_view key, std::string fallback) { return string(key).value_or(std::move(fallback)); }
  std::optional<std::string> requiredString(std::string_view key) {
    if (!has(key)) {
      missing(key);
      return std::nullopt;
    }
    return string(key);
  }

  std::optional<std::int64_t> integer(std::string_view key, std::int64_t min, std::int64_t max) {
    const toml::node* node = take(key);
    if (node == nullptr) return std::nullopt;
    const auto* value = node->as_integer();
    if (value == nullptr) {
      fail(*node, key, "expected an integer");
      return std::nullopt;
    }
    if (value->get() < min || value->get() > max) {
      fail(*node, key,
           "expected an integer from " + std::to_string(min) + " to " + std::to_string(max) + ", got " +
               std::to_string(value->get()));
      return std::nullopt;
    }
    return value->get();
  }
  std::int64_t integer(std::string_view key, std::int64_t min, std::int64_t max, std::int64_t fallback) {
    return integer(key, min, max).value_or(fallback);
  }

  // A number, written with or without a fraction (0.2, 1), from `min` to `max`.
  std::optional<double> number(std::string_view key, double min, double max) {
    const toml::node* node = take(key);
    if (node == nullptr) return std::nullopt;
    std::optional<double> value;
    if (const auto* real = node->as_floating_point()) value = real->get();
    if (const auto* whole = node->as_integer()) value = static_cast<double>(whole->get());
    if (!value) {
      fail(*node, key, "expected a number");
      return std::nullopt;
    }
    if (!(*value >= min && *value <= max)) {
      fail(*node, key, "expected a number from " + toml_number(min) + " to " + toml_number(max));
      return std::nullopt;
    }
    return value;
  }

  std::optional<bool> boolean(std::string_view key) {
    const toml::node* node = take(key);
    if (node == nullptr) return std::nullopt;
    if (const auto* value = node->as_boolean()) return value->get();
    fail(*node, key, "expected true or false");
    return std::nullopt;
  }
  bool boolean(std::string_view key, bool fallback) { return boolean(key).value_or(fallback); }

  // A positive duration; with `zero_allowed`, "0s" too (a wait that may be switched off).
  std::optional<Duration> duration(std::string_view key, bool zero_allowed = false) {
    const toml::node* node = take(key);
    if (node == nullptr) return std::nullopt;
    const auto* value = node->as_string();
    if (value == nullptr) {
      fail(*node, key, "expected a duration string such as \"30s\", \"5m\", \"1h\" or \"1d\"");
      return std::nullopt;
    }
    auto parsed = parseDuration(value->get());
    if (!parsed || parsed->count() < 0 || (parsed->count() == 0 && !zero_allowed)) {
      fail(*node, key,
           "\"" + value->get() + "\" is not a " + (zero_allowed ? "" : "positive ") + "duration (use ms, s, m, h, d)");
      return std::nullopt;
    }
    return parsed;
  }
  Duration duration(std::string_view key, Duration fallback) { return duration(key).value_or(fallback); }

  // A string that must be one of `allowed`.
  std::optional<std::string> choice(std::string_view key, const std::vector<std::string_view>& allowed) {
    const toml::node* node = table_.get(key);
    auto value = string(key);
    if (!value) return std::nullopt;
    for (auto candidate : allowed) {
      if (candidate == *value) return value;
    }
    std::string list;
    for (auto candidate : allowed) {
      if (!list.empty()) list += ", ";
      list += candidate;
    }
    fail(*node, key, "\"" + *value + "\" is not one of: " + list);
    return std::nullopt;
  }

  std::optional<std::vector<std::string>> stringArray(std::string_view key) {
    const toml::node* node = take(key);
    if (node == nullptr) return std::nullopt;
    const auto* array = node->as_array();
    if (array == nullptr) {
      fail(*node, key, "expected an array of strings");
      return std::nullopt;
    }
    std::vector<std::string> out;
    for (std::size_t i = 0; i < array->size(); ++i) {
      const toml::node& element = *array->get(i);
      if (const auto* value = element.as_string()) {
        out.push_back(value->get());
      } else {
        fail(element, std::string(key) + "[" + std::to_string(i) + "]", "expected a string");
      }
    }
    return out;
  }

  // A secret, given by reference only: "${ENV_VAR}" or "@file:/absolute/path". The reference
  // is returned unresolved (the host resolves it when the plugin is created); an inline value
  // is refused without ever being echoed.
  std::optional<std::string> secret(std::string_view key) {
    const toml::node* node = take(key);
    if (node == nullptr) return std::nullopt;
    const auto* value = node->as_string();
    if (value == nullptr || !isSecretReference(value->get())) {
      fail(*node, key, "secrets are given by reference (\"${ENV_VAR}\" or \"@file:/absolute/path\"), never inline");
      return std::nullopt;
    }
    return value->get();
  }

  static bool isSecretReference(std::string_view text) noexcept {
    if (text.size() > 3 && text.substr(0, 2) == "${" && text.back() == '}') {
      const std::string_view name = text.substr(2, text.size() - 3);
      for (std::size_t i = 0; i < name.size(); ++i) {
        const char c = name[i];
        const bool letter = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_';
        const bool digit = c >= '0' && c <= '9';
        if (!letter && !(digit && i > 0)) return false;
      }
      return true;
    }
    return text.size() > 7 && text.substr(0, 7) == "@file:/";
  }

  // A filesystem path; a relative one is taken relative to the folder of the file that set it,
  // so a configuration works from wherever the daemon is started.
  std::optional<std::filesystem::path> filePath(std::string_view key) {
    const toml::node* node = table_.get(key);
    auto text = string(key);
    if (!text) return std::nullopt;
    if (text->empty()) {
      fail(*node, key, "expected a non-empty path");
      return std::nullopt;
    }
    std::filesystem::path path(*text);
    if (path.is_relative() && node->source().path) {
      path = std::filesystem::path(*node->source().path).parent_path() / path;
    }
    return path.lexically_normal();
  }

  // A nested table, for a child reader. Absent: nullptr; present but not a table: an error.
  const toml::table* subtable(std::string_view key) {
    const toml::node* node = take(key);
    if (node == nullptr) return nullptr;
    if (const auto* value = node->as_table()) return value;
    fail(*node, key, "expected a table");
    return nullptr;
  }

  // An array of tables ([[key]]). Absent: empty; anything else: an error and empty.
  std::vector<const toml::table*> tableArray(std::string_view key) {
    std::vector<const toml::table*> out;
    const toml::node* node = take(key);
    if (node == nullptr) return out;
    const auto* array = node->as_array();
    if (array == nullptr || !array->is_array_of_tables()) {
      fail(*node, key, "expected an array of tables ([[" + join(key) + "]])");
      return out;
    }
    for (const auto& element : *array) {
      if (const auto* table = element.as_table()) out.push_back(table);
    }
    return out;
  }

  ConfigReader child(const toml::table& table, std::string_view key) { return ConfigReader(table, join(key), errors_); }

  // Marks a key as read without reading it (the caller handles it some other way).
  void accept(std::string_view key) { seen_.emplace(key); }

  // Reports an error about `key` of this table, at the key's location when it exists.
  void fail(std::string_view key, std::string_view reason) {
    if (const toml::node* node = table_.get(key)) {
      fail(*node, key, reason);
    } else {
      errors_.push_back(location(table_) + join(key) + ": " + std::string(reason));
    }
  }
  void fail(const toml::node& node, std::string_view key, std::string_view reason) {
    errors_.push_back(location(node) + join(key) + ": " + std::string(reason));
  }
  void missing(std::string_view key) { errors_.push_back(location(table_) + join(key) + ": required key is missing"); }

  // Reports every key of the table nobody asked about. Call once, after reading.
  void finish() {
    for (const auto& [key, node] : table_) {
      if (seen_.count(std::string(key.str())) == 0) {
        errors_.push_back(location(key.source(), node) + join(key.str()) + ": unknown key");
      }
    }
  }

  [[nodiscard]] std::vector<std::string>& errors() noexcept { return errors_; }

  static std::string location(const toml::node& node) { return location(node.source(), node); }

  // "file:line:column: " of `source`; a key written inline ({ a = 1 }) may carry no position
  // of its own, and then its value's is used.
  static std::string location(const toml::source_region& source, const toml::node& fallback) {
    const toml::source_region& where = source.begin.line != 0 ? source : fallback.source();
    std::string out = where.path ? *where.path : (fallback.source().path ? *fallback.source().path : "<config>");
    // Appended piece by piece: `":" + std::to_string(...)` trips a false -Wrestrict in g++ 12 at -O3.
    out += ':';
    out += std::to_string(where.begin.line);
    out += ':';
    out += std::to_string(where.begin.column);
    out += ": ";
    return out;
  }

 private:
  const toml::node* take(std::string_view key) {
    seen_.emplace(key);
    return table_.get(key);
  }
  std::string join(std::string_view key) const {
    if (path_.empty()) return std::string(key);
    return path_ + "." + std::string(key);
  }

  const toml::table& table_;
  std::string path_;
  std::vector<std::string>& errors_;
  std::set<std::string, std::less<>> seen_;
};

}  // namespace staffchain::plugin
