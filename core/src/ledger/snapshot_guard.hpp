// How a full snapshot decides its removals: keys split into their parts, unreadable rows
// matched against the held keys they could be, and the removal guard's verdict (DOMAIN.md §5:
// a snapshot suddenly far smaller than the last is more likely a broken export than a mass exit).
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "staffchain/ledger/ledger.hpp"

namespace staffchain::ledger::detail {

// Whether a held record's key could be the key of the unreadable row: every part the row let
// be read is equal (a row with no readable part could be any record of its type).
bool couldBe(const UnreadableKey& row, std::string_view key);

// The unit a key names, for the records keyed by unit or by person and unit.
std::optional<std::string_view> unitOfKey(model::RecordType type, std::string_view key);

// Whether removing `removed` of `stored` records breaks the guard (more than both limits).
bool breaksGuard(const RemovalGuard& guard, std::size_t stored, std::size_t removed) noexcept;

// The units losing most records first, at most `keep`: "unit:count" pairs in a text column.
std::vector<std::pair<std::string, std::size_t>> largestUnits(std::vector<std::pair<std::string, std::size_t>> counts,
                                                              std::size_t keep);
std::string encodeUnits(const std::vector<std::pair<std::string, std::size_t>>& units);
std::vector<std::pair<std::string, std::size_t>> decodeUnits(std::string_view text);

// The keys one part of a snapshot carried, in one BLOB (one row per part, not per key: a part
// of a payroll export has a hundred thousand): each key's length in four bytes, little-endian,
// then its bytes.
void appendPartKey(std::string& blob, std::string_view key);
// The keys back, in the order written; false (and the keys read so far left in `keys`) when the
// blob is cut short.
bool readPartKeys(std::string_view blob, std::vector<std::string_view>& keys);

}  // namespace staffchain::ledger::detail
