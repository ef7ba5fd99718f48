// Fuzzes the identifier validators: whatever they accept must pass the check-character rules
// recomputed here from the standards themselves (GB 11643-1999 ISO 7064 MOD 11-2 for citizen ids,
// GB 32100-2015 MOD 31 for credit codes), and the masking must leave no id readable.
#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "staffchain/model/identifiers.hpp"

namespace {

using staffchain::model::checkCitizenId;
using staffchain::model::checkCreditCode;
using staffchain::model::checkRegionCode;

[[noreturn]] void violated(const char* what, std::string_view input) {
  std::fprintf(stderr, "invariant violated: %s (input \"%.*s\")\n", what, static_cast<int>(input.size()), input.data());
  std::abort();
}

void require(bool condition, const char* what, std::string_view input) {
  if (!condition) violated(what, input);
}

bool isDigit(char c) {
  return c >= '0' && c <= '9';
}

bool allDigits(std::string_view text) {
  for (const char c : text) {
    if (!isDigit(c)) return false;
  }
  return true;
}

int number(std::string_view digits) {
  int value = 0;
  for (const char c : digits) value = value * 10 + (c - '0');
  return value;
}

// ISO 7064 MOD 11-2: the weights are 2^(17-i) mod 11, the check value (12 - sum mod 11) mod 11,
// and 10 is written X. Computed from the definition, not from a table.
char mod11Check(std::string_view first17) {
  int sum = 0;
  int weight = 1;
  for (std::size_t i = 17; i-- > 0;) {
    weight = weight * 2 % 11;
    sum += (first17[i] - '0') * weight;
  }
  const int check = (12 - sum % 11) % 11;
  return check == 10 ? 'X' : static_cast<char>('0' + check);
}

constexpr std::string_view kCreditAlphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY";

// GB 32100-2015: the weights are 3^i mod 31, the check value 31 - sum mod 31 (31 written 0).
char mod31Check(std::string_view first17) {
  int sum = 0;
  int weight = 1;
  for (std::size_t i = 0; i < 17; ++i) {
    sum += static_cast<int>(kCreditAlphabet.find(first17[i])) * weight;
    weight = weight * 3 % 31;
  }
  return kCreditAlphabet[static_cast<std::size_t>((31 - sum % 31) % 31)];
}

bool isRealDate(std::string_view yyyymmdd) {
  const int year = number(yyyymmdd.substr(0, 4));
  const auto month = static_cast<unsigned>(number(yyyymmdd.substr(4, 2)));
  const auto day = static_cast<unsigned>(number(yyyymmdd.substr(6, 2)));
  return std::chrono::year_month_day{std::chrono::year{year}, std::chrono::month{month}, std::chrono::day{day}}.ok();
}

bool isPadding(std::string_view text) {
  return !text.empty() && (text.front() == ' ' || text.back() == ' ' || text.front() == '\t' || text.back() == '\t' ||
                           text.front() == '\r' || text.back() == '\r' || text.front() == '\n' || text.back() == '\n' ||
                           text.front() == '\v' || text.back() == '\v' || text.front() == '\f' || text.back() == '\f' ||
                           text.starts_with("\xE3\x80\x80") || text.ends_with("\xE3\x80\x80"));
}

char upper(char c) {
  return (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c;
}

void checkCitizen(std::string_view input) {
  const auto checked = checkCitizenId(input);
  require(checked.value.has_value() == checked.reason.empty(), "citizen id: a reason exactly when rejected", input);
  const bool bare = !isPadding(input);
  if (checked) {
    const std::string_view id = checked.value->view();
    require(id.size() == 18 && allDigits(id.substr(0, 17)), "citizen id: accepted id is 17 digits and a check", input);
    require(mod11Check(id.substr(0, 17)) == id[17], "citizen id: accepted id fails MOD 11-2", input);
    require(isRealDate(id.substr(6, 8)), "citizen id: accepted id has no real birth date", input);
    const auto birth = staffchain::model::birthDateOf(*checked.value).ymd();
    require(static_cast<int>(birth.year()) == number(id.substr(6, 4)) &&
                static_cast<unsigned>(birth.month()) == static_cast<unsigned>(number(id.substr(10, 2))) &&
                static_cast<unsigned>(birth.day()) == static_cast<unsigned>(number(id.substr(12, 2))),
            "citizen id: birthDateOf differs from digits 7-14", input);
    const bool odd = (id[16] - '0') % 2 == 1;
    require((staffchain::model::sexOf(*checked.value) == staffchain::model::Sex::male) == odd,
            "citizen id: sexOf differs from digit 17", input);
    require(staffchain::model::regionOf(*checked.value) == id.substr(0, 6), "citizen id: region is the first 6", input);
    const auto again = checkCitizenId(id);
    require(again && again.value->view() == id, "citizen id: an accepted id is accepted again unchanged", input);
    if (bare && input.size() == 18) {
      for (std::size_t i = 0; i < 18; ++i)
        require(upper(input[i]) == id[i], "citizen id: normalised text differs", input);
    }
    if (bare && input.size() == 15) {
      require(allDigits(input) && id.substr(0, 6) == input.substr(0, 6) && id.substr(6, 2) == "19" &&
                  id.substr(8, 9) == input.substr(6, 9),
              "citizen id: a legacy id is upgraded by inserting 19", input);
    }
    if (bare) require(input.size() == 15 || input.size() == 18, "citizen id: accepted a wrong length", input);
  } else if (bare && input.size() == 18 && allDigits(input.substr(0, 17)) &&
             upper(input[17]) == mod11Check(input.substr(0, 17)) && isRealDate(input.substr(6, 8))) {
    const int year = number(input.substr(6, 4));
    // The validator bounds the birth year to a plausible range; inside it a valid id must pass.
    require(year < 1800 || year > 2100, "citizen id: rejected a valid id", input);
  }
}

void checkCredit(std::string_view input) {
  const auto checked = checkCreditCode(input);
  require(checked.value.has_value() == checked.reason.empty(), "credit code: a reason exactly when rejected", input);
  const bool bare = !isPadding(input);
  if (checked) {
    const std::string_view code = checked.value->view();
    require(code.size() == 18, "credit code: accepted code is 18 characters", input);
    for (const char c : code)
      require(kCreditAlphabet.find(c) != std::string_view::npos, "credit code: alphabet", input);
    require(mod31Check(code.substr(0, 17)) == code[17], "credit code: accepted code fails MOD 31", input);
    if (bare) {
      require(input.size() == 18, "credit code: accepted a wrong length", input);
      for (std::size_t i = 0; i < 18; ++i)
        require(upper(input[i]) == code[i], "credit code: normalised text differs", input);
    }
  } else if (bare && input.size() == 18) {
    std::string code;
    for (const char c : input) code.push_back(upper(c));
    bool alphabet = true;
    for (const char c : code) alphabet = alphabet && kCreditAlphabet.find(c) != std::string_view::npos;
    require(!alphabet || mod31Check(std::string_view(code).substr(0, 17)) != code[17],
            "credit code: rejected a valid code", input);
  }
}

void checkRegion(std::string_view input) {
  const auto checked = checkRegionCode(input);
  require(checked.value.has_value() == checked.reason.empty(), "region code: a reason exactly when rejected", input);
  if (checked) {
    require(checked.value->size() == 6 && allDigits(*checked.value), "region code: accepted code is 6 digits", input);
    const auto name = staffchain::model::regionName(*checked.value);
    (void)name;
  }
}

bool isAlnum(char c) {
  return isDigit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

// A full-width digit, U+FF10..U+FF19: EF BC 90..99 in UTF-8.
bool isFullWidthDigitEnd(std::string_view text, std::size_t i) {
  return i >= 2 && text[i - 2] == '\xEF' && text[i - 1] == '\xBC' && static_cast<unsigned char>(text[i]) >= 0x90 &&
         static_cast<unsigned char>(text[i]) <= 0x99;
}

// Full-width letters and digits as ASCII, the rest as it is: ids typed in full-width digits
// must come out masked too.
std::string foldFullWidth(std::string_view text) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const auto lead = static_cast<unsigned char>(text[i]);
    if (lead == 0xEF && i + 2 < text.size()) {
      const auto middle = static_cast<unsigned char>(text[i + 1]);
      const auto last = static_cast<unsigned char>(text[i + 2]);
      const char ascii = middle == 0xBC && last >= 0x90 && last <= 0xBF   ? static_cast<char>(last - 0x60)
                         : middle == 0xBD && last >= 0x81 && last <= 0x9A ? static_cast<char>(last - 0x20)
                                                                          : '\0';
      if (isAlnum(ascii)) {
        out.push_back(ascii);
        i += 2;
        continue;
      }
    }
    out.push_back(text[i]);
  }
  return out;
}

void checkMasking(std::string_view input) {
  const std::string masked = staffchain::model::maskCitizenIds(input);
  require(masked.size() == input.size(), "masking: length changed", input);
  // Every byte either stays or is a digit starred ('*', or '＊' for a full-width digit, whose last
  // byte becomes 8A).
  for (std::size_t i = 0; i < input.size(); ++i) {
    require(masked[i] == input[i] || (masked[i] == '*' && isDigit(input[i])) ||
                (masked[i] == '\x8A' && isFullWidthDigitEnd(input, i)),
            "masking: changed a non-digit", input);
  }
  // No run of letters and digits left readable in the output is a citizen id: a valid one
  // (MOD 11-2 and a real birth date in the validator's range), or 15 digits around a real birth
  // date. Other id-shaped runs may stay: a valid unit credit code must.
  const std::string folded = foldFullWidth(masked);
  std::size_t i = 0;
  while (i < folded.size()) {
    if (!isAlnum(folded[i])) {
      ++i;
      continue;
    }
    const std::size_t start = i;
    while (i < folded.size() && isAlnum(folded[i])) ++i;
    const std::string_view token = std::string_view(folded).substr(start, i - start);
    const bool legacy = token.size() == 15 && allDigits(token) && isRealDate("19" + std::string(token.substr(6, 6)));
    const bool modern = token.size() == 18 && allDigits(token.substr(0, 17)) &&
                        upper(token[17]) == mod11Check(token.substr(0, 17)) && isRealDate(token.substr(6, 8)) &&
                        number(token.substr(6, 4)) >= 1800 && number(token.substr(6, 4)) <= 2100;
    require(!legacy && !modern, "masking: a citizen id is left readable", input);
  }
  if (input.size() >= 10) {
    const std::string one = staffchain::model::maskCitizenId(input);
    require(one.size() == input.size() && one.substr(0, 6) == input.substr(0, 6) &&
                one.substr(one.size() - 4) == input.substr(input.size() - 4),
            "masking: maskCitizenId keeps the first 6 and last 4", input);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  checkCitizen(input);
  checkCredit(input);
  checkRegion(input);
  checkMasking(input);
  return 0;
}
