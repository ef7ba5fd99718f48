// Loading a folder of canonical CSV files (DOMAIN.md §5) into a Dataset, with every bad row
// in its quarantine: what `staffchainctl audit DIR` reads.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "staffchain/model/records.hpp"
#include "staffchain/plugin/result.hpp"

namespace staffchain::model {

// Reads units.csv, quotas.csv, leader_quotas.csv, approvals.csv, roster.csv, movements.csv,
// payroll.csv and deaths.csv from `dir`; a file that is absent holds no records. Good rows
// become records (Origin: source 0 = `source_name`, row = the row's line number); each
// problem of a bad row (or a malformed CSV row) becomes one quarantine entry with origin
// "file.csv:LINE". Errors: the folder is missing or unreadable, a file cannot be read, or a
// header lacks a required column (every row of that file would be lost).
// `notes`, when given, receives remarks that are not errors ("payroll.csv: ignored column remark").
Result<Dataset> loadCanonicalFolder(const std::filesystem::path& dir, std::string source_name,
                                    std::vector<std::string>* notes = nullptr);

}  // namespace staffchain::model
