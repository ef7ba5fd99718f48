// ExportFile: the one way a department's export file is read, by `staffchainctl audit` and by
// the csv source alike — mapped, decoded to UTF-8 (BOM, GB18030 detected), its header checked,
// its rows held to size limits — and refused whole when the file as a whole cannot be trusted.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "staffchain/plugin/result.hpp"
#include "staffchain/plugin/support/csv_reader.hpp"
#include "staffchain/plugin/support/text_encoding.hpp"

namespace staffchain::plugin {

// Beyond these a value is not data but a broken export (or an attack on the logs): the row goes
// to quarantine with an excerpt, and nothing longer than the excerpt is copied anywhere.
struct ExportLimits {
  std::size_t max_field_bytes = 64 * 1024;
  std::size_t max_line_bytes = 1024 * 1024;
};

// A row refused on its own; the rest of the file goes on.
struct ExportProblem {
  std::uint32_t line = 0;
  std::string field;  // the header's name of the field at fault; empty when the whole row is
  std::string value;  // an excerpt of at most kExcerptBytes (plugin::excerpt)
  std::string reason;
};

// A row that passed: its fields are views valid until the next call of ExportFile::next.
struct ExportRow {
  std::uint32_t line = 0;
  std::span<const std::string_view> fields;
};

struct ExportOptions {
  TextEncoding encoding = TextEncoding::automatic;
  ExportLimits limits;
};

// What a whole read of a file found, without handing its rows over (ExportFile::survey).
struct ExportSurvey {
  std::size_t rows = 0;      // rows that would be handed over
  std::size_t problems = 0;  // rows that would be refused
  std::optional<CsvProblem> truncation;
};

class ExportFile {
 public:
  // Refuses the file whole (the error names it and says why) when it cannot be read, holds no
  // header row, its header cannot be decoded or is malformed, or names a column twice (after
  // trimming, without regard to ASCII case; unnamed columns are allowed).
  static Result<ExportFile> open(const std::filesystem::path& file, const ExportOptions& options);
  // The same over bytes in memory (`name` stands in messages).
  static Result<ExportFile> fromBytes(std::string bytes, std::string name, const ExportOptions& options);

  ExportFile(ExportFile&&) noexcept;
  ExportFile& operator=(ExportFile&&) noexcept;
  ExportFile(const ExportFile&) = delete;
  ExportFile& operator=(const ExportFile&) = delete;
  ~ExportFile();

  [[nodiscard]] const std::string& name() const noexcept;
  [[nodiscard]] const char* encoding() const noexcept;  // "UTF-8" or "GB18030"
  [[nodiscard]] std::span<const std::string> header() const noexcept;
  // The header's position of `column`, matched after trimming without regard to ASCII case.
  [[nodiscard]] std::optional<std::size_t> column(std::string_view name) const noexcept;
  // An error naming the file, every name of `names` the header lacks, and `what` needs them.
  [[nodiscard]] Result<void> requireColumns(std::span<const std::string> names, std::string_view what) const;

  // Advances to the next row that is well-formed, decodable and within the limits; false at
  // the end. Rows refused on the way are collected for takeProblems().
  bool next(ExportRow& row);
  std::vector<ExportProblem> takeProblems() noexcept;
  // After the end: why the file must be refused whole although its rows read (CsvReader).
  [[nodiscard]] const std::optional<CsvProblem>& truncation() const noexcept;

  // Reads the rest of the file to its end and comes back to where it was: what a caller that
  // commits a file in several parts must know before it commits the first.
  ExportSurvey survey();

  // At least as many rows as are still to come (CsvReader::rowsAheadAtMost), counted over every
  // page, which is then given back.
  [[nodiscard]] std::size_t rowsAheadAtMost() noexcept;
  [[nodiscard]] std::size_t offset() const noexcept;
  [[nodiscard]] std::uint32_t line() const noexcept;
  void seek(std::size_t offset, std::uint32_t line) noexcept;
  // Gives back the memory of the bytes before the current row (the file stays readable).
  void releaseRead() noexcept;

 private:
  struct State;
  explicit ExportFile(std::unique_ptr<State> state);
  std::unique_ptr<State> state_;
};

}  // namespace staffchain::plugin
