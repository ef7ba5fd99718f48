// FileBook: what the csv source remembers of files across restarts, in its state folder —
// the files it applied (by checksum, with their kind), and the operator's word on a file:
// accepted (a held snapshot to apply after all) or to be re-ingested (an archived file again).
#pragma once

#include <filesystem>
#include <optional>
#include <string>

#include "staffchain/plugin/records.hpp"

namespace staffchain::csv {

class FileBook {
 public:
  explicit FileBook(std::filesystem::path state_dir) : dir_(std::move(state_dir)) {}

  // Whether the same bytes need not be read again: a file applied before, when its kind is an
  // event file (movements: applying it again changes nothing), or when it is the snapshot
  // applied last of its kind (the ledger holds exactly it). An older snapshot dropped again is
  // read again: applying it is going back to it.
  [[nodiscard]] bool alreadyApplied(const std::string& checksum, plugin::RecordType type, bool snapshot) const;
  void recordApplied(const std::string& checksum, const std::string& name, plugin::RecordType type,
                     std::int64_t stamp) const;

  [[nodiscard]] bool accepted(const std::string& checksum) const { return listed("accepted.tsv", checksum); }
  void recordAccepted(const std::string& checksum, const std::string& name) const;

  [[nodiscard]] bool reingestWanted(const std::string& checksum) const { return listed("reingest.tsv", checksum); }
  void recordReingest(const std::string& checksum, const std::string& name) const;
  // Once applied, a re-ingested file is an ordinary applied one again.
  void forgetReingest(const std::string& checksum) const;

 private:
  [[nodiscard]] bool listed(const char* file, const std::string& checksum) const;
  std::filesystem::path dir_;
};

}  // namespace staffchain::csv
