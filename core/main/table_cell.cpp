#include "table_cell.hpp"

namespace staffchain::ctl {

namespace {

std::size_t sequenceLength(unsigned char byte) {
  return byte < 0x80 ? 1 : byte < 0xE0 ? 2 : byte < 0xF0 ? 3 : 4;
}

}  // namespace

std::string cell(const std::string& text, std::size_t width) {
  std::string out;
  std::size_t used = 0;
  for (std::size_t i = 0; i < text.size();) {
    const std::size_t length = sequenceLength(static_cast<unsigned char>(text[i]));
    const std::size_t columns = length >= 3 ? 2 : 1;
    if (used + columns > width) {
      if (!out.empty()) out += "\u2026";
      return out;
    }
    out.append(text, i, length);
    used += columns;
    i += length;
  }
  return out;
}

std::string paddedCell(const std::string& text, std::size_t width) {
  std::string out = cell(text, width);
  std::size_t used = 0;
  for (std::size_t i = 0; i < out.size();) {
    const std::size_t length = sequenceLength(static_cast<unsigned char>(out[i]));
    // The ellipsis (3 bytes) takes one column; a CJK character two.
    used += out.compare(i, length, "\u2026") == 0 ? 1U : length >= 3 ? 2U : 1U;
    i += length;
  }
  if (used < width) out.append(width - used, ' ');
  return out;
}

std::string csvCell(const std::string& text) {
  if (text.find_first_of(",\"\n\r") == std::string::npos) return text;
  std::string out = "\"";
  for (char c : text) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

}  // namespace staffchain::ctl
