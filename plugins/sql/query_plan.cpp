#include "query_plan.hpp"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

namespace staffchain::sql {
namespace {

constexpr int kCursorVersion = 1;

std::string placeholder(Dialect dialect, std::size_t number) {
  return dialect == Dialect::postgresql ? fmt::format("${}", number) : fmt::format("?{}", number);
}

bool knownKind(char c) {
  return c == 's' || c == 'i' || c == 'r';
}

}  // namespace

Result<SqlCursor> SqlCursor::decode(std::string_view text) {
  SqlCursor cursor;
  if (text.empty()) return cursor;
  const auto fail = [&](std::string_view why) {
    return makeError(
        fmt::format("cannot read the saved cursor '{}': {} (reset the connector's cursor to pull again "
                    "from the start)",
                    text.substr(0, 200), why));
  };
  const nlohmann::json document = nlohmann::json::parse(text, nullptr, false);
  if (document.is_discarded() || !document.is_object()) return fail("it is not a JSON object");
  if (document.value("v", 0) != kCursorVersion) return fail("it was written by another version of this connector");
  const auto positions = document.find("positions");
  if (positions == document.end() || !positions->is_object()) return fail("it has no \"positions\" object");
  for (const auto& [name, entry] : positions->items()) {
    if (!entry.is_object() || !entry.contains("watermark") || !entry.contains("key") || !entry.contains("kinds") ||
        !entry["watermark"].is_string() || !entry["key"].is_string() || !entry["kinds"].is_string()) {
      return fail(fmt::format("the position of query {} needs the strings watermark, key and kinds", name));
    }
    const std::string kinds = entry["kinds"].get<std::string>();
    if (kinds.size() != 2 || !knownKind(kinds[0]) || !knownKind(kinds[1])) {
      return fail(fmt::format("the position of query {} has unknown value kinds \"{}\"", name, kinds));
    }
    QueryPosition position;
    position.watermark = SqlValue{entry["watermark"].get<std::string>(), static_cast<ValueKind>(kinds[0])};
    position.key = SqlValue{entry["key"].get<std::string>(), static_cast<ValueKind>(kinds[1])};
    cursor.positions_.emplace(name, std::move(position));
  }
  return cursor;
}

std::string SqlCursor::encode() const {
  if (positions_.empty()) return {};
  nlohmann::json positions = nlohmann::json::object();
  for (const auto& [name, position] : positions_) {
    positions[name] = {
        {"watermark", position.watermark.text.value_or("")},
        {"key", position.key.text.value_or("")},
        {"kinds", std::string{static_cast<char>(position.watermark.kind), static_cast<char>(position.key.kind)}}};
  }
  return nlohmann::json{{"v", kCursorVersion}, {"positions", std::move(positions)}}.dump();
}

const QueryPosition* SqlCursor::position(const std::string& query) const {
  const auto found = positions_.find(query);
  return found == positions_.end() ? nullptr : &found->second;
}

void SqlCursor::retain(const std::vector<QuerySpec>& queries) {
  for (auto it = positions_.begin(); it != positions_.end();) {
    bool wanted = false;
    for (const auto& query : queries) wanted = wanted || (query.watermark && query.name == it->first);
    it = wanted ? std::next(it) : positions_.erase(it);
  }
}

std::string quoteIdentifier(std::string_view name) {
  std::string out = "\"";
  for (const char c : name) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
  return out;
}

std::string normaliseQueryText(std::string_view sql) {
  const auto blank = [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == ';'; };
  while (!sql.empty() && blank(sql.back())) sql.remove_suffix(1);
  while (!sql.empty() && blank(sql.front())) sql.remove_prefix(1);
  return std::string(sql);
}

Statement buildStatement(Dialect dialect, const QuerySpec& query, const QueryPosition* position,
                         std::size_t batch_size) {
  Statement statement;
  // The line break before the closing parenthesis ends a trailing "-- comment" in the query.
  statement.text = fmt::format("SELECT * FROM (\n{}\n) AS staffchain_rows", query.sql);
  if (!query.watermark) return statement;
  const std::string column = quoteIdentifier(query.watermark->column);
  const std::string key = quoteIdentifier(query.watermark->key);
  // Rows with a NULL watermark or key can hold no position, so they are never pulled.
  statement.text += fmt::format(" WHERE {} IS NOT NULL AND {} IS NOT NULL", column, key);
  if (position != nullptr) {
    // Keyset pagination: (watermark, key) strictly after the last row, so rows that share the
    // last watermark but did not fit in the previous batch still come, and nothing twice.
    statement.text +=
        fmt::format(" AND ({}, {}) > ({}, {})", column, key, placeholder(dialect, 1), placeholder(dialect, 2));
    statement.parameters.push_back(position->watermark);
    statement.parameters.push_back(position->key);
  }
  statement.text +=
      fmt::format(" ORDER BY {}, {} LIMIT {}", column, key, placeholder(dialect, statement.parameters.size() + 1));
  statement.parameters.push_back(SqlValue{std::to_string(batch_size), ValueKind::integer});
  return statement;
}

}  // namespace staffchain::sql
