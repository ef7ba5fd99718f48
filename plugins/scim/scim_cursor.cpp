#include "scim_cursor.hpp"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "timestamp.hpp"

namespace staffchain::scim {

using nlohmann::json;

std::string ScimCursor::encode() const {
  json out = json::object();
  out["v"] = 1;
  out["since"] = since;
  out["next"] = next_start;
  out["seen"] = seen;
  out["pass"] = pass;
  return out.dump();
}

Result<ScimCursor> ScimCursor::decode(std::string_view text) {
  ScimCursor cursor;
  if (text.empty()) return cursor;
  const json document = json::parse(text, nullptr, false);
  auto refuse = [&](std::string_view why) {
    return makeError(fmt::format("the saved cursor '{}' is not a SCIM connector's cursor: {}", text, why));
  };
  if (document.is_discarded() || !document.is_object()) return refuse("not a JSON object");
  const auto version = document.find("v");
  if (version == document.end() || !version->is_number_integer() || version->get<int>() != 1) {
    return refuse("unknown version");
  }
  auto text_of = [&](const char* key, std::string& out) {
    const auto it = document.find(key);
    if (it == document.end() || !it->is_string()) return false;
    out = it->get<std::string>();
    return true;
  };
  const auto next = document.find("next");
  if (!text_of("since", cursor.since) || !text_of("seen", cursor.seen) || !text_of("pass", cursor.pass) ||
      next == document.end() || !next->is_number_integer() || next->get<std::int64_t>() < 1) {
    return refuse("\"since\", \"seen\", \"pass\" or \"next\" is missing or of the wrong type");
  }
  cursor.next_start = next->get<std::int64_t>();
  if (!cursor.since.empty() && !parseTimestamp(cursor.since)) return refuse("\"since\" is not an RFC 3339 time");
  return cursor;
}

std::string laterTimestamp(const std::string& a, const std::string& b) {
  const auto ta = parseTimestamp(a);
  const auto tb = parseTimestamp(b);
  if (!ta) return tb ? b : a;
  if (!tb) return a;
  return *tb > *ta ? b : a;
}

}  // namespace staffchain::scim
