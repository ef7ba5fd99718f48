// Small text helpers shared by the model's parsers (internal to the model library).
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

namespace staffchain::model::detail {

// Exports from Chinese office software pad cells with the full-width space U+3000 as often
// as with ASCII blanks, so both are trimmed everywhere a value is read.
inline constexpr std::string_view kFullWidthSpace = "\xE3\x80\x80";

constexpr bool isAsciiSpace(char c) noexcept {
  return c == ' ' || (c >= '\t' && c <= '\r');
}

// Trims ASCII blanks only: for a cell already folded (its U+3000 blanks are ' ' by then).
constexpr std::string_view trimAscii(std::string_view text) noexcept {
  while (!text.empty() && isAsciiSpace(text.front())) text.remove_prefix(1);
  while (!text.empty() && isAsciiSpace(text.back())) text.remove_suffix(1);
  return text;
}

constexpr std::string_view trim(std::string_view text) noexcept {
  for (;;) {
    if (!text.empty() && isAsciiSpace(text.front())) {
      text.remove_prefix(1);
    } else if (text.starts_with(kFullWidthSpace)) {
      text.remove_prefix(kFullWidthSpace.size());
    } else {
      break;
    }
  }
  for (;;) {
    if (!text.empty() && isAsciiSpace(text.back())) {
      text.remove_suffix(1);
    } else if (text.ends_with(kFullWidthSpace)) {
      text.remove_suffix(kFullWidthSpace.size());
    } else {
      break;
    }
  }
  return text;
}

constexpr bool isDigit(char c) noexcept {
  return c >= '0' && c <= '9';
}

constexpr bool isAsciiAlnum(char c) noexcept {
  return isDigit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

// Eight bytes at a time, no early exit: nearly every cell of a large export is ASCII, and this
// is all that folding full-width forms costs such a cell.
inline bool isAscii(std::string_view text) noexcept {
  constexpr std::uint64_t kHighBits = 0x8080808080808080U;
  const auto word = [](const char* at, auto w) {
    std::memcpy(&w, at, sizeof w);
    return static_cast<std::uint64_t>(w);
  };
  const char* p = text.data();
  const std::size_t n = text.size();
  std::uint64_t bits = 0;
  // Whole words, then the tail as one more word overlapping what was read ("2024-07" is two
  // overlapping 4-byte reads).
  if (n >= 8) {
    for (std::size_t i = 0; i + 8 <= n; i += 8) bits |= word(p + i, std::uint64_t{});
    bits |= word(p + n - 8, std::uint64_t{});
  } else if (n >= 4) {
    bits = word(p, std::uint32_t{}) | word(p + n - 4, std::uint32_t{});
  } else {
    for (std::size_t i = 0; i < n; ++i) bits |= static_cast<unsigned char>(p[i]);
  }
  return (bits & kHighBits) == 0;
}

// Chinese input methods type digits, letters and punctuation as full-width forms (U+FF01..U+FF5E,
// "１５０７０２", "Ｘ") and the blank as U+3000; each is three bytes in UTF-8 (EF BC 81..BF,
// EF BD 80..9E, E3 80 80). Returns the ASCII character one at the start of `text` stands for,
// or '\0' when `text` does not start with one.
constexpr char fullWidthAsciiAt(std::string_view text) noexcept {
  if (text.size() < 3) return '\0';
  const auto lead = static_cast<unsigned char>(text[0]);
  const auto middle = static_cast<unsigned char>(text[1]);
  const auto last = static_cast<unsigned char>(text[2]);
  if (lead == 0xEFU && middle == 0xBCU && last >= 0x81U && last <= 0xBFU) return static_cast<char>(last - 0x60U);
  if (lead == 0xEFU && middle == 0xBDU && last >= 0x80U && last <= 0x9EU) return static_cast<char>(last - 0x20U);
  if (lead == 0xE3U && middle == 0x80U && last == 0x80U) return ' ';
  return '\0';
}
inline constexpr std::size_t kFullWidthSize = 3;

// Whether some byte of `text` is 0xEF or 0xE3, the lead bytes of full-width forms and of U+3000:
// eight bytes at a time (the SWAR zero-byte test), as Chinese cells have none in most words.
inline bool mayHoldFullWidth(std::string_view text) noexcept {
  constexpr std::uint64_t kOnes = 0x0101010101010101U;
  constexpr std::uint64_t kHighBits = 0x8080808080808080U;
  const auto hasLead = [](const char* at) {
    std::uint64_t w = 0;
    std::memcpy(&w, at, sizeof w);
    const std::uint64_t ef = w ^ (kOnes * 0xEFU);
    const std::uint64_t e3 = w ^ (kOnes * 0xE3U);
    return (((ef - kOnes) & ~ef) | ((e3 - kOnes) & ~e3)) & kHighBits;
  };
  const std::size_t n = text.size();
  if (n < 8) {
    for (const char c : text) {
      if (c == '\xEF' || c == '\xE3') return true;
    }
    return false;
  }
  for (std::size_t i = 0; i + 8 <= n; i += 8) {
    if (hasLead(text.data() + i) != 0) return true;
  }
  return hasLead(text.data() + n - 8) != 0;
}

// The byte position of the first full-width form or ideographic space in `text`, or its size.
inline std::size_t firstFullWidth(std::string_view text) noexcept {
  if (isAscii(text) || !mayHoldFullWidth(text)) return text.size();
  // Character by character (a Chinese one is one step of three bytes), by the lead byte; a stray
  // continuation byte is one step of one.
  std::size_t i = 0;
  while (i + kFullWidthSize <= text.size()) {
    const auto lead = static_cast<unsigned char>(text[i]);
    if (lead < 0xC0U) {
      ++i;
    } else if (lead < 0xE0U) {
      i += 2;
    } else if (lead < 0xF0U) {
      if ((lead == 0xEFU || lead == 0xE3U) && fullWidthAsciiAt(text.substr(i)) != '\0') return i;
      i += 3;
    } else {
      i += 4;
    }
  }
  return text.size();
}

// `text` with its full-width forms and ideographic spaces as ASCII. Returns `text` itself when
// there is nothing to fold (no copy: an ASCII cell is the common case, Chinese text without
// full-width forms the next), else the folded text, written to `scratch`.
inline std::string_view foldFullWidth(std::string_view text, std::string& scratch) {
  std::size_t i = firstFullWidth(text);
  if (i == text.size()) return text;
  scratch.assign(text.substr(0, i));
  while (i < text.size()) {
    if (const char ascii = fullWidthAsciiAt(text.substr(i)); ascii != '\0') {
      scratch.push_back(ascii);
      i += kFullWidthSize;
    } else {
      scratch.push_back(text[i]);
      ++i;
    }
  }
  return scratch;
}

// Counts characters, not bytes (UTF-8 continuation bytes are not counted), so that a message
// about a cell with Chinese or full-width text names the length a person sees.
constexpr std::size_t countCharacters(std::string_view text) noexcept {
  std::size_t count = 0;
  for (const char c : text) {
    if ((static_cast<unsigned char>(c) & 0xC0U) != 0x80U) ++count;
  }
  return count;
}

constexpr char toUpperAscii(char c) noexcept {
  return (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c;
}

constexpr bool equalsIgnoreAsciiCase(std::string_view a, std::string_view b) noexcept {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (toUpperAscii(a[i]) != toUpperAscii(b[i])) return false;
  }
  return true;
}

}  // namespace staffchain::model::detail
