// staffchainctl report KIND: the reports an office hands upwards, fetched from the daemon as the
// files themselves. Each kind is one entry of kReports; the file is written beside its target and
// renamed over it, so a failed fetch never leaves half a workbook where the last one was.
#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <functional>
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
    "usage: staffchainctl report quarterly --quarter YYYYQn [--region CODE] --out FILE.xlsx\n";

int usage(const std::string& problem) {
  fmt::print(stderr, "staffchainctl report: {}\n{}", problem, kReportUsage);
  return 64;
}

Result<void> writeFile(const std::filesystem::path& out, const std::string& bytes) {
  const auto partial = std::filesystem::path(out.string() + ".partial");
  {
    std::ofstream file(partial, std::ios::binary | std::ios::trunc);
    file.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    file.close();
    if (!file) {
      std::error_code ignored;
      std::filesystem::remove(partial, ignored);
      return makeError(fmt::format("cannot write {}", out.string()));
    }
  }
  std::error_code renamed;
  std::filesystem::rename(partial, out, renamed);
  if (renamed) {
    std::error_code ignored;
    std::filesystem::remove(partial, ignored);
    return makeError(fmt::format("cannot write {}: {}", out.string(), renamed.message()));
  }
  return {};
}

// One kind of report: the options it takes (each with a value) and the API path they make.
struct ReportKind {
  std::vector<std::string> required;
  std::vector<std::string> optional;
  std::function<std::string(const std::map<std::string, std::string>&)> path;
};

const std::map<std::string, ReportKind>& reportKinds() {
  static const std::map<std::string, ReportKind> kKinds{
      {"quarterly",
       {{"quarter"},
        {"region"},
        [](const std::map<std::string, std::string>& options) {
          return "/api/v1/reports/quarterly" + query(options);
        }}},
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
  auto bytes = fetchFile(*client, kind->second.path(options));
  if (!bytes) return fail("report", bytes.error());
  if (auto written = writeFile(out, *bytes); !written) return fail("report", written.error());
  if (client->as_json) {
    fmt::print("{{\"report\": \"{}\", \"out\": {}, \"bytes\": {}}}\n", kind->first, nlohmann::json(out).dump(),
               bytes->size());
  } else {
    fmt::print("{} report written to {} ({} bytes)\n", kind->first, out, bytes->size());
  }
  return 0;
}

}  // namespace staffchain::ctl
