// CsvReader: a fast RFC 4180 reader over a whole file or buffer, yielding rows as string
// views, skipping (and reporting) malformed rows so that one bad line loses only itself.
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

namespace staffchain::plugin {

// A well-formed row. The views stay valid until the next call of CsvReader::next.
struct CsvRow {
  std::uint32_t line = 0;  // 1-based line where the row starts
  std::size_t begin = 0;   // where the row's bytes lie in the data: [begin, end), line end excluded
  std::size_t end = 0;
  std::span<const std::string_view> fields;
};

// A row that was skipped, and why ("has 4 fields, expected 6 (as in the header)").
struct CsvProblem {
  std::uint32_t line = 0;
  std::string reason;
};

// Reads a header row, then data rows. Accepts CRLF or LF line ends, a UTF-8 BOM, quoted
// fields with commas, doubled quotes and line breaks; blank lines are skipped. Quoted fields
// are copied (unescaped) only when they contain a doubled quote: everything else is a view
// into the buffer, so reading allocates nothing per field.
class CsvReader {
 public:
  // Reads over `data`, which must outlive the reader. `name` is used in messages.
  static Result<CsvReader> fromBuffer(std::string_view data, std::string name);
  // Reads the whole file into memory.
  static Result<CsvReader> open(const std::filesystem::path& file);

  [[nodiscard]] const std::string& name() const noexcept { return name_; }
  [[nodiscard]] std::span<const std::string> header() const noexcept { return header_; }

  // At least as many as the rows still to come (it counts line ends), so that a caller
  // loading millions of rows can reserve once instead of growing as it goes.
  [[nodiscard]] std::size_t rowsAheadAtMost() const noexcept;

  // Advances to the next well-formed row; false at the end of the data. Malformed rows on
  // the way are skipped and added to problems().
  bool next(CsvRow& row);
  [[nodiscard]] std::span<const CsvProblem> problems() const noexcept { return problems_; }

  // Set once reading reached the end of the data, when the data ends inside a quoted field or
  // its last row has fewer fields than the header: the signs of a file cut short, which must
  // be refused whole rather than read as if complete.
  [[nodiscard]] const std::optional<CsvProblem>& truncation() const noexcept { return truncation_; }

  // Where the next row starts, and its line: a reader over the same data may resume there.
  [[nodiscard]] std::size_t offset() const noexcept { return pos_; }
  [[nodiscard]] std::uint32_t line() const noexcept { return line_; }
  // Resumes at a position offset() returned on a reader over the same data (after the header).
  void seek(std::size_t offset, std::uint32_t line) noexcept;
  // Hands over the problems found so far (so a caller can report them as it goes).
  std::vector<CsvProblem> takeProblems() noexcept { return std::move(problems_); }

 private:
  enum class Outcome { row, malformed, end };
  // Where a field's text lies: in the input, or in scratch_ after unescaping.
  struct Slot {
    std::size_t begin = 0;
    std::size_t size = 0;
    bool in_scratch = false;
  };

  CsvReader(std::unique_ptr<char[]> owned, std::string_view data, std::string name);
  Result<void> readHeader();
  Outcome parseRecord(std::uint32_t& row_line, std::string& reason);
  bool parseQuoted(std::string& reason);
  void parseUnquoted(std::string& reason);
  [[nodiscard]] bool restIsBlank() const noexcept;

  std::unique_ptr<char[]> owned_;  // the file's bytes when the reader owns them
  std::string_view data_;
  std::string name_;
  std::size_t pos_ = 0;
  std::uint32_t line_ = 1;
  std::size_t record_begin_ = 0;  // the bytes of the record parseRecord() read last
  std::size_t record_end_ = 0;
  std::vector<std::string> header_;
  std::vector<Slot> slots_;
  std::vector<std::string_view> fields_;
  std::string scratch_;
  std::vector<CsvProblem> problems_;
  std::optional<CsvProblem> truncation_;
};

}  // namespace staffchain::plugin
