#include "snapshot_guard.hpp"

#include <algorithm>
#include <charconv>
#include <cstdint>

namespace staffchain::ledger::detail {

bool couldBe(const UnreadableKey& row, std::string_view key) {
  if (row.parts.empty()) return true;
  const auto parts = model::keyParts(row.type, key);
  if (parts.size() != row.parts.size()) return true;  // a key of another shape: keep rather than guess
  for (std::size_t i = 0; i < parts.size(); ++i) {
    if (!row.parts[i].empty() && row.parts[i] != parts[i]) return false;
  }
  return true;
}

std::optional<std::string_view> unitOfKey(model::RecordType type, std::string_view key) {
  using model::RecordType;
  const auto part = [&](std::size_t index) -> std::optional<std::string_view> {
    std::size_t begin = 0;
    for (std::size_t i = 0; i < index; ++i) {
      begin = key.find('|', begin);
      if (begin == std::string_view::npos) return std::nullopt;
      ++begin;
    }
    return key.substr(begin, key.find('|', begin) - begin);
  };
  switch (type) {
    case RecordType::unit:
    case RecordType::quota:
    case RecordType::leader_quota:
      return part(0);
    case RecordType::roster:
    case RecordType::payroll:
      return part(1);
    default:
      return std::nullopt;
  }
}

bool breaksGuard(const RemovalGuard& guard, std::size_t stored, std::size_t removed) noexcept {
  return removed > guard.max_rows && static_cast<double>(removed) > guard.max_ratio * static_cast<double>(stored);
}

std::vector<std::pair<std::string, std::size_t>> largestUnits(std::vector<std::pair<std::string, std::size_t>> counts,
                                                              std::size_t keep) {
  std::sort(counts.begin(), counts.end(), [](const auto& a, const auto& b) {
    return a.second != b.second ? a.second > b.second : a.first < b.first;
  });
  if (counts.size() > keep) counts.resize(keep);
  return counts;
}

std::string encodeUnits(const std::vector<std::pair<std::string, std::size_t>>& units) {
  std::string text;
  for (const auto& [unit, count] : units) {
    if (!text.empty()) text.push_back(';');
    text += unit;
    text.push_back(':');
    text += std::to_string(count);
  }
  return text;
}

std::vector<std::pair<std::string, std::size_t>> decodeUnits(std::string_view text) {
  std::vector<std::pair<std::string, std::size_t>> units;
  while (!text.empty()) {
    const auto end = text.find(';');
    const auto item = text.substr(0, end);
    const auto colon = item.rfind(':');
    if (colon != std::string_view::npos) {
      std::size_t count = 0;
      std::from_chars(item.data() + colon + 1, item.data() + item.size(), count);
      units.emplace_back(std::string(item.substr(0, colon)), count);
    }
    if (end == std::string_view::npos) break;
    text.remove_prefix(end + 1);
  }
  return units;
}

void appendPartKey(std::string& blob, std::string_view key) {
  const auto size = static_cast<std::uint32_t>(key.size());
  for (int shift = 0; shift < 32; shift += 8) blob.push_back(static_cast<char>((size >> shift) & 0xFFU));
  blob.append(key);
}

bool readPartKeys(std::string_view blob, std::vector<std::string_view>& keys) {
  while (!blob.empty()) {
    if (blob.size() < 4) return false;
    std::uint32_t size = 0;
    for (int i = 3; i >= 0; --i) size = (size << 8U) | static_cast<unsigned char>(blob[static_cast<std::size_t>(i)]);
    blob.remove_prefix(4);
    if (blob.size() < size) return false;
    keys.push_back(blob.substr(0, size));
    blob.remove_prefix(size);
  }
  return true;
}

}  // namespace staffchain::ledger::detail
