// Small text helpers shared by the model's parsers (internal to the model library).
#pragma once

#include <string_view>

namespace staffchain::model::detail {

// Exports from Chinese office software pad cells with the full-width space U+3000 as often
// as with ASCII blanks, so both are trimmed everywhere a value is read.
inline constexpr std::string_view kFullWidthSpace = "\xE3\x80\x80";

constexpr bool isAsciiSpace(char c) noexcept {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f';
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

constexpr bool isDigit(char c) noexcept { return c >= '0' && c <= '9'; }

constexpr char toUpperAscii(char c) noexcept { return (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c; }

constexpr bool equalsIgnoreAsciiCase(std::string_view a, std::string_view b) noexcept {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (toUpperAscii(a[i]) != toUpperAscii(b[i])) return false;
  }
  return true;
}

}  // namespace staffchain::model::detail
