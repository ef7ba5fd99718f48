#include "staffchain/model/identifiers.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdint>

#include "text.hpp"

namespace staffchain::model {
namespace {

constexpr std::array<int, 17> kCitizenIdWeights{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
constexpr std::string_view kCitizenIdCheckChars = "10X98765432";

constexpr std::string_view kCreditCodeAlphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY";
constexpr std::array<int, 17> kCreditCodeWeights{1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28};

// People born before 1900 still hold valid ids (the standard's own example is born 1880),
// so the birth date only has to be a real calendar date in a plausible range.
constexpr int kEarliestBirthYear = 1800;
constexpr int kLatestBirthYear = 2100;

int digitValue(char c) noexcept { return c - '0'; }

// Value of each byte in the credit-code alphabet, -1 outside it: checked for every payroll row.
constexpr std::array<std::int8_t, 256> kCreditCodeValues = [] {
  std::array<std::int8_t, 256> table{};
  table.fill(-1);
  for (std::size_t i = 0; i < kCreditCodeAlphabet.size(); ++i) {
    table[static_cast<unsigned char>(kCreditCodeAlphabet[i])] = static_cast<std::int8_t>(i);
  }
  return table;
}();

int creditCodeValue(char c) noexcept { return kCreditCodeValues[static_cast<unsigned char>(c)]; }

// Counts characters, not bytes, so that a reason about a cell with Chinese text is right.
std::size_t countCharacters(std::string_view text) noexcept {
  std::size_t count = 0;
  for (const char c : text) {
    if ((static_cast<unsigned char>(c) & 0xC0U) != 0x80U) ++count;
  }
  return count;
}

std::string describeChar(char c) {
  if (static_cast<unsigned char>(c) < 0x20U || static_cast<unsigned char>(c) >= 0x7FU) return "a non-ASCII character";
  return fmt::format("'{}'", c);
}

bool isRealBirthDate(std::string_view yyyymmdd) noexcept {
  int year = 0;
  int month = 0;
  int day = 0;
  for (std::size_t i = 0; i < 4; ++i) year = year * 10 + digitValue(yyyymmdd[i]);
  for (std::size_t i = 4; i < 6; ++i) month = month * 10 + digitValue(yyyymmdd[i]);
  for (std::size_t i = 6; i < 8; ++i) day = day * 10 + digitValue(yyyymmdd[i]);
  if (year < kEarliestBirthYear || year > kLatestBirthYear) return false;
  const std::chrono::year_month_day ymd{std::chrono::year{year}, std::chrono::month{static_cast<unsigned>(month)},
                                        std::chrono::day{static_cast<unsigned>(day)}};
  return ymd.ok();
}

// The first position (0-based) in [0, count) that is not a digit, or count.
std::size_t firstNonDigit(std::string_view text, std::size_t count) noexcept {
  for (std::size_t i = 0; i < count; ++i) {
    if (!detail::isDigit(text[i])) return i;
  }
  return count;
}

struct RegionName {
  std::string_view code;
  std::string_view name;
};
constexpr std::array<RegionName, 15> kRegionNames{{
    {"150700", "呼伦贝尔市"},
    {"150702", "海拉尔区"},
    {"150703", "扎赉诺尔区"},
    {"150721", "阿荣旗"},
    {"150722", "莫力达瓦达斡尔族自治旗"},
    {"150723", "鄂伦春自治旗"},
    {"150724", "鄂温克族自治旗"},
    {"150725", "陈巴尔虎旗"},
    {"150726", "新巴尔虎左旗"},
    {"150727", "新巴尔虎右旗"},
    {"150781", "满洲里市"},
    {"150782", "牙克石市"},
    {"150783", "扎兰屯市"},
    {"150784", "额尔古纳市"},
    {"150785", "根河市"},
}};

bool isProvincePrefix(int prefix) noexcept {
  return (prefix >= 11 && prefix <= 15) || (prefix >= 21 && prefix <= 23) || (prefix >= 31 && prefix <= 37) ||
         (prefix >= 41 && prefix <= 46) || (prefix >= 50 && prefix <= 54) || (prefix >= 61 && prefix <= 65) ||
         prefix == 71 || prefix == 81 || prefix == 82;
}

constexpr bool isAsciiAlnum(char c) noexcept {
  return detail::isDigit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

// A token that looks like a citizen id: exactly what checkCitizenId would try to read, so
// that nothing it would accept is ever logged in full.
bool looksLikeCitizenId(std::string_view token) noexcept {
  if (token.size() == 15) return firstNonDigit(token, 15) == 15;
  if (token.size() != 18) return false;
  const char last = token[17];
  return firstNonDigit(token, 17) == 17 && (detail::isDigit(last) || last == 'X' || last == 'x');
}

}  // namespace

char citizenIdCheckChar(std::string_view first17) noexcept {
  int sum = 0;
  for (std::size_t i = 0; i < 17; ++i) sum += digitValue(first17[i]) * kCitizenIdWeights[i];
  return kCitizenIdCheckChars[static_cast<std::size_t>(sum % 11)];
}

Checked<PersonId> checkCitizenId(std::string_view text) {
  text = detail::trim(text);
  if (text.empty()) return {std::nullopt, "is empty, expected an 18-digit citizen id"};
  if (text.size() == 15) {
    if (const auto bad = firstNonDigit(text, 15); bad != 15) {
      return {std::nullopt,
              fmt::format("character {} at position {} is not a digit", describeChar(text[bad]), bad + 1)};
    }
    std::array<char, 18> upgraded{};
    std::copy_n(text.data(), 6, upgraded.data());
    upgraded[6] = '1';
    upgraded[7] = '9';
    std::copy_n(text.data() + 6, 9, upgraded.data() + 8);
    const std::string_view first17(upgraded.data(), 17);
    if (!isRealBirthDate(first17.substr(6, 8))) {
      return {std::nullopt, fmt::format("birth date {} is not a real date", first17.substr(6, 8))};
    }
    upgraded[17] = citizenIdCheckChar(first17);
    return {PersonId::fromValid(std::string_view(upgraded.data(), upgraded.size())), {}};
  }
  if (text.size() != 18) {
    return {std::nullopt,
            fmt::format("has {} characters, expected 18 (or a legacy 15-digit id)", countCharacters(text))};
  }
  if (const auto bad = firstNonDigit(text, 17); bad != 17) {
    return {std::nullopt, fmt::format("character {} at position {} is not a digit", describeChar(text[bad]), bad + 1)};
  }
  const char last = detail::toUpperAscii(text[17]);
  if (!detail::isDigit(last) && last != 'X') {
    return {std::nullopt, fmt::format("last character {} is not a digit or X", describeChar(text[17]))};
  }
  if (!isRealBirthDate(text.substr(6, 8))) {
    return {std::nullopt, fmt::format("birth date {} is not a real date", text.substr(6, 8))};
  }
  const char expected = citizenIdCheckChar(text.substr(0, 17));
  if (last != expected) return {std::nullopt, fmt::format("check digit is {}, expected {}", last, expected)};
  std::array<char, 18> normalised{};
  std::copy_n(text.data(), 17, normalised.data());
  normalised[17] = last;
  return {PersonId::fromValid(std::string_view(normalised.data(), normalised.size())), {}};
}

Date birthDateOf(const PersonId& id) noexcept {
  const auto digits = id.view().substr(6, 8);
  int year = 0;
  unsigned month = 0;
  unsigned day = 0;
  for (std::size_t i = 0; i < 4; ++i) year = year * 10 + digitValue(digits[i]);
  for (std::size_t i = 4; i < 6; ++i) month = month * 10 + static_cast<unsigned>(digitValue(digits[i]));
  for (std::size_t i = 6; i < 8; ++i) day = day * 10 + static_cast<unsigned>(digitValue(digits[i]));
  return Date::fromYmd(year, month, day);
}

Sex sexOf(const PersonId& id) noexcept { return digitValue(id.chars[16]) % 2 == 1 ? Sex::male : Sex::female; }

std::string_view regionOf(const PersonId& id) noexcept { return id.view().substr(0, 6); }

char creditCodeCheckChar(std::string_view first17) noexcept {
  int sum = 0;
  for (std::size_t i = 0; i < 17; ++i) sum += creditCodeValue(first17[i]) * kCreditCodeWeights[i];
  const int check = (31 - sum % 31) % 31;
  return kCreditCodeAlphabet[static_cast<std::size_t>(check)];
}

Checked<UnitId> checkCreditCode(std::string_view text) {
  text = detail::trim(text);
  if (text.empty()) return {std::nullopt, "is empty, expected an 18-character credit code"};
  if (text.size() != 18) {
    return {std::nullopt, fmt::format("has {} characters, expected 18", countCharacters(text))};
  }
  std::array<char, 18> code{};
  for (std::size_t i = 0; i < 18; ++i) {
    code[i] = detail::toUpperAscii(text[i]);
    if (creditCodeValue(code[i]) < 0) {
      return {std::nullopt, fmt::format("character {} at position {} is not in the credit-code alphabet "
                                        "(digits and capitals except I, O, S, V, Z)",
                                        describeChar(text[i]), i + 1)};
    }
  }
  const char expected = creditCodeCheckChar(std::string_view(code.data(), 17));
  if (code[17] != expected)
    return {std::nullopt, fmt::format("check character is {}, expected {}", code[17], expected)};
  return {UnitId::fromValid(std::string_view(code.data(), code.size())), {}};
}

Checked<std::string> checkRegionCode(std::string_view text) {
  text = detail::trim(text);
  if (text.size() != 6 || firstNonDigit(text, 6) != 6) {
    return {std::nullopt, "is not a region code (expected 6 digits)"};
  }
  const int prefix = digitValue(text[0]) * 10 + digitValue(text[1]);
  if (!isProvincePrefix(prefix)) {
    return {std::nullopt, fmt::format("province prefix {} is not a province code", text.substr(0, 2))};
  }
  return {std::string(text), {}};
}

std::string_view regionName(std::string_view code) noexcept {
  for (const auto& region : kRegionNames) {
    if (region.code == code) return region.name;
  }
  return {};
}

std::string maskCitizenId(std::string_view id) {
  if (id.size() < 10) return std::string(id.size(), '*');
  std::string masked(id);
  for (std::size_t i = 6; i + 4 < id.size(); ++i) masked[i] = '*';
  return masked;
}

std::string maskCitizenIds(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  std::size_t copied = 0;  // text[0, copied) is already in `out`
  std::size_t i = 0;
  const std::size_t n = text.size();
  while (i < n) {
    // Runs shorter than 15 characters are skipped without a second look: most log text.
    if (!isAsciiAlnum(text[i])) {
      ++i;
      continue;
    }
    const std::size_t start = i;
    while (i < n && isAsciiAlnum(text[i])) ++i;
    const auto token = text.substr(start, i - start);
    if (looksLikeCitizenId(token)) {
      out.append(text.substr(copied, start - copied));
      out.append(token.substr(0, 6));
      out.append(token.size() - 10, '*');
      out.append(token.substr(token.size() - 4));
      copied = i;
    }
  }
  out.append(text.substr(copied));
  return out;
}

}  // namespace staffchain::model
