#include "file_book.hpp"

#include <fstream>
#include <sstream>
#include <vector>

namespace staffchain::csv {
namespace {

// One line of a book: checksum, file name, then more fields, tab-separated.
std::vector<std::string> fieldsOf(const std::string& line) {
  std::vector<std::string> fields;
  std::stringstream in(line);
  std::string field;
  while (std::getline(in, field, '\t')) fields.push_back(field);
  return fields;
}

}  // namespace

bool FileBook::alreadyApplied(const std::string& checksum, plugin::RecordType type, bool snapshot) const {
  std::ifstream in(dir_ / "ingested.tsv");
  std::string line;
  std::optional<std::string> last_of_type;
  bool seen = false;
  while (std::getline(in, line)) {
    const auto fields = fieldsOf(line);
    if (fields.empty()) continue;
    if (fields[0] == checksum) seen = true;
    // Lines written before the kind was recorded name no kind: they count as seen only.
    if (fields.size() >= 4 && fields[3] == plugin::recordTypeFile(type)) last_of_type = fields[0];
  }
  if (!snapshot) return seen;
  return last_of_type ? *last_of_type == checksum : seen;
}

void FileBook::recordApplied(const std::string& checksum, const std::string& name, plugin::RecordType type,
                             std::int64_t stamp) const {
  std::ofstream(dir_ / "ingested.tsv", std::ios::app)
      << checksum << '\t' << name << '\t' << stamp << '\t' << plugin::recordTypeFile(type) << '\n';
}

void FileBook::recordAccepted(const std::string& checksum, const std::string& name) const {
  std::ofstream(dir_ / "accepted.tsv", std::ios::app) << checksum << '\t' << name << '\n';
}

void FileBook::recordReingest(const std::string& checksum, const std::string& name) const {
  std::ofstream(dir_ / "reingest.tsv", std::ios::app) << checksum << '\t' << name << '\n';
}

void FileBook::forgetReingest(const std::string& checksum) const {
  const auto path = dir_ / "reingest.tsv";
  std::ifstream in(path);
  std::string kept;
  std::string line;
  while (std::getline(in, line)) {
    if (line.compare(0, checksum.size(), checksum) != 0) kept += line + '\n';
  }
  in.close();
  std::ofstream(path, std::ios::trunc) << kept;
}

bool FileBook::listed(const char* file, const std::string& checksum) const {
  std::ifstream in(dir_ / file);
  std::string line;
  while (std::getline(in, line)) {
    if (line.compare(0, checksum.size(), checksum) == 0) return true;
  }
  return false;
}

}  // namespace staffchain::csv
