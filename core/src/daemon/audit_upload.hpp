// An inspection team's folder of exports, uploaded to the console (审计): a .zip of the canonical
// files (CSV or .xlsx), or the files themselves as multipart/form-data. They are unpacked into a
// private temporary folder, read as `staffchainctl audit` reads a folder, evaluated with the
// daemon's rules as of a day, and the folder removed: nothing is kept, nothing enters the ledger.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "staffchain/chain/rule_params.hpp"
#include "staffchain/model/calendar.hpp"
#include "staffchain/plugin/result.hpp"

namespace staffchain::daemon {

struct UploadedFile {
  std::string name;  // the base name, "payroll.xlsx"
  std::string bytes;
};

// The files of an upload: a zip (application/zip, or any body that starts as one) or
// multipart/form-data. Only .csv and .xlsx files are taken (folders inside a zip are flattened;
// hidden files and __MACOSX ignored, each named in `ignored`); a file name twice, an entry
// larger than 512 MiB, more than 1 GiB unpacked or a malformed body is an error naming it.
Result<std::vector<UploadedFile>> unpackUpload(std::string_view content_type, const std::string& body,
                                               std::vector<std::string>& ignored);

// The audit of `files` as of `as_of`: {"as_of", "files", "notes", "findings", "count", "by_rule",
// "quarantine", "quarantined"}; an error when the folder cannot be read (a file of a kind twice, a
// file with no known columns), as `staffchainctl audit` refuses it.
Result<nlohmann::json> auditUpload(const std::vector<UploadedFile>& files, const chain::RuleParams& params,
                                   model::Date as_of);

}  // namespace staffchain::daemon
