// convertText: a whole text from one character encoding to another, for the csv source (GB18030
// files read as UTF-8) and the csv sink (notices written as GB18030).
#pragma once

#include <cstddef>
#include <optional>
#include <string>

namespace staffchain::csv {

struct Converted {
  std::string text;
  bool unsupported = false;              // this system's iconv cannot convert between the two
  std::optional<std::size_t> failed_at;  // the input's byte where conversion stopped
  std::string reason;                    // why it stopped there (strerror of iconv's errno)
};

// iconv names: "UTF-8", "GB18030".
Converted convertText(const std::string& input, const char* to, const char* from);

}  // namespace staffchain::csv
