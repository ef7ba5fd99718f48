#include "table_cell.hpp"

namespace staffchain::ctl {

namespace {

// `text` cut to `width` display columns, and how many columns the result takes.
std::string fit(const std::string& text, std::size_t width, std::size_t& used) {
  std::string out;
  used = 0;
  for (std::size_t i = 0; i < text.size();) {
    const auto byte = static_cast<unsigned char>(text[i]);
    const std::size_t length = byte < 0x80 ? 1 : byte < 0xE0 ? 2 : byte < 0xF0 ? 3 : 4;
    const std::size_t columns = length >= 3 ? 2 : 1;
    if (used + columns > width) {
      if (!out.empty()) {
        out += "\u2026";  // one column
        ++used;
      }
      return out;
    }
    out.append(text, i, length);
    used += columns;
    i += length;
  }
  return out;
}

}  // namespace

std::string cell(const std::string& text, std::size_t width) {
  std::size_t used = 0;
  return fit(text, width, used);
}

std::string paddedCell(const std::string& text, std::size_t width) {
  std::size_t used = 0;
  std::string out = fit(text, width, used);
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
