// Control characters in log messages, written out visibly: a value a caller chose (a request
// path, a file name, a peer's answer) can then neither start a forged line in the log nor send
// escape sequences to the terminal of whoever reads it.
#include <cstdint>
#include <optional>

#include "staffchain/logging/logging.hpp"

namespace staffchain::logging {
namespace {

constexpr char kHex[] = "0123456789abcdef";

// The code point of the well-formed UTF-8 sequence at the start of `text`, and its length;
// nullopt for a byte that does not start one (overlong forms and surrogates included).
struct Decoded {
  char32_t code_point;
  std::size_t length;
};

std::optional<Decoded> decodeUtf8(std::string_view text) {
  const auto byte = [&](std::size_t i) { return static_cast<unsigned char>(text[i]); };
  const unsigned char lead = byte(0);
  std::size_t length = 0;
  char32_t code_point = 0;
  char32_t minimum = 0;
  if (lead >= 0xC2 && lead <= 0xDF) {
    length = 2;
    code_point = lead & 0x1FU;
    minimum = 0x80;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    length = 3;
    code_point = lead & 0x0FU;
    minimum = 0x800;
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    length = 4;
    code_point = lead & 0x07U;
    minimum = 0x10000;
  } else {
    return std::nullopt;
  }
  if (text.size() < length) return std::nullopt;
  for (std::size_t i = 1; i < length; ++i) {
    if ((byte(i) & 0xC0U) != 0x80U) return std::nullopt;
    code_point = (code_point << 6U) | (byte(i) & 0x3FU);
  }
  if (code_point < minimum || code_point > 0x10FFFF || (code_point >= 0xD800 && code_point <= 0xDFFF)) {
    return std::nullopt;
  }
  return Decoded{code_point, length};
}

// Code points beyond ASCII that break a line or reorder what a reader sees: the C1 controls
// (NEL among them), the line and paragraph separators, and the bidirectional embeddings,
// overrides and isolates.
bool isInvisibleControl(char32_t c) {
  return (c >= 0x80 && c <= 0x9F) || c == 0x2028 || c == 0x2029 || (c >= 0x202A && c <= 0x202E) ||
         (c >= 0x2066 && c <= 0x2069);
}

void appendByteEscape(std::string& out, unsigned char c) {
  switch (c) {
    case '\n':
      out += "\\n";
      return;
    case '\r':
      out += "\\r";
      return;
    case '\t':
      out += "\\t";
      return;
    default:
      break;
  }
  out += "\\x";
  out += kHex[c >> 4U];
  out += kHex[c & 0x0FU];
}

void appendCodePointEscape(std::string& out, char32_t c) {
  out += "\\u";
  for (int shift = 12; shift >= 0; shift -= 4) out += kHex[(c >> static_cast<unsigned>(shift)) & 0x0FU];
}

bool isPlainAscii(unsigned char c) {
  return c >= 0x20 && c < 0x7F;
}

}  // namespace

std::string_view escapeControlCharacters(std::string_view text, std::string& buffer) {
  // Most lines are plain ASCII or clean UTF-8: find the first thing to escape before copying.
  std::size_t first = 0;
  while (first < text.size()) {
    const auto c = static_cast<unsigned char>(text[first]);
    if (isPlainAscii(c)) {
      ++first;
      continue;
    }
    if (c < 0x80) break;
    const auto decoded = decodeUtf8(text.substr(first));
    if (!decoded || isInvisibleControl(decoded->code_point)) break;
    first += decoded->length;
  }
  if (first == text.size()) return text;

  buffer.assign(text.substr(0, first));
  std::size_t i = first;
  while (i < text.size()) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (isPlainAscii(c)) {
      buffer += static_cast<char>(c);
      ++i;
    } else if (c < 0x80) {
      appendByteEscape(buffer, c);
      ++i;
    } else if (const auto decoded = decodeUtf8(text.substr(i)); !decoded) {
      appendByteEscape(buffer, c);
      ++i;
    } else {
      if (isInvisibleControl(decoded->code_point)) {
        appendCodePointEscape(buffer, decoded->code_point);
      } else {
        buffer.append(text.substr(i, decoded->length));
      }
      i += decoded->length;
    }
  }
  return buffer;
}

}  // namespace staffchain::logging
