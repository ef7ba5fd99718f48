#include "staffchain/plugin/support/csv_reader.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <fstream>

namespace staffchain::plugin {
namespace {

constexpr std::string_view kUtf8Bom = "\xEF\xBB\xBF";

// Bytes that end or disturb an unquoted field; everything else is skipped by one table look-up.
constexpr std::array<bool, 256> kSpecial = [] {
  std::array<bool, 256> table{};
  table[static_cast<unsigned char>(',')] = true;
  table[static_cast<unsigned char>('\n')] = true;
  table[static_cast<unsigned char>('\r')] = true;
  table[static_cast<unsigned char>('"')] = true;
  return table;
}();

bool isSpecial(char c) noexcept {
  return kSpecial[static_cast<unsigned char>(c)];
}

}  // namespace

CsvReader::CsvReader(std::unique_ptr<char[]> owned, std::string_view data, std::string name)
    : owned_(std::move(owned)), data_(data), name_(std::move(name)) {
  if (data_.starts_with(kUtf8Bom)) pos_ = kUtf8Bom.size();
}

Result<CsvReader> CsvReader::fromBuffer(std::string_view data, std::string name) {
  CsvReader reader(nullptr, data, std::move(name));
  if (auto header = reader.readHeader(); !header) return std::move(header).error();
  return reader;
}

Result<CsvReader> CsvReader::open(const std::filesystem::path& file) {
  std::error_code ec;
  const auto size = std::filesystem::file_size(file, ec);
  if (ec) return makeError(fmt::format("cannot read {}: {}", file.string(), ec.message()));
  std::ifstream in(file, std::ios::binary);
  if (!in) return makeError(fmt::format("cannot open {}: {}", file.string(), std::strerror(errno)));
  auto bytes = std::make_unique_for_overwrite<char[]>(size == 0 ? 1 : size);
  if (size > 0 && !in.read(bytes.get(), static_cast<std::streamsize>(size))) {
    return makeError(fmt::format("cannot read {}: short read of {} bytes", file.string(), size));
  }
  const std::string_view data(bytes.get(), size);
  CsvReader reader(std::move(bytes), data, file.filename().string());
  if (auto header = reader.readHeader(); !header) return std::move(header).error();
  return reader;
}

Result<void> CsvReader::readHeader() {
  std::uint32_t line = 0;
  std::string reason;
  switch (parseRecord(line, reason)) {
    case Outcome::end:
      return makeError(fmt::format("{}: the file is empty, expected a header row", name_));
    case Outcome::malformed:
      return makeError(fmt::format("{}:{}: the header row is malformed: {}", name_, line, reason));
    case Outcome::row:
      break;
  }
  header_.reserve(slots_.size());
  for (const auto& slot : slots_) {
    header_.emplace_back(slot.in_scratch ? std::string_view(scratch_).substr(slot.begin, slot.size)
                                         : data_.substr(slot.begin, slot.size));
  }
  return {};
}

std::size_t CsvReader::rowsAheadAtMost() const noexcept {
  const auto rest = data_.substr(pos_);
  // The last row may lack its line end.
  return static_cast<std::size_t>(std::count(rest.begin(), rest.end(), '\n')) + 1;
}

void CsvReader::seek(std::size_t offset, std::uint32_t line) noexcept {
  pos_ = std::min(offset, data_.size());
  line_ = line;
}

bool CsvReader::next(CsvRow& row) {
  for (;;) {
    std::uint32_t line = 0;
    std::string reason;
    switch (parseRecord(line, reason)) {
      case Outcome::end:
        return false;
      case Outcome::malformed:
        problems_.push_back(CsvProblem{line, std::move(reason)});
        continue;
      case Outcome::row:
        break;
    }
    if (slots_.size() != header_.size()) {
      problems_.push_back(CsvProblem{
          line, fmt::format("has {} fields, expected {} (as in the header)", slots_.size(), header_.size())});
      if (slots_.size() < header_.size() && restIsBlank()) {
        truncation_ = CsvProblem{line, fmt::format("the last row has {} fields, expected {} (as in the header): "
                                                   "the file looks cut short",
                                                   slots_.size(), header_.size())};
      }
      continue;
    }
    row.begin = record_begin_;
    row.end = record_end_;
    fields_.resize(slots_.size());
    const std::string_view scratch(scratch_);
    for (std::size_t i = 0; i < slots_.size(); ++i) {
      const auto& slot = slots_[i];
      fields_[i] = slot.in_scratch ? scratch.substr(slot.begin, slot.size) : data_.substr(slot.begin, slot.size);
    }
    row.line = line;
    row.fields = fields_;
    return true;
  }
}

CsvReader::Outcome CsvReader::parseRecord(std::uint32_t& row_line, std::string& reason) {
  const std::size_t n = data_.size();
  // Blank lines carry no record; skipping them also ignores the usual empty last line.
  while (pos_ < n) {
    if (data_[pos_] == '\n') {
      ++pos_;
      ++line_;
    } else if (data_[pos_] == '\r' && pos_ + 1 < n && data_[pos_ + 1] == '\n') {
      pos_ += 2;
      ++line_;
    } else {
      break;
    }
  }
  if (pos_ >= n) return Outcome::end;

  row_line = line_;
  const std::size_t row_begin = pos_;
  record_begin_ = row_begin;
  slots_.clear();
  scratch_.clear();
  for (;;) {
    if (pos_ < n && data_[pos_] == '"') {
      if (!parseQuoted(reason)) {
        // An unterminated quote would swallow the rest of the file; resume on the next line
        // instead, so only this row is lost. In the last row it is a file cut short.
        const auto newline = data_.find('\n', row_begin);
        pos_ = newline == std::string_view::npos ? n : newline + 1;
        line_ = row_line + 1;
        record_end_ = newline == std::string_view::npos ? n : newline;
        reason = fmt::format("unterminated quoted field {}", slots_.size() + 1);
        if (restIsBlank()) {
          truncation_ = CsvProblem{row_line, fmt::format("the file ends inside quoted field {} of its last row: the "
                                                         "file looks cut short",
                                                         slots_.size() + 1)};
        }
        return Outcome::malformed;
      }
    } else {
      parseUnquoted(reason);
    }
    record_end_ = pos_;
    if (pos_ >= n) break;
    const char c = data_[pos_];
    if (c == ',') {
      ++pos_;
      continue;
    }
    if (c == '\n') {
      ++pos_;
      ++line_;
      break;
    }
    // parseUnquoted stops at '\r' only before '\n'; parseQuoted leaves the cursor on it.
    if (c == '\r' && pos_ + 1 < n && data_[pos_ + 1] == '\n') {
      pos_ += 2;
      ++line_;
      break;
    }
  }
  return reason.empty() ? Outcome::row : Outcome::malformed;
}

bool CsvReader::restIsBlank() const noexcept {
  for (std::size_t i = pos_; i < data_.size(); ++i) {
    if (data_[i] != '\n' && data_[i] != '\r') return false;
  }
  return true;
}

void CsvReader::parseUnquoted(std::string& reason) {
  const std::size_t n = data_.size();
  const std::size_t begin = pos_;
  while (pos_ < n) {
    const char c = data_[pos_];
    if (!isSpecial(c)) {
      ++pos_;
      continue;
    }
    if (c == ',' || c == '\n') break;
    if (c == '\r') {
      if (pos_ + 1 < n && data_[pos_ + 1] == '\n') break;
      ++pos_;  // a lone CR is data
      continue;
    }
    if (reason.empty()) reason = fmt::format("stray quote in unquoted field {}", slots_.size() + 1);
    ++pos_;
  }
  slots_.push_back(Slot{begin, pos_ - begin, false});
}

bool CsvReader::parseQuoted(std::string& reason) {
  const std::size_t n = data_.size();
  const std::size_t begin = ++pos_;  // past the opening quote
  bool doubled = false;
  std::size_t end = 0;
  for (;;) {
    const auto quote = data_.find('"', pos_);
    if (quote == std::string_view::npos) return false;
    line_ += static_cast<std::uint32_t>(std::count(data_.begin() + static_cast<std::ptrdiff_t>(pos_),
                                                   data_.begin() + static_cast<std::ptrdiff_t>(quote), '\n'));
    if (quote + 1 < n && data_[quote + 1] == '"') {
      doubled = true;
      pos_ = quote + 2;
      continue;
    }
    end = quote;
    pos_ = quote + 1;
    break;
  }
  if (!doubled) {
    slots_.push_back(Slot{begin, end - begin, false});
  } else {
    const std::size_t scratch_begin = scratch_.size();
    for (std::size_t i = begin; i < end; ++i) {
      scratch_.push_back(data_[i]);
      if (data_[i] == '"') ++i;  // the second quote of a pair
    }
    slots_.push_back(Slot{scratch_begin, scratch_.size() - scratch_begin, true});
  }
  // Only a separator or a line end may follow the closing quote.
  if (pos_ < n) {
    const char c = data_[pos_];
    const bool crlf = c == '\r' && pos_ + 1 < n && data_[pos_ + 1] == '\n';
    if (c != ',' && c != '\n' && !crlf) {
      if (reason.empty()) reason = fmt::format("text after the closing quote of field {}", slots_.size());
      while (pos_ < n && data_[pos_] != ',' && data_[pos_] != '\n' &&
             !(data_[pos_] == '\r' && pos_ + 1 < n && data_[pos_ + 1] == '\n')) {
        ++pos_;
      }
    }
  }
  return true;
}

}  // namespace staffchain::plugin
