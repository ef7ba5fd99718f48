#include "text_encoding.hpp"

#include <iconv.h>

#include <cerrno>
#include <cstring>

namespace staffchain::csv {

Converted convertText(const std::string& input, const char* to, const char* from) {
  Converted converted;
  iconv_t cd = iconv_open(to, from);
  if (cd == reinterpret_cast<iconv_t>(-1)) {
    converted.unsupported = true;
    return converted;
  }
  // Twice the input holds any text either way between UTF-8 and GB18030.
  std::string out(input.size() * 2 + 16, '\0');
  char* in_ptr = const_cast<char*>(input.data());
  std::size_t in_left = input.size();
  char* out_ptr = out.data();
  std::size_t out_left = out.size();
  const std::size_t rc = iconv(cd, &in_ptr, &in_left, &out_ptr, &out_left);
  const int saved = errno;
  iconv_close(cd);
  if (rc == static_cast<std::size_t>(-1)) {
    converted.failed_at = input.size() - in_left;
    converted.reason = std::strerror(saved);
    return converted;
  }
  out.resize(out.size() - out_left);
  converted.text = std::move(out);
  return converted;
}

}  // namespace staffchain::csv
