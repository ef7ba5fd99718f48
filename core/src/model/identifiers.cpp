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

int digitValue(char c) noexcept {
  return c - '0';
}

// Value of each byte in the credit-code alphabet, -1 outside it: checked for every payroll row.
constexpr std::array<std::int8_t, 256> kCreditCodeValues = [] {
  std::array<std::int8_t, 256> table{};
  table.fill(-1);
  for (std::size_t i = 0; i < kCreditCodeAlphabet.size(); ++i) {
    table[static_cast<unsigned char>(kCreditCodeAlphabet[i])] = static_cast<std::int8_t>(i);
  }
  return table;
}();

int creditCodeValue(char c) noexcept {
  return kCreditCodeValues[static_cast<unsigned char>(c)];
}

// The UTF-8 length of the character a lead byte starts, 0 for a byte that starts none.
std::size_t utf8Length(unsigned char lead) noexcept {
  if (lead < 0x80U) return 1;
  if (lead >= 0xC2U && lead <= 0xDFU) return 2;
  if (lead >= 0xE0U && lead <= 0xEFU) return 3;
  if (lead >= 0xF0U && lead <= 0xF4U) return 4;
  return 0;
}

// The character at byte `at` as a reason quotes it ("'１'", "'一'"), so that a person sees
// what is wrong with a full-width or Chinese value, not a byte of it.
std::string describeCharAt(std::string_view text, std::size_t at) {
  const auto lead = static_cast<unsigned char>(text[at]);
  if (lead < 0x20U || lead == 0x7FU) return "a control character";
  const auto length = utf8Length(lead);
  if (length == 0 || at + length > text.size()) return "a non-ASCII character";
  for (std::size_t i = at + 1; i < at + length; ++i) {
    if ((static_cast<unsigned char>(text[i]) & 0xC0U) != 0x80U) return "a non-ASCII character";
  }
  return fmt::format("'{}'", text.substr(at, length));
}

