// Text put into HTML (the e-mail digests, the inspection notice's HTML form).
#pragma once

#include <string>
#include <string_view>

namespace staffchain::model {

// `text` with &, <, >, " and ' written as entities: safe in element content and in quoted
// attribute values.
std::string escapeHtml(std::string_view text);

}  // namespace staffchain::model
