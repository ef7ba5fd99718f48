#include "rest_cursor.hpp"

#include <nlohmann/json.hpp>

namespace staffchain::rest {
namespace {

constexpr int kCursorVersion = 1;

bool isInteger(std::string_view text) noexcept {
  if (!text.empty() && text.front() == '-') text.remove_prefix(1);
  if (text.empty()) return false;
  for (const char c : text) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

std::string_view withoutLeadingZeros(std::string_view digits) noexcept {
  while (digits.size() > 1 && digits.front() == '0') digits.remove_prefix(1);
  return digits;
}

}  // namespace

std::string RestCursor::encode() const {
  nlohmann::json out = {{"v", kCursorVersion}};
  if (!active.empty()) out["active"] = active;
  nlohmann::json positions = nlohmann::json::object();
  for (const auto& [name, position] : endpoints) {
    nlohmann::json entry = nlohmann::json::object();
    if (!position.watermark.empty()) entry["watermark"] = position.watermark;
    if (name == active) {
      entry["since"] = position.since;
      if (!position.run_max.empty()) entry["run_max"] = position.run_max;
      if (position.page != 0) entry["page"] = position.page;
      if (!position.next.empty()) entry["next"] = position.next;
      if (position.read != 0) entry["read"] = position.read;
    }
    if (!entry.empty()) positions[name] = std::move(entry);
  }
  out["endpoints"] = std::move(positions);
  return out.dump();
}

Result<RestCursor> RestCursor::decode(std::string_view text) {
  RestCursor cursor;
  if (text.empty()) return cursor;
  const auto document = nlohmann::json::parse(text, nullptr, false);
  const auto bad = [&](std::string_view why) {
    return makeError("the committed cursor is not one this rest source wrote (" + std::string(why) +
                     "); reset the connector's cursor to pull everything again");
  };
  if (document.is_discarded() || !document.is_object()) return bad("not a JSON object");
  const auto version = document.find("v");
  if (version == document.end() || !version->is_number_integer() || version->get<int>() != kCursorVersion) {
    return bad("unknown version");
  }
  try {
    if (const auto active = document.find("active"); active != document.end())
      cursor.active = active->get<std::string>();
    if (const auto positions = document.find("endpoints"); positions != document.end()) {
      for (const auto& [name, entry] : positions->items()) {
        EndpointPosition position;
        position.watermark = entry.value("watermark", std::string());
        position.since = entry.value("since", std::string());
        position.run_max = entry.value("run_max", std::string());
        position.page = entry.value("page", std::int64_t{0});
        position.next = entry.value("next", std::string());
        position.read = entry.value("read", std::int64_t{0});
        cursor.endpoints.emplace(name, std::move(position));
      }
    }
  } catch (const nlohmann::json::exception& error) {
    return bad(error.what());
  }
  return cursor;
}

int compareWatermarks(std::string_view a, std::string_view b) noexcept {
  if (isInteger(a) && isInteger(b)) {
    const bool negative_a = a.front() == '-';
    const bool negative_b = b.front() == '-';
    if (negative_a != negative_b) return negative_a ? -1 : 1;
    std::string_view da = withoutLeadingZeros(negative_a ? a.substr(1) : a);
    std::string_view db = withoutLeadingZeros(negative_b ? b.substr(1) : b);
    int order = da.size() != db.size() ? (da.size() < db.size() ? -1 : 1) : da.compare(db);
    order = order < 0 ? -1 : (order > 0 ? 1 : 0);
    return negative_a ? -order : order;
  }
  const int order = a.compare(b);
  return order < 0 ? -1 : (order > 0 ? 1 : 0);
}

}  // namespace staffchain::rest
