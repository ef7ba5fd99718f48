// The reduction tasks (控编减编) as staffchainctl prints them, from the API's answer
// (`reductions`) or from a folder (`audit DIR --reductions`): the same rows, the same three formats.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

namespace staffchain::ctl {

// `list` is the API's answer: {"as_of", "reductions": [...], "count", "total": {...}}.
// table: one task a line with its progress and state, then the totals; jsonl: one task a line;
// csv: a header and one task a line.
void printReductions(const nlohmann::json& list, const std::string& format);

}  // namespace staffchain::ctl
