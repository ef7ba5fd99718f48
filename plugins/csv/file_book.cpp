#include "file_book.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
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

// Writes `text` to a book file (appended, or replacing it), created 0600 whatever the umask:
// the books name the files a department handed over, and are the daemon's own state.
void writeBook(const std::filesystem::path& path, const std::string& text, bool append) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC | (append ? O_APPEND : O_TRUNC), 0600);
  if (fd < 0) return;
  std::size_t written = 0;
  while (written < text.size()) {
    const ssize_t n = ::write(fd, text.data() + written, text.size() - written);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    written += static_cast<std::size_t>(n);
  }
  ::close(fd);
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
  writeBook(
      dir_ / "ingested.tsv",
      checksum + '\t' + name + '\t' + std::to_string(stamp) + '\t' + std::string(plugin::recordTypeFile(type)) + '\n',
      true);
}

void FileBook::recordAccepted(const std::string& checksum, const std::string& name) const {
  writeBook(dir_ / "accepted.tsv", checksum + '\t' + name + '\n', true);
}

void FileBook::recordReingest(const std::string& checksum, const std::string& name) const {
  writeBook(dir_ / "reingest.tsv", checksum + '\t' + name + '\n', true);
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
  writeBook(path, kept, false);
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
