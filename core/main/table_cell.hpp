// Cells of the tables and CSV staffchainctl prints.
#pragma once

#include <cstddef>
#include <string>

namespace staffchain::ctl {

// Text cut to `width` display columns (a CJK character takes two), an ellipsis where it was cut.
std::string cell(const std::string& text, std::size_t width);
// The same, padded with spaces to exactly `width` display columns, for columns after it to line up.
std::string paddedCell(const std::string& text, std::size_t width);
// A CSV field: quoted (quotes doubled) when it holds a comma, a quote or a line break.
std::string csvCell(const std::string& text);

}  // namespace staffchain::ctl
