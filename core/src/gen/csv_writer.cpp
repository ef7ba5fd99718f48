#include "csv_writer.hpp"

#include <fmt/format.h>

#include <cerrno>
#include <charconv>
#include <cstring>

namespace staffchain::gen::detail {
namespace {
constexpr std::size_t kFlushAt = 1U << 20;
}

CsvWriter::~CsvWriter() {
  if (file_ != nullptr) std::fclose(file_);
}

Result<void> CsvWriter::open(const std::filesystem::path& file) {
  path_ = file;
  file_ = std::fopen(file.c_str(), "wb");
  if (file_ == nullptr) {
    return makeError(fmt::format("cannot create {}: {}", file.string(), std::strerror(errno)));
  }
  buffer_.reserve(kFlushAt + 4096);
  return {};
}

void CsvWriter::separate() {
  if (!first_field_) buffer_.push_back(',');
  first_field_ = false;
}

void CsvWriter::field(std::string_view text) {
  separate();
  if (text.find_first_of(",\"\r\n") == std::string_view::npos) {
    buffer_.append(text);
    return;
  }
  buffer_.push_back('"');
  for (const char c : text) {
    if (c == '"') buffer_.push_back('"');
    buffer_.push_back(c);
  }
  buffer_.push_back('"');
}

void CsvWriter::field(std::int64_t number) {
  separate();
  char digits[24];
  const auto [end, ec] = std::to_chars(digits, digits + sizeof digits, number);
  (void)ec;  // 24 characters hold any 64-bit number
  buffer_.append(digits, end);
}

void CsvWriter::fieldBegin() {
  separate();
}

void CsvWriter::end() {
  buffer_.push_back('\n');
  first_field_ = true;
  ++rows_;
  flushIfFull();
}

void CsvWriter::rawLine(std::string_view line) {
  buffer_.append(line);
  buffer_.push_back('\n');
  ++rows_;
  flushIfFull();
}

void CsvWriter::flushIfFull() {
  if (buffer_.size() < kFlushAt || file_ == nullptr) return;
  if (std::fwrite(buffer_.data(), 1, buffer_.size(), file_) != buffer_.size()) failed_ = true;
  buffer_.clear();
}

Result<void> CsvWriter::close() {
  if (file_ == nullptr) return makeError(fmt::format("cannot write {}: it was never opened", path_.string()));
  if (!buffer_.empty() && std::fwrite(buffer_.data(), 1, buffer_.size(), file_) != buffer_.size()) failed_ = true;
  buffer_.clear();
  const int error = std::ferror(file_) != 0 ? errno : 0;
  if (std::fclose(file_) != 0) failed_ = true;
  file_ = nullptr;
  if (failed_) {
    return makeError(fmt::format("cannot write {}: {}", path_.string(),
                                 error != 0 ? std::strerror(error) : "the disk refused the data"));
  }
  return {};
}

}  // namespace staffchain::gen::detail
