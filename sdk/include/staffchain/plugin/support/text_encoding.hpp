// Character encodings of department exports: decoding a whole export to UTF-8 (Excel on a
// Chinese Windows saves GB18030), converting text for a sink, and keeping what is shown or
// stored valid UTF-8 and short.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "staffchain/plugin/result.hpp"

namespace staffchain::plugin {

struct Converted {
  std::string text;
  bool unsupported = false;              // this system's iconv cannot convert between the two
  std::optional<std::size_t> failed_at;  // the input's byte where conversion stopped
  std::string reason;                    // why it stopped there (strerror of iconv's errno)
};

// A whole text from one encoding to another, all or nothing. iconv names: "UTF-8", "GB18030".
Converted convertText(std::string_view input, const char* to, const char* from);

enum class TextEncoding : std::uint8_t { automatic, utf8, gb18030 };

// "auto", "utf-8", "gb18030" (as the configuration spells them).
std::optional<TextEncoding> parseTextEncoding(std::string_view name) noexcept;

// An export decoded to UTF-8. Bytes that are not valid in the chosen encoding are replaced by
// U+FFFD, and where each replacement stands is kept, so that the row holding it can be refused
// on its own while the rest of the file is read.
struct DecodedText {
  std::string owned;            // the decoded text, unless the input was valid UTF-8 already
  bool input_was_utf8 = false;  // then the text is the input itself: nothing was copied
  const char* encoding = "UTF-8";
  std::vector<std::size_t> replaced;  // offsets of the U+FFFD replacements in the text, ascending
};

// Decodes `bytes`. `automatic` takes valid UTF-8 as it is; otherwise it weighs how much of the
// file reads as UTF-8 against the bytes that do not, and chooses UTF-8 with a few bad bytes or
// GB18030. Errors only when the system cannot convert GB18030 at all.
Result<DecodedText> decodeText(std::string_view bytes, TextEncoding wanted);

// Whether `text` is well-formed UTF-8 (no overlong forms, surrogates or code points past U+10FFFF).
bool isValidUtf8(std::string_view text) noexcept;

// `text` with every ill-formed sequence replaced by U+FFFD: what goes into JSON, logs and messages.
std::string toValidUtf8(std::string_view text);

// A value as it may be shown in a log line, an alert or a quarantine entry: valid UTF-8, cut at a
// character boundary to at most `max_bytes` bytes of the value, and saying how long it was.
inline constexpr std::size_t kExcerptBytes = 200;
std::string excerpt(std::string_view value, std::size_t max_bytes = kExcerptBytes);

}  // namespace staffchain::plugin
