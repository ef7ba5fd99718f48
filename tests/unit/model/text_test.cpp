// The model's text helpers (a private header): folding full-width forms, counting characters.
#include "text.hpp"

#include <gtest/gtest.h>

#include <string>

namespace staffchain::model::detail {
namespace {

TEST(FoldFullWidth, TurnsFullWidthFormsAndTheIdeographicSpaceIntoAscii) {
  std::string scratch;
  EXPECT_EQ(foldFullWidth("１５０７０２１９８００１０１１２３Ｘ", scratch), "15070219800101123X");
  EXPECT_EQ(foldFullWidth("ＡＢＣ　ａｂｃ！～", scratch), "ABC abc!~");
  EXPECT_EQ(foldFullWidth("２０２４－０７－０１", scratch), "2024-07-01");
  EXPECT_EQ(foldFullWidth("张三（借调）１号", scratch), "张三(借调)1号");
}

TEST(FoldFullWidth, LeavesOtherCharactersAsTheyAre) {
  std::string scratch;
  // 〔〕 (U+3014/5) and 、 (U+3001) are not full-width forms of ASCII; U+FF5F and U+FF00 lie
  // just outside the range.
  EXPECT_EQ(foldFullWidth("呼编发〔２０２４〕3号、\xEF\xBD\x9F\xEF\xBC\x80", scratch),
            "呼编发〔2024〕3号、\xEF\xBD\x9F\xEF\xBC\x80");
  EXPECT_EQ(foldFullWidth("\xEF\xBC", scratch), "\xEF\xBC");  // cut short: not a character
}

// Ten million rows and more go through here: a cell with nothing to fold is not copied.
TEST(FoldFullWidth, UsesACellWithNothingToFoldInPlace) {
  std::string scratch;
  for (const std::string_view cell : {std::string_view("150702198001011239"), std::string_view("行政编制"),
                                      std::string_view(""), std::string_view(" 8500.00 ")}) {
    const auto folded = foldFullWidth(cell, scratch);
    EXPECT_EQ(folded.data(), cell.data()) << cell;
    EXPECT_EQ(folded.size(), cell.size()) << cell;
  }
  EXPECT_TRUE(scratch.empty());
}

// Both read eight bytes at a time with an overlapping tail: every length and position counts.
TEST(FoldFullWidth, FindsAHighByteOrAFullWidthFormAnywhere) {
  for (std::size_t length = 0; length <= 20; ++length) {
    const std::string ascii(length, '7');
    EXPECT_TRUE(isAscii(ascii)) << length;
    EXPECT_EQ(firstFullWidth(ascii), length) << length;
    for (std::size_t at = 0; at < length; ++at) {
      std::string high = ascii;
      high[at] = '\x80';
      EXPECT_FALSE(isAscii(high)) << length << " " << at;
    }
    for (std::size_t at = 0; at < length; ++at) {
      std::string chinese = ascii;
      chinese.replace(at, 1, "号");  // E5 8F B7: no full-width form
      EXPECT_EQ(firstFullWidth(chinese), chinese.size()) << length << " " << at;
      std::string wide = ascii;
      wide.replace(at, 1, "７");
      EXPECT_EQ(firstFullWidth(wide), at) << length << " " << at;
      std::string blank = ascii;
      blank.replace(at, 1, "　");
      EXPECT_EQ(firstFullWidth(blank), at) << length << " " << at;
    }
  }
}

TEST(CountCharacters, CountsCharactersNotBytes) {
  EXPECT_EQ(countCharacters(""), 0U);
  EXPECT_EQ(countCharacters("150702"), 6U);
  EXPECT_EQ(countCharacters("１５０７０２"), 6U);
  EXPECT_EQ(countCharacters("海拉尔区"), 4U);
}

}  // namespace
}  // namespace staffchain::model::detail
