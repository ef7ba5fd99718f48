// The stored form of an instant without an allocation (a batch binds one per row), and the SQL
// functions that convert older forms, which Database::open defines on every connection.
#pragma once

#include <sqlite3.h>

#include <array>

#include "staffchain/store/stored_time.hpp"

namespace staffchain::store::detail {

using StoredTimeText = std::array<char, kStoredTimeWidth>;

StoredTimeText storedTimeText(StoredTime at) noexcept;

// stored_time_from_millis and stored_time_from_seconds (stored_time.hpp); SQLite's code.
int defineStoredTimeFunctions(sqlite3* db) noexcept;

}  // namespace staffchain::store::detail
