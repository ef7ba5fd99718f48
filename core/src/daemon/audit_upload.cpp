#include "audit_upload.hpp"

#include <fmt/format.h>
#include <stdlib.h>
#include <zip.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <set>

#include "staffchain/chain/chain_engine.hpp"
#include "staffchain/chain/finding_json.hpp"
#include "staffchain/model/canonical_folder.hpp"
#include "staffchain/plugin/records.hpp"

namespace staffchain::daemon {
namespace {

constexpr std::uint64_t kMaxEntryBytes = 512ULL * 1024 * 1024;
constexpr std::uint64_t kMaxUnpackedBytes = 1024ULL * 1024 * 1024;
constexpr std::size_t kMaxFiles = 64;

bool endsWith(std::string_view text, std::string_view suffix) {
  return text.size() >= suffix.size() && text.substr(text.size() - suffix.size()) == suffix;
}

std::string lowercase(std::string_view text) {
  std::string out(text);
  for (auto& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

// What to do with one name of an upload: take it (its base name), or ignore it (why), or refuse it.
struct NameCheck {
  std::string base;
  std::string ignored_because;
};

NameCheck checkName(std::string_view path) {
  std::string_view base = path;
  if (const auto slash = base.find_last_of("/\\"); slash != std::string_view::npos) base.remove_prefix(slash + 1);
  if (base.empty()) return {"", "a folder"};
  if (path.find("__MACOSX") != std::string_view::npos || base.front() == '.') return {"", "a hidden file"};
  const std::string lower = lowercase(base);
  if (!endsWith(lower, ".csv") && !endsWith(lower, ".xlsx")) return {"", "neither .csv nor .xlsx"};
  return {lower, ""};
}

// Adds `file` unless its name is one the upload has already; the running total kept.
Result<void> take(std::vector<UploadedFile>& files, std::uint64_t& unpacked, UploadedFile file) {
  for (const auto& other : files) {
    if (other.name == file.name) return makeError(fmt::format("the upload holds {} twice", file.name));
  }
  if (files.size() >= kMaxFiles) return makeError(fmt::format("the upload holds more than {} files", kMaxFiles));
  unpacked += file.bytes.size();
  if (unpacked > kMaxUnpackedBytes) return makeError("the upload unpacks to more than 1 GiB");
  files.push_back(std::move(file));
  return {};
}

Result<std::vector<UploadedFile>> unzip(const std::string& body, std::vector<std::string>& ignored) {
  zip_error_t error;
  zip_error_init(&error);
  zip_source_t* source = zip_source_buffer_create(body.data(), body.size(), 0, &error);
  if (source == nullptr) {
    zip_error_fini(&error);
    return makeError("the upload cannot be opened as a zip archive");
  }
  zip_t* archive = zip_open_from_source(source, ZIP_RDONLY, &error);
  if (archive == nullptr) {
    const std::string why = zip_error_strerror(&error);
    zip_source_free(source);
    zip_error_fini(&error);
    return makeError(fmt::format("the upload is not a readable zip archive: {}", why));
  }
  zip_error_fini(&error);
  const std::unique_ptr<zip_t, decltype(&zip_discard)> closing(archive, &zip_discard);
  std::vector<UploadedFile> files;
  std::uint64_t unpacked = 0;
  const zip_int64_t entries = zip_get_num_entries(archive, 0);
  for (zip_int64_t i = 0; i < entries; ++i) {
    zip_stat_t stat;
    zip_stat_init(&stat);
    if (zip_stat_index(archive, static_cast<zip_uint64_t>(i), 0, &stat) != 0 || stat.name == nullptr) {
      return makeError(fmt::format("entry {} of the zip archive cannot be read", i + 1));
    }
    const std::string name = stat.name;
    auto check = checkName(name);
    if (check.base.empty()) {
      if (!endsWith(name, "/")) ignored.push_back(fmt::format("{} ({})", name, check.ignored_because));
      continue;
    }
    if ((stat.valid & ZIP_STAT_SIZE) == 0 || stat.size > kMaxEntryBytes) {
      return makeError(fmt::format("{} in the zip archive is larger than 512 MiB", name));
    }
    zip_file_t* entry = zip_fopen_index(archive, static_cast<zip_uint64_t>(i), 0);
    if (entry == nullptr) {
      return makeError(fmt::format("{} in the zip archive cannot be read: {}", name, zip_strerror(archive)));
    }
    UploadedFile file{check.base, std::string(static_cast<std::size_t>(stat.size), '\0')};
    // One byte more than it says it holds: an entry whose data outgrows its header is refused.
    std::string extra(1, '\0');
    const zip_int64_t got = zip_fread(entry, file.bytes.data(), stat.size);
    const zip_int64_t beyond = got >= 0 ? zip_fread(entry, extra.data(), 1) : -1;
    zip_fclose(entry);
    if (got < 0 || static_cast<zip_uint64_t>(got) != stat.size || beyond != 0) {
      return makeError(fmt::format("{} in the zip archive is damaged (its data and its size disagree)", name));
    }
    if (auto taken = take(files, unpacked, std::move(file)); !taken) return std::move(taken).error();
  }
  return files;
}

// The value of `key` in a header's parameters: boundary=…, filename="…".
std::string headerParameter(std::string_view header, std::string_view key) {
  const std::string lower = lowercase(header);
  std::size_t at = 0;
  while ((at = lower.find(key, at)) != std::string::npos) {
    const bool starts = at == 0 || lower[at - 1] == ' ' || lower[at - 1] == ';';
    const std::size_t eq = at + key.size();
    if (starts && eq < lower.size() && lower[eq] == '=') {
      std::string_view value = header.substr(eq + 1);
      if (!value.empty() && value.front() == '"') {
        value.remove_prefix(1);
        return std::string(value.substr(0, value.find('"')));
      }
      return std::string(value.substr(0, value.find(';')));
    }
    at = eq;
  }
  return {};
}

Result<std::vector<UploadedFile>> multipart(std::string_view content_type, const std::string& body,
                                            std::vector<std::string>& ignored) {
  const std::string boundary = headerParameter(content_type, "boundary");
  if (boundary.empty()) return makeError("multipart/form-data without a boundary");
  const std::string delimiter = "--" + boundary;
  std::vector<UploadedFile> files;
  std::uint64_t unpacked = 0;
  std::size_t at = body.find(delimiter);
  if (at == std::string::npos) return makeError("the multipart body has no part");
  for (std::size_t part = 1;; ++part) {
    at += delimiter.size();
    if (body.compare(at, 2, "--") == 0) break;  // the closing delimiter
    if (body.compare(at, 2, "\r\n") != 0) return makeError(fmt::format("part {} of the upload is malformed", part));
    at += 2;
    const std::size_t headers_end = body.find("\r\n\r\n", at);
    if (headers_end == std::string::npos) return makeError(fmt::format("part {} of the upload has no end", part));
    const std::string_view headers(body.data() + at, headers_end - at);
    const std::size_t content = headers_end + 4;
    const std::size_t next = body.find("\r\n" + delimiter, content);
    if (next == std::string::npos) return makeError(fmt::format("part {} of the upload has no end", part));
    std::string filename;
    std::size_t line = 0;
    while (line < headers.size()) {
      const std::size_t end = std::min(headers.find("\r\n", line), headers.size());
      const std::string_view header = headers.substr(line, end - line);
      if (lowercase(header.substr(0, 20)) == "content-disposition:") filename = headerParameter(header, "filename");
      line = end + 2;
    }
    if (!filename.empty()) {
      auto check = checkName(filename);
      if (check.base.empty()) {
        ignored.push_back(fmt::format("{} ({})", filename, check.ignored_because));
      } else {
        UploadedFile file{check.base, body.substr(content, next - content)};
        if (auto taken = take(files, unpacked, std::move(file)); !taken) return std::move(taken).error();
      }
    }
    at = next + 2;
  }
  return files;
}

// A folder of its own under the system's temporary folder (mode 0700), removed when it goes.
class PrivateFolder {
 public:
  PrivateFolder() {
    std::string pattern = (std::filesystem::temp_directory_path() / "staffchain-audit-XXXXXX").string();
    if (::mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("cannot make a temporary folder for the audit");
    path_ = pattern;
  }
  ~PrivateFolder() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  PrivateFolder(const PrivateFolder&) = delete;
  PrivateFolder& operator=(const PrivateFolder&) = delete;
  [[nodiscard]] const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

// Puts what the folder holds into the engine as it is read, and keeps the quarantine to show.
class EngineSink final : public model::RecordSink {
 public:
  explicit EngineSink(chain::ChainEngine& engine) : engine_(engine) {}
  void expect(model::RecordType, std::size_t) override {}
  void add(model::Record&& record) override { engine_.apply(std::move(record)); }
  void quarantine(model::QuarantineEntry&& entry) override {
    quarantined_.push_back(entry);
    engine_.addQuarantine(std::move(entry));
  }
  [[nodiscard]] const std::vector<model::QuarantineEntry>& quarantined() const { return quarantined_; }

 private:
  chain::ChainEngine& engine_;
  std::vector<model::QuarantineEntry> quarantined_;
};

}  // namespace

Result<std::vector<UploadedFile>> unpackUpload(std::string_view content_type, const std::string& body,
                                               std::vector<std::string>& ignored) {
  if (body.empty()) return makeError("the upload is empty: send a .zip of the exports, or the files themselves");
  const std::string type = lowercase(content_type.substr(0, content_type.find(';')));
  if (type == "multipart/form-data") return multipart(content_type, body, ignored);
  if (type == "application/zip" || type == "application/x-zip-compressed" || body.rfind("PK\x03\x04", 0) == 0) {
    return unzip(body, ignored);
  }
  return makeError(
      fmt::format("an upload of type \"{}\" cannot be audited: send a .zip (application/zip) or the "
                  "files as multipart/form-data",
                  content_type));
}

Result<nlohmann::json> auditUpload(const std::vector<UploadedFile>& files, const chain::RuleParams& params,
                                   model::Date as_of) {
  if (files.empty()) return makeError("the upload holds no .csv or .xlsx file");
  const PrivateFolder folder;
  nlohmann::json names = nlohmann::json::array();
  for (const auto& file : files) {
    std::ofstream out(folder.path() / file.name, std::ios::binary);
    out.write(file.bytes.data(), static_cast<std::streamsize>(file.bytes.size()));
    if (!out.flush()) return makeError(fmt::format("cannot write {} into the audit's temporary folder", file.name));
    names.push_back(file.name);
  }
  const std::string source = "audit";
  chain::ChainEngine engine(params);
  engine.neverChanged();  // evaluated once, never changed
  engine.reset({source});
  EngineSink sink(engine);
  std::vector<std::string> notes;
  if (auto read = model::readCanonicalFolder(folder.path(), source, sink, &notes); !read) {
    // The folder's own path means nothing to the person who uploaded it.
    std::string message = read.error().message;
    const std::string prefix = folder.path().string() + "/";
    for (std::size_t at; (at = message.find(prefix)) != std::string::npos;) message.erase(at, prefix.size());
    const std::string bare = folder.path().string();
    for (std::size_t at; (at = message.find(bare)) != std::string::npos;)
      message.replace(at, bare.size(), "the upload");
    return makeError(message);
  }
  engine.evaluateAllInPlace(as_of);
  nlohmann::json findings = nlohmann::json::array();
  std::map<std::string, std::size_t> by_rule;
  for (const auto* finding : engine.findingsInPlace()) {
    findings.push_back(chain::findingJson(*finding));
    ++by_rule[finding->rule];
  }
  nlohmann::json quarantine = nlohmann::json::array();
  for (const auto& entry : sink.quarantined()) {
    quarantine.push_back({{"record_type", plugin::recordTypeFile(entry.type)},
                          {"row", entry.origin},
                          {"field", entry.field},
                          {"value", entry.value},
                          {"reason", entry.reason}});
  }
  return nlohmann::json{{"as_of", model::formatDate(as_of)},
                        {"files", names},
                        {"notes", notes},
                        {"count", findings.size()},
                        {"by_rule", by_rule},
                        {"findings", std::move(findings)},
                        {"quarantined", quarantine.size()},
                        {"quarantine", std::move(quarantine)}};
}

}  // namespace staffchain::daemon
