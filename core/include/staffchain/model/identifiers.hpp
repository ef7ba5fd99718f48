// Identifier checks of DOMAIN.md §4: citizen ids (GB 11643-1999), unit credit codes
// (GB 32100-2015), region codes (GB/T 2260), and the masking of citizen ids for display.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "staffchain/model/calendar.hpp"
#include "staffchain/model/records.hpp"

namespace staffchain::model {

enum class Sex : std::uint8_t { male, female };

// The outcome of a check: the normalised value, or why it failed (one short English phrase,
// e.g. "check digit is 3, expected X").
template <typename T>
struct Checked {
  std::optional<T> value;
  std::string reason;
  explicit operator bool() const noexcept { return value.has_value(); }
};

// The check character of the first 17 digits of a citizen id ('0'-'9' or 'X').
// Precondition: `first17` is 17 ASCII digits.
char citizenIdCheckChar(std::string_view first17) noexcept;

// Accepts 18 characters (17 digits + digit or X/x) with a valid check character and a real
// birth date, or a legacy 15-digit id (upgraded: "19" inserted, check added). Surrounding
// spaces are trimmed. The result is upper-case and 18 characters. Full-width digits are not
// read here (normalise folds every cell first); reasons count and quote characters, not bytes.
Checked<PersonId> checkCitizenId(std::string_view text);

Date birthDateOf(const PersonId& id) noexcept;           // digits 7-14
Sex sexOf(const PersonId& id) noexcept;                  // digit 17: odd is male
std::string_view regionOf(const PersonId& id) noexcept;  // first 6 digits

// The check character of the first 17 characters of a credit code.
// Precondition: `first17` consists of characters from the code's alphabet.
char creditCodeCheckChar(std::string_view first17) noexcept;

// Accepts 18 characters from 0123456789ABCDEFGHJKLMNPQRTUWXY (lower case is upper-cased)
// with a valid check character.
Checked<UnitId> checkCreditCode(std::string_view text);

// 6 digits; a known province prefix. Returns the code.
Checked<std::string> checkRegionCode(std::string_view text);
// The name of a region code of DOMAIN.md §4 ("海拉尔区"), or empty when not in the table.
std::string_view regionName(std::string_view code) noexcept;

// "150702********123X": the first 6 and last 4 characters stay.
std::string maskCitizenId(std::string_view id);
// Returns `text` with every citizen id in it masked as maskCitizenId does: each run of letters
// and digits (ASCII or full-width, "１５０７０２…") that is a valid citizen id, or shaped like one
// (17 digits + digit/X/x) without being a valid unit credit code, or 15 digits around a real
// birth date (a legacy id). Unit credit codes stay readable. A masked full-width character
// becomes '＊', so the text keeps its length.
std::string maskCitizenIds(std::string_view text);
// The same, for hot paths (every log line): returns `text` itself when nothing in it is masked,
// allocating nothing; else the masked text, written to `buffer` (which a caller can reuse).
std::string_view maskCitizenIds(std::string_view text, std::string& buffer);

}  // namespace staffchain::model
