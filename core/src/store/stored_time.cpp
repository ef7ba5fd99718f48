#include "staffchain/store/stored_time.hpp"

#include <fmt/format.h>

#include "stored_time_text.hpp"

namespace staffchain::store {
namespace {

using std::chrono::days;
using std::chrono::milliseconds;

// The forms read: this one, and the ledger's before it ("YYYY-MM-DDTHH:MM:SSZ"), which only
// the migration to this one reads.
enum class Form : std::uint8_t { stored, seconds };

constexpr std::size_t kSecondsWidth = 20;

void putDigits(char* out, unsigned value, int width) noexcept {
  for (int i = width - 1; i >= 0; --i) {
    out[i] = static_cast<char>('0' + value % 10);
    value /= 10;
  }
}

// Digits at [at, at + width), or nothing.
std::optional<unsigned> digits(std::string_view text, std::size_t at, std::size_t width) noexcept {
  unsigned value = 0;
  for (std::size_t i = at; i < at + width; ++i) {
    const char c = text[i];
    if (c < '0' || c > '9') return std::nullopt;
    value = value * 10 + static_cast<unsigned>(c - '0');
  }
  return value;
}

std::optional<StoredTime> parse(std::string_view text, Form form) noexcept {
  const std::size_t width = form == Form::stored ? kStoredTimeWidth : kSecondsWidth;
  if (text.size() != width || text[4] != '-' || text[7] != '-' || text[10] != 'T' || text[13] != ':' ||
      text[16] != ':' || text.back() != 'Z') {
    return std::nullopt;
  }
  if (form == Form::stored && text[19] != '.') return std::nullopt;
  const auto year = digits(text, 0, 4);
  const auto month = digits(text, 5, 2);
  const auto day = digits(text, 8, 2);
  const auto hour = digits(text, 11, 2);
  const auto minute = digits(text, 14, 2);
  const auto second = digits(text, 17, 2);
  const auto millis = form == Form::stored ? digits(text, 20, 3) : std::optional<unsigned>(0);
  if (!year || !month || !day || !hour || !minute || !second || !millis) return std::nullopt;
  const std::chrono::year_month_day date{std::chrono::year(static_cast<int>(*year)), std::chrono::month(*month),
                                         std::chrono::day(*day)};
  // No leap second: storedTime never writes one, nor did the form before.
  if (!date.ok() || *hour > 23 || *minute > 59 || *second > 59) return std::nullopt;
  // Beyond what a time point holds (years before 1677 or after 2262) is no stored time either.
  constexpr auto kFirst = std::chrono::floor<days>(StoredTime::min()) + days(1);
  constexpr auto kLast = std::chrono::floor<days>(StoredTime::max()) - days(1);
  const std::chrono::sys_days on{date};
  if (on < kFirst || on > kLast) return std::nullopt;
  return StoredTime(on) + std::chrono::hours(*hour) + std::chrono::minutes(*minute) + std::chrono::seconds(*second) +
         milliseconds(*millis);
}

Error refusal(const Statement& row, int index, std::string_view column) {
  constexpr std::size_t kShown = 40;
  std::string shown = "NULL";
  if (!row.columnIsNull(index)) {
    const auto text = row.columnText(index);
    shown = fmt::format("'{}{}'", text.substr(0, kShown), text.size() > kShown ? "…" : "");
  }
  return makeError(fmt::format("{} holds {}, which is not a time as stored ({}, UTC)", column, shown, kStoredTimeForm));
}

void resultText(sqlite3_context* context, const detail::StoredTimeText& text) noexcept {
  sqlite3_result_text(context, text.data(), static_cast<int>(text.size()), SQLITE_TRANSIENT);
}

void fromMillis(sqlite3_context* context, int, sqlite3_value** argv) noexcept {
  sqlite3_value* value = argv[0];
  constexpr auto kEarliest = std::chrono::ceil<milliseconds>(StoredTime::min().time_since_epoch()).count();
  constexpr auto kLatest = std::chrono::floor<milliseconds>(StoredTime::max().time_since_epoch()).count();
  if (sqlite3_value_type(value) == SQLITE_INTEGER) {
    const sqlite3_int64 millis = sqlite3_value_int64(value);
    if (millis >= kEarliest && millis <= kLatest) {
      resultText(context, detail::storedTimeText(StoredTime(milliseconds(millis))));
      return;
    }
  }
  sqlite3_result_value(context, value);
}

void fromSeconds(sqlite3_context* context, int, sqlite3_value** argv) noexcept {
  sqlite3_value* value = argv[0];
  if (sqlite3_value_type(value) == SQLITE_TEXT) {
    const auto* text = reinterpret_cast<const char*>(sqlite3_value_text(value));
    const auto size = static_cast<std::size_t>(sqlite3_value_bytes(value));
    if (const auto at = parse(std::string_view(text, size), Form::seconds)) {
      resultText(context, detail::storedTimeText(*at));
      return;
    }
  }
  sqlite3_result_value(context, value);
}

}  // namespace

namespace detail {

StoredTimeText storedTimeText(StoredTime at) noexcept {
  const auto millis = std::chrono::floor<milliseconds>(at);
  const auto day = std::chrono::floor<days>(millis);
  const std::chrono::year_month_day date{day};
  const std::chrono::hh_mm_ss time{millis - day};
  // A time point's years (1677 to 2262) always take four digits.
  StoredTimeText out{};
  putDigits(&out[0], static_cast<unsigned>(static_cast<int>(date.year())), 4);
  out[4] = '-';
  putDigits(&out[5], static_cast<unsigned>(date.month()), 2);
  out[7] = '-';
  putDigits(&out[8], static_cast<unsigned>(date.day()), 2);
  out[10] = 'T';
  putDigits(&out[11], static_cast<unsigned>(time.hours().count()), 2);
  out[13] = ':';
  putDigits(&out[14], static_cast<unsigned>(time.minutes().count()), 2);
  out[16] = ':';
  putDigits(&out[17], static_cast<unsigned>(time.seconds().count()), 2);
  out[19] = '.';
  putDigits(&out[20], static_cast<unsigned>(time.subseconds().count()), 3);
  out[23] = 'Z';
  return out;
}

int defineStoredTimeFunctions(sqlite3* db) noexcept {
  constexpr int kFlags = SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS;
  if (const int rc = sqlite3_create_function_v2(db, "stored_time_from_millis", 1, kFlags, nullptr, &fromMillis, nullptr,
                                                nullptr, nullptr);
      rc != SQLITE_OK) {
    return rc;
  }
  return sqlite3_create_function_v2(db, "stored_time_from_seconds", 1, kFlags, nullptr, &fromSeconds, nullptr, nullptr,
                                    nullptr);
}

}  // namespace detail

std::string storedTime(StoredTime at) {
  const auto text = detail::storedTimeText(at);
  return {text.data(), text.size()};
}

std::optional<StoredTime> parseStoredTime(std::string_view text) noexcept {
  return parse(text, Form::stored);
}

Result<StoredTime> columnTime(const Statement& row, int index, std::string_view column) {
  if (!row.columnIsNull(index)) {
    if (const auto at = parseStoredTime(row.columnText(index))) return *at;
  }
  return refusal(row, index, column);
}

Result<std::optional<StoredTime>> optionalColumnTime(const Statement& row, int index, std::string_view column) {
  if (row.columnIsNull(index)) return std::optional<StoredTime>{};
  auto at = columnTime(row, index, column);
  if (!at) return std::move(at).error();
  return std::optional<StoredTime>{*at};
}

StoredTime RowTimes::at(int index, std::string_view column) {
  if (!row_.columnIsNull(index)) {
    if (const auto at = parseStoredTime(row_.columnText(index))) return *at;
  }
  if (!refused_) refused_ = refusal(row_, index, fmt::format("{}.{}", table_, column));
  return {};
}

std::optional<StoredTime> RowTimes::optionalAt(int index, std::string_view column) {
  if (row_.columnIsNull(index)) return std::nullopt;
  return at(index, column);
}

Result<void> RowTimes::result() const {
  if (refused_) return *refused_;
  return {};
}

}  // namespace staffchain::store
