// Instants as every table stores them, and the one codec that writes and reads them: UTC
// ISO-8601 text of one width with milliseconds, "2024-05-01T08:00:00.000Z". One width makes
// text order time order, so SQL compares, sorts and indexes times as plain text, and the
// sqlite3 shell shows them as they are. Calendar dates (a roster entry's day, a payroll month)
// are not instants and keep their own forms.
#pragma once

#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "staffchain/plugin/result.hpp"
#include "staffchain/store/statement.hpp"

namespace staffchain::store {

// "YYYY-MM-DDTHH:MM:SS.mmmZ": 24 characters for every instant a system_clock time point holds
// (years 1677 to 2262 with its nanoseconds).
inline constexpr std::size_t kStoredTimeWidth = 24;
inline constexpr std::string_view kStoredTimeForm = "YYYY-MM-DDTHH:MM:SS.mmmZ";

// Rounded down to the millisecond, so that an instant and its stored text order alike.
std::string storedTime(StoredTime at);
// The inverse of storedTime for exactly its form; nothing for any other text (another width,
// another zone than Z, a day or an hour the calendar lacks).
std::optional<StoredTime> parseStoredTime(std::string_view text) noexcept;

// Every connection Database::open makes knows two SQL functions, for the migrations that bring
// older forms to this one inside their transaction. Each leaves NULL as NULL and any value it
// cannot read as it is, for the reader to refuse by name:
//   stored_time_from_millis(x)   an INTEGER of milliseconds since the epoch (the alert store's
//                                form before), as storedTime writes it;
//   stored_time_from_seconds(x)  "YYYY-MM-DDTHH:MM:SSZ" (the ledger's form before), the same
//                                instant as storedTime writes it.

// Column `index` of the current row, which `column` ("alert_outbox.created_at") names in the
// refusal of a value that is not a stored time.
Result<StoredTime> columnTime(const Statement& row, int index, std::string_view column);
// The same, with nothing for NULL.
Result<std::optional<StoredTime>> optionalColumnTime(const Statement& row, int index, std::string_view column);

// Reads the stored times of one row of `table`, keeping the first refusal: a row with several
// times reads as plainly as one without, and is refused as a whole by result().
class RowTimes {
 public:
  RowTimes(const Statement& row, std::string_view table) noexcept : row_(row), table_(table) {}

  // The epoch when refused (result() then says why).
  StoredTime at(int index, std::string_view column);
  // Nothing for NULL.
  std::optional<StoredTime> optionalAt(int index, std::string_view column);
  [[nodiscard]] Result<void> result() const;

 private:
  const Statement& row_;
  std::string_view table_;
  std::optional<Error> refused_;
};

}  // namespace staffchain::store
