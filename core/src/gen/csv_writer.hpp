// CsvWriter: a buffered RFC 4180 writer for the canonical files, built for millions of rows
// (fields are appended into one buffer, quoted only when they must be).
#pragma once

#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <string>
#include <string_view>

#include "staffchain/plugin/result.hpp"

namespace staffchain::gen::detail {

class CsvWriter {
 public:
  CsvWriter() = default;
  CsvWriter(const CsvWriter&) = delete;
  CsvWriter& operator=(const CsvWriter&) = delete;
  ~CsvWriter();

  // Creates (or truncates) the file; rows are written by field() / end().
  Result<void> open(const std::filesystem::path& file);

  // One field; quoted when it holds a comma, a quote or a line break.
  void field(std::string_view text);
  void field(std::int64_t number);
  // A field appended from pieces (a name from its parts) without a temporary string.
  void fieldBegin();
  void fieldPart(std::string_view text) { buffer_.append(text); }
  // Ends the row; flushes when the buffer is large.
  void end();
  // A whole line, already encoded (for deliberately malformed rows).
  void rawLine(std::string_view line);

  // Writes what is buffered and closes; the error names the file.
  Result<void> close();
  [[nodiscard]] std::uint64_t rows() const noexcept { return rows_; }

 private:
  void separate();
  void flushIfFull();

  std::FILE* file_ = nullptr;
  std::filesystem::path path_;
  std::string buffer_;
  bool first_field_ = true;
  bool failed_ = false;
  std::uint64_t rows_ = 0;
};

}  // namespace staffchain::gen::detail