// "character '一' at position 7": positions count characters, as a person counts them.
std::string describePosition(std::string_view text, std::size_t at) {
  const auto what = describeCharAt(text, at);
  return fmt::format("{}{} at position {}", what.starts_with('\'') ? "character " : "", what,
                     detail::countCharacters(text.substr(0, at)) + 1);
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
// Precondition: `count` <= text.size().
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

// Precondition: `run` is 17 digits and a digit, X or x.
bool isCitizenIdRun(std::string_view run) noexcept {
  return isRealBirthDate(run.substr(6, 8)) && citizenIdCheckChar(run.substr(0, 17)) == detail::toUpperAscii(run[17]);
}

// GB 32100-2015 table 1: the registering authority (1 establishment office, 2 foreign affairs,
// 3 justice, ..., 9 market regulation, A, N, Y) and the kinds of body each registers.
bool isKnownRegistration(char authority, char kind) noexcept {
  static constexpr std::array<std::string_view, 9> kKindsByDigit{"1239", "19",  "123459", "19", "1239",
                                                                 "129",  "129", "19",     "123"};
  if (authority >= '1' && authority <= '9') {
    return kKindsByDigit[static_cast<std::size_t>(authority - '1')].find(kind) != std::string_view::npos;
  }
  if (authority == 'A') return kind == '1' || kind == '9';
  if (authority == 'N') return kind == '1' || kind == '2' || kind == '3' || kind == '9';
  return authority == 'Y' && kind == '1';
}

// A credit code as a unit really has one: a known registration, a registering region whose first
// two digits are a province (or 10, the state), and the MOD 31 check. A citizen id with a wrong
// check digit passes the MOD 31 check alone one time in 31; with the structure, about one in 200
// does, and none from Inner Mongolia (province 15: authority 1 registers no kind 5).
bool isCreditCodeRun(std::string_view run) noexcept {
  if (run.size() != 18) return false;
  std::array<char, 18> code{};
  for (std::size_t i = 0; i < code.size(); ++i) {
    code[i] = detail::toUpperAscii(run[i]);
    if (creditCodeValue(code[i]) < 0) return false;
  }
  if (!isKnownRegistration(code[0], code[1])) return false;
  if (!detail::isDigit(code[2]) || !detail::isDigit(code[3])) return false;
  const int province = digitValue(code[2]) * 10 + digitValue(code[3]);
  if (province != 10 && !isProvincePrefix(province)) return false;
  return creditCodeCheckChar(std::string_view(code.data(), 17)) == code[17];
}

// Whether a run of 15 or 18 letters and digits (full-width forms folded to ASCII) is masked for
// display.
//
// Citizen ids (DOMAIN.md §4) are masked, unit credit codes must stay readable, and both are 18
// characters: a code of a unit registered by the establishment office may be all digits with a
// final X (12150700XXXXXXX57X), shaped exactly like an id. Their checks tell them apart:
// - A valid citizen id (real birth date and MOD 11-2 check: what checkCitizenId accepts) is
//   masked, even when it is also a valid credit code. Such ambiguity is rare, and rarer for
//   codes: about 3 in 10,000 id-shaped credit codes pass the citizen id's date and check (next
//   to none of Hulunbuir's: region 1507xx puts "00".."85" where the birth year's century goes,
//   and only 150721 with an organisation code starting 00 makes a year in range, 2100), while
//   about 1 citizen id in 31 passes the credit code's MOD 31 check. Keeping the ambiguous ones
//   readable would leak ids; masking them hides a unit code in a few thousand.
// - Else a credit code that is valid and well formed (isCreditCodeRun) stays readable.
// - Else a run shaped like an id (17 digits and a digit or X) is masked all the same: it is most
//   likely a mistyped id (a quarantined cell shows one in its DATA-001 message), and a person's id
//   with one wrong digit still names that person.
// - 15 digits are a legacy id when digits 7-12 are a real birth date ("19" implied). Legacy ids
//   carry no check digit, so the date is all there is to go on; it spares most 15-digit numbers
//   that are not ids, such as old business registration numbers.
bool masksRun(std::string_view run) noexcept {
  if (run.size() == 15) {
    if (firstNonDigit(run, 15) != 15) return false;
    std::array<char, 8> date{'1', '9'};
    std::copy_n(run.data() + 6, 6, date.data() + 2);
    return isRealBirthDate(std::string_view(date.data(), date.size()));
  }
  if (run.size() != 18) return false;
  const char last = detail::toUpperAscii(run[17]);
  if (firstNonDigit(run, 17) != 17 || (!detail::isDigit(last) && last != 'X')) return false;  // not id-shaped
  if (isCitizenIdRun(run)) return true;
  return !isCreditCodeRun(run);
}

// A letter or digit of a text as the masking scanner reads it: its ASCII value (a full-width one
// folded) and its size in bytes; {'\0', 1} for anything else.
struct ScannedChar {
  char ascii;
  std::size_t size;
};

// Reads an ASCII text: nearly every log line (isAscii tells eight bytes at a time).
struct AsciiReader {
  static ScannedChar at(std::string_view text, std::size_t i) noexcept {
    const char c = text[i];
    return {detail::isAsciiAlnum(c) ? c : '\0', 1};
  }
};

// Reads any UTF-8 text, folding full-width letters and digits; only those start with 0xEF.
struct FullWidthReader {
  static ScannedChar at(std::string_view text, std::size_t i) noexcept {
    const char c = text[i];
    if (detail::isAsciiAlnum(c)) return {c, 1};
    if (static_cast<unsigned char>(c) == 0xEFU) {
      const char folded = detail::fullWidthAsciiAt(std::string_view(text.data() + i, text.size() - i));
      if (detail::isAsciiAlnum(folded)) return {folded, detail::kFullWidthSize};
    }
    return {'\0', 1};
  }
};

// Appends `run` (`length` characters) with all but its first 6 and last 4 characters starred. A
// full-width character becomes the full-width asterisk, so the text keeps its length and layout.
void appendMasked(std::string_view run, std::size_t length, std::string& out) {
  if (run.size() == length) {
    out.append(run.substr(0, 6));
    out.append(length - 10, '*');
    out.append(run.substr(length - 4));
    return;
  }
  constexpr std::string_view kFullWidthStar = "\xEF\xBC\x8A";
  std::size_t at = 0;
  for (std::size_t k = 0; k < length; ++k) {
    const auto size = FullWidthReader::at(run, at).size;
    if (k < 6 || k + 4 >= length) {
      out.append(run.substr(at, size));
    } else {
      out.append(size == 1 ? std::string_view("*") : kFullWidthStar);
    }
    at += size;
  }
}

// Writes the masked `text` to `out` when a run in it is masked and returns true; returns false,
// leaving `out` alone, when none is. Log lines rarely hold an id, so nothing is copied until one
// turns up.
template <typename Reader>
bool maskRuns(std::string_view text, std::string& out) {
  bool masking = false;
  std::size_t copied = 0;  // text[0, copied) is already in `out`
  std::size_t i = 0;
  const std::size_t n = text.size();
  std::array<char, 18> run{};  // a run of 15 or 18 characters, folded
  while (i < n) {
    ScannedChar c = Reader::at(text, i);
    if (c.ascii == '\0') {
      ++i;
      continue;
    }
    const std::size_t start = i;
    std::size_t length = 0;
    do {
      ++length;
      i += c.size;
    } while (i < n && (c = Reader::at(text, i)).ascii != '\0');
    if (length != 15 && length != 18) continue;  // most words: no second look
    for (std::size_t k = 0, at = start; k < length; ++k) {
      c = Reader::at(text, at);
      run[k] = c.ascii;
      at += c.size;
    }
    if (!masksRun(std::string_view(run.data(), length))) continue;
    if (!masking) {
      out.clear();
      out.reserve(n);
      masking = true;
    }
    out.append(text.substr(copied, start - copied));
    appendMasked(text.substr(start, i - start), length, out);
    copied = i;
  }
  if (masking) out.append(text.substr(copied));
  return masking;
}

bool maskInto(std::string_view text, std::string& out) {
  return detail::isAscii(text) ? maskRuns<AsciiReader>(text, out) : maskRuns<FullWidthReader>(text, out);
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
  // Counting characters takes a pass over the text; an id of 17 or 15 ASCII digits first, nearly
  // every one, has as many characters as bytes.
  const bool plain =
      (text.size() == 18 && firstNonDigit(text, 17) == 17) || (text.size() == 15 && firstNonDigit(text, 15) == 15);
  const auto characters = plain ? text.size() : detail::countCharacters(text);
  if (characters == 15) {
    if (const auto bad = firstNonDigit(text, text.size()); bad != text.size()) {
      return {std::nullopt, describePosition(text, bad) + " is not a digit"};
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
  if (characters != 18) {
    return {std::nullopt, fmt::format("has {} characters, expected 18 (or a legacy 15-digit id)", characters)};
  }
  if (const auto bad = plain ? 17 : firstNonDigit(text, 17); bad != 17) {
    return {std::nullopt, describePosition(text, bad) + " is not a digit"};
  }
  // The first 17 characters are ASCII digits, so the 18th starts at byte 17.
  const char last = detail::toUpperAscii(text[17]);
  if (text.size() != 18 || (!detail::isDigit(last) && last != 'X')) {
    auto what = describeCharAt(text, 17);
    if (!what.starts_with('\'')) what = "(" + what + ")";
    return {std::nullopt, fmt::format("last character {} is not a digit or X", what)};
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

Sex sexOf(const PersonId& id) noexcept {
  return digitValue(id.chars[16]) % 2 == 1 ? Sex::male : Sex::female;
}

std::string_view regionOf(const PersonId& id) noexcept {
  return id.view().substr(0, 6);
}

char creditCodeCheckChar(std::string_view first17) noexcept {
  int sum = 0;
  for (std::size_t i = 0; i < 17; ++i) sum += creditCodeValue(first17[i]) * kCreditCodeWeights[i];
  const int check = (31 - sum % 31) % 31;
  return kCreditCodeAlphabet[static_cast<std::size_t>(check)];
}

Checked<UnitId> checkCreditCode(std::string_view text) {
  text = detail::trim(text);
  if (text.empty()) return {std::nullopt, "is empty, expected an 18-character credit code"};
  if (const auto characters = detail::countCharacters(text); characters != 18) {
    return {std::nullopt, fmt::format("has {} characters, expected 18", characters)};
  }
  // Every byte is looked at: 18 characters may take more bytes (a non-ASCII one, or a stray UTF-8
  // continuation byte that counts as none), and the first that is not in the alphabet is named.
  std::array<char, 18> code{};
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = detail::toUpperAscii(text[i]);
    if (creditCodeValue(c) < 0) {
      return {std::nullopt, describePosition(text, i) +
                                " is not in the credit-code alphabet (digits and capitals except I, O, S, V, Z)"};
    }
    if (i < code.size()) code[i] = c;
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
  std::string masked;
  if (!maskInto(text, masked)) return std::string(text);
  return masked;
}

std::string_view maskCitizenIds(std::string_view text, std::string& buffer) {
  return maskInto(text, buffer) ? std::string_view(buffer) : text;
}

}  // namespace staffchain::model
