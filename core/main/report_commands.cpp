// staffchainctl report KIND: the reports an office hands upwards (the quarterly monitoring report,
// a leader's tenure audit), fetched from the daemon as the files themselves. Each kind is one entry
// of reportKinds(); the file is written beside its target and renamed over it (download), so a
// failed fetch never leaves half a workbook where the last one was.
#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <system_error>
#include <vector>

#include "api_client.hpp"
#include "commands.hpp"

namespace staffchain::ctl {
namespace {

constexpr const char* kReportUsage =
    "usage: staffchainctl report quarterly --quarter YYYYQn [--region CODE] --out FILE.xlsx\n"
    "       staffchainctl report tenure --unit CODE --from YYYY-MM-DD --to YYYY-MM-DD --out FILE.xlsx|FILE.pdf\n";

constexpr const char* kWorkbook = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

int usage(const std::string& problem) {
  fmt::print(stderr, "staffchainctl report: {}\n{}", problem, kReportUsage);
  return 64;
}

// One kind of report: the options it takes (each with a value), its API path, and the files it
// can be written as: the --out file's extension picks the format (its `format` parameter when the
// report has more than one) and the content type the answer must have.
struct ReportFormat {
  std::string extension;  // ".xlsx"
  std::string format;     // the format parameter, or empty when the report has one form
  std::string content_type;
};

struct ReportKind {
  std::vector<std::string> required;
  std::vector<std::string> optional;
  std::string path;
  std::vector<ReportFormat> formats;
};

const std::map<std::string, ReportKind>& reportKinds() {
  static const std::map<std::string, ReportKind> kKinds{
      {"quarterly", {{"quarter"}, {"region"}, "/api/v1/reports/quarterly", {{".xlsx", "", kWorkbook}}}},
      {"tenure",
       {{"unit", "from", "to"},
        {},
        "/api/v1/reports/tenure",
        {{".xlsx", "xlsx", kWorkbook}, {".pdf", "pdf", "application/pdf"}}}},
  };
  return kKinds;
}

}  // namespace

int runReportCommand(std::vector<std::string> args) {
  auto client = clientFrom(args);
  if (!client) return fail("report", client.error());
  if (args.empty() || args[0].rfind("--", 0) == 0) return usage("the kind of report comes first");
  const auto kind = reportKinds().find(args[0]);
  if (kind == reportKinds().end()) return usage(fmt::format("no report \"{}\"", args[0]));
  std::map<std::string, std::string> options;
  std::string out;
  for (std::size_t i = 1; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (arg.rfind("--", 0) != 0 || i + 1 >= args.size()) return usage(fmt::format("unexpected \"{}\"", arg));
    const std::string name = arg.substr(2);
    const std::string value = args[++i];
    const auto& k = kind->second;
    if (name == "out") {
      out = value;
    } else if (std::find(k.required.begin(), k.required.end(), name) != k.required.end() ||
               std::find(k.optional.begin(), k.optional.end(), name) != k.optional.end()) {
      options[name] = value;
    } else {
      return usage(fmt::format("{} does not take {}", kind->first, arg));
    }
  }
  for (const auto& name : kind->second.required) {
    if (options[name].empty()) return usage(fmt::format("--{} is required", name));
  }
  if (out.empty()) return usage("--out FILE is required");
  std::string extension = std::filesystem::path(out).extension().string();
  std::transform(extension.begin(), extension.end(), extension.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  const auto& formats = kind->second.formats;
  const auto format =
      std::find_if(formats.begin(), formats.end(), [&](const ReportFormat& f) { return f.extension == extension; });
  if (format == formats.end()) {
    std::string allowed;
    for (const auto& f : formats) allowed += (allowed.empty() ? "" : " or ") + f.extension;
    return usage(fmt::format("--out \"{}\": a {} report is written as {}", out, kind->first, allowed));
  }
  if (!format->format.empty()) options["format"] = format->format;
  if (auto done = download(*client, kind->second.path + query(options), format->content_type, out); !done) {
    return fail("report", done.error());
  }
  std::error_code ignored;
  const auto bytes = std::filesystem::file_size(out, ignored);
  if (client->as_json) {
    fmt::print("{{\"report\": \"{}\", \"out\": {}, \"bytes\": {}}}\n", kind->first, nlohmann::json(out).dump(), bytes);
  } else {
    fmt::print("{} report written to {} ({} bytes)\n", kind->first, out, bytes);
  }
  return 0;
}

}  // namespace staffchain::ctl
