// Loading a folder of canonical CSV files (DOMAIN.md §5) into a Dataset, or record by record
// into a sink, with every bad row in its quarantine: what `staffchainctl audit DIR` reads.
#pragma once

#include <cstddef>
#include <filesystem>
#include <string>
#include <vector>

#include "staffchain/model/records.hpp"
#include "staffchain/plugin/result.hpp"

namespace staffchain::model {

// Where readCanonicalFolder() puts what it reads, one record at a time: a caller that indexes
// the records (the chain engine) then never holds the whole folder a second time.
class RecordSink {
 public:
  virtual ~RecordSink() = default;
  // Before the rows of one file: at most `rows_at_most` of `type` follow (a sizing hint).
  virtual void expect(RecordType type, std::size_t rows_at_most) = 0;
  virtual void add(Record&& record) = 0;
  virtual void quarantine(QuarantineEntry&& entry) = 0;
  // Whether expect() is worth its cost: counting a file's rows reads it once more.
  [[nodiscard]] virtual bool wantsRowCounts() const noexcept { return false; }
};

// Reads units.csv, quotas.csv, leader_quotas.csv, approvals.csv, roster.csv, movements.csv,
// payroll.csv and deaths.csv from `dir`; a file that is absent holds no records. Good rows
// become records (Origin: source 0 = `source_name`, row = the row's line number); each
// problem of a bad row (or a malformed CSV row) becomes one quarantine entry with origin
// "file.csv:LINE". Errors: the folder is missing or unreadable, a file cannot be read, or a
// header lacks a required column (every row of that file would be lost).
// `notes`, when given, receives remarks that are not errors ("payroll.csv: ignored column remark").
Result<Dataset> loadCanonicalFolder(const std::filesystem::path& dir, std::string source_name,
                                    std::vector<std::string>* notes = nullptr);

// The same reading, handed to `sink`: records and quarantine entries in file order, payroll.csv
// first (a sink indexing per person then lays persons out in the order most rows look them
// up), then the others in the order above. Every Origin::source is 0 and quarantine entries
// name `source_name`.
// Files are mapped, not copied, and the pages already read are given back as it goes.
Result<void> readCanonicalFolder(const std::filesystem::path& dir, const std::string& source_name, RecordSink& sink,
                                 std::vector<std::string>* notes = nullptr);

}  // namespace staffchain::model
