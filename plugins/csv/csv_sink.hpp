// CsvSink: each movement notice written as one complete CSV file into an outbound folder that
// the receiving department's import job watches.
#pragma once

#include <filesystem>
#include <memory>
#include <optional>
#include <string>

#include "staffchain/plugin/descriptor.hpp"
#include "staffchain/plugin/support/notice_mapping.hpp"

namespace staffchain::csv {

struct CsvSinkSettings {
  std::filesystem::path folder;
  std::string file_name = "{notice_id}.csv";  // {notice_id}, {action}, {target_system}
  std::string encoding = "utf-8";             // or "gb18030"
  std::string line_end = "\r\n";              // RFC 4180; "lf" for importers that want \n
  bool header = true;
  plugin::NoticeMapping mapping;
};

// Reads the sink's keys, reporting each problem into `config`; nullopt when one is fatal.
std::optional<CsvSinkSettings> readCsvSinkSettings(plugin::ConfigReader& config);

class CsvSink final : public plugin::SinkConnector {
 public:
  CsvSink(CsvSinkSettings settings, plugin::HostContext& host);

  // Writes ".<name>.part", fsyncs it, renames it into place without replacing anything, then
  // fsyncs the folder: the importer sees the whole file or none. A file already there (or one
  // this sink wrote before and the importer has since taken away) makes the notice a duplicate.
  Result<plugin::SinkReceipt> deliver(const plugin::Notice& notice, const plugin::CancelToken& cancel) override;
  [[nodiscard]] std::string describe(const plugin::Notice& notice) const override;

  // The file's name for `notice`, or why it cannot have one.
  [[nodiscard]] Result<std::string> fileName(const plugin::Notice& notice) const;
  // The file's bytes (header and one row, in the configured encoding and line ends).
  [[nodiscard]] Result<std::string> content(const plugin::Notice& notice) const;

 private:
  [[nodiscard]] std::filesystem::path markerOf(const std::string& name) const;

  CsvSinkSettings settings_;
  plugin::HostContext& host_;
};

void validateCsvSink(plugin::ConfigReader& config) noexcept;
std::unique_ptr<plugin::SinkConnector> createCsvSink(plugin::ConfigReader& config,
                                                     const plugin::CreateArgs& args) noexcept;

}  // namespace staffchain::csv
