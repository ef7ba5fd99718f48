#include "staffchain/plugin/support/text_encoding.hpp"

#include <fmt/format.h>
#include <iconv.h>

#include <cerrno>
#include <cstdint>
#include <cstring>

namespace staffchain::plugin {
namespace {

constexpr std::string_view kReplacement = "\xEF\xBF\xBD";  // U+FFFD

// The length of the well-formed UTF-8 sequence at `i`, or 0 when the bytes there are not one
// (RFC 3629: no overlong forms, no surrogates, nothing past U+10FFFF).
std::size_t sequenceAt(std::string_view text, std::size_t i) noexcept {
  const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(text[k]); };
  const unsigned char lead = byte(i);
  if (lead < 0x80) return 1;
  const std::size_t left = text.size() - i;
  const auto trail = [&](std::size_t k) { return k < left && (byte(i + k) & 0xC0U) == 0x80U; };
  if (lead >= 0xC2 && lead <= 0xDF) return trail(1) ? 2 : 0;
  if (lead >= 0xE0 && lead <= 0xEF) {
    if (!trail(1) || !trail(2)) return 0;
    const unsigned char second = byte(i + 1);
    if (lead == 0xE0 && second < 0xA0) return 0;  // overlong
    if (lead == 0xED && second > 0x9F) return 0;  // surrogate
    return 3;
  }
  if (lead >= 0xF0 && lead <= 0xF4) {
    if (!trail(1) || !trail(2) || !trail(3)) return 0;
    const unsigned char second = byte(i + 1);
    if (lead == 0xF0 && second < 0x90) return 0;  // overlong
    if (lead == 0xF4 && second > 0x8F) return 0;  // past U+10FFFF
    return 4;
  }
  return 0;
}

// Skips ASCII eight bytes at a time: exports are mostly digits, codes and commas.
std::size_t asciiRunEnd(std::string_view text, std::size_t i) noexcept {
  while (i + 8 <= text.size()) {
    std::uint64_t word = 0;
    std::memcpy(&word, text.data() + i, sizeof word);
    if ((word & 0x8080808080808080ULL) != 0) break;
    i += 8;
  }
  while (i < text.size() && static_cast<unsigned char>(text[i]) < 0x80) ++i;
  return i;
}

struct Utf8Census {
  std::size_t multibyte = 0;  // well-formed sequences of two bytes or more
  std::size_t invalid = 0;    // bytes that start no well-formed sequence
};

Utf8Census census(std::string_view text) noexcept {
  Utf8Census counts;
  std::size_t i = 0;
  while ((i = asciiRunEnd(text, i)) < text.size()) {
    if (const std::size_t length = sequenceAt(text, i); length > 0) {
      ++counts.multibyte;
      i += length;
    } else {
      ++counts.invalid;
      ++i;
    }
  }
  return counts;
}

DecodedText repairedUtf8(std::string_view bytes) {
  DecodedText out;
  out.owned.reserve(bytes.size() + 64);
  std::size_t i = 0;
  while (i < bytes.size()) {
    const std::size_t run_end = asciiRunEnd(bytes, i);
    out.owned.append(bytes.substr(i, run_end - i));
    i = run_end;
    if (i >= bytes.size()) break;
    if (const std::size_t length = sequenceAt(bytes, i); length > 0) {
      out.owned.append(bytes.substr(i, length));
      i += length;
      continue;
    }
    // One replacement for a run of bad bytes: a cut sequence is one problem, not three.
    out.replaced.push_back(out.owned.size());
    out.owned.append(kReplacement);
    while (i < bytes.size() && static_cast<unsigned char>(bytes[i]) >= 0x80 && sequenceAt(bytes, i) == 0) ++i;
  }
  return out;
}

Result<DecodedText> fromGb18030(std::string_view bytes) {
  iconv_t cd = iconv_open("UTF-8", "GB18030");
  if (cd == reinterpret_cast<iconv_t>(-1)) return makeError("this system cannot convert GB18030 (iconv_open failed)");
  DecodedText out;
  out.encoding = "GB18030";
  // A GB18030 character of 2 bytes is 3 in UTF-8, of 4 bytes 4; a replacement of 1 byte is 3.
  out.owned.resize(bytes.size() * 3 + 16);
  char* in_ptr = const_cast<char*>(bytes.data());
  std::size_t in_left = bytes.size();
  char* out_ptr = out.owned.data();
  std::size_t out_left = out.owned.size();
  while (in_left > 0) {
    if (iconv(cd, &in_ptr, &in_left, &out_ptr, &out_left) != static_cast<std::size_t>(-1)) break;
    if (errno != EILSEQ && errno != EINVAL) break;  // E2BIG cannot happen with the room above
    // A byte that starts no GB18030 character (or a cut one at the end): replace it and go on.
    out.replaced.push_back(static_cast<std::size_t>(out_ptr - out.owned.data()));
    std::memcpy(out_ptr, kReplacement.data(), kReplacement.size());
    out_ptr += kReplacement.size();
    out_left -= kReplacement.size();
    ++in_ptr;
    --in_left;
  }
  iconv_close(cd);
  out.owned.resize(out.owned.size() - out_left);
  return out;
}

}  // namespace

Converted convertText(std::string_view input, const char* to, const char* from) {
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

std::optional<TextEncoding> parseTextEncoding(std::string_view name) noexcept {
  if (name == "auto") return TextEncoding::automatic;
  if (name == "utf-8") return TextEncoding::utf8;
  if (name == "gb18030") return TextEncoding::gb18030;
  return std::nullopt;
}

Result<DecodedText> decodeText(std::string_view bytes, TextEncoding wanted) {
  if (wanted == TextEncoding::gb18030) return fromGb18030(bytes);
  const Utf8Census counts = census(bytes);
  if (counts.invalid == 0) {
    DecodedText out;
    out.input_was_utf8 = true;
    return out;
  }
  // A UTF-8 file with a stray byte has far more good sequences than bad bytes; a GB18030 file
  // read as UTF-8 has most of its non-ASCII bytes bad (only about one pair in twelve happens to
  // be well-formed UTF-8).
  if (wanted == TextEncoding::utf8 || counts.multibyte >= 4 * counts.invalid) return repairedUtf8(bytes);
  return fromGb18030(bytes);
}

bool isValidUtf8(std::string_view text) noexcept {
  std::size_t i = 0;
  while ((i = asciiRunEnd(text, i)) < text.size()) {
    const std::size_t length = sequenceAt(text, i);
    if (length == 0) return false;
    i += length;
  }
  return true;
}

std::string toValidUtf8(std::string_view text) {
  if (isValidUtf8(text)) return std::string(text);
  return std::move(repairedUtf8(text).owned);
}

std::string excerpt(std::string_view value, std::size_t max_bytes) {
  if (value.size() <= max_bytes) return toValidUtf8(value);
  std::size_t cut = max_bytes;
  // Back up to a character boundary: never cut a UTF-8 sequence in two.
  while (cut > 0 && (static_cast<unsigned char>(value[cut]) & 0xC0U) == 0x80U) --cut;
  return fmt::format("{}… ({} bytes)", toValidUtf8(value.substr(0, cut)), value.size());
}

}  // namespace staffchain::plugin
