// staffchaind: the daemon's entry point; all behaviour lives in the daemon area.
#include <fmt/format.h>

#include <cstring>
#include <string>

#include "staffchain/daemon/daemon.hpp"
#include "staffchain/plugin/build_info.hpp"
#include "staffchain/plugin/support/text_encoding.hpp"

// LeakSanitizer (the asan build): once the daemon has drawn a PDF (the tenure report), fontconfig
// keeps its configuration and font caches, reached through pango's default font map, for the life
// of the process, and stores its links as offsets the sanitizer cannot follow; the cairo font data
// hung on its patterns looks unreferenced for the same reason. Neither is a leak of ours. Exported:
// the build hides symbols by default, and the sanitizer looks the hook up by name. Unused elsewhere.
extern "C" __attribute__((visibility("default"), used)) const char* __lsan_default_suppressions() {
  return "leak:libfontconfig.so\nleak:libcairo.so\n";
}

namespace {

constexpr const char* kUsage = R"(usage: staffchaind --config FILE [--once]

Synchronises the staffing systems of the establishment office, the organisation department,
the HR bureau and the finance bureau through connector plugins, evaluates the "no blind spot"
chain and alerts the responsible departments.

  --config FILE   the configuration file (TOML); conf.d/*.toml beside it is read too
  --once          run one full cycle (every connector once, evaluation, notification), then exit
  --help          this text
  --version       the version and build tag

Signals: SIGTERM/SIGINT stop gracefully, SIGHUP reloads the configuration.
Exit codes: 0 stopped cleanly, 1 invalid configuration, 2 state or plugins unusable, 3 --once ended
with messages still queued (each receiver and the count are logged), 64 usage.
)";

}  // namespace

int main(int argc, char** argv) {
  staffchain::daemon::DaemonOptions options;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--help" || arg == "-h") {
      fmt::print("{}", kUsage);
      return 0;
    }
    if (arg == "--version") {
      fmt::print("staffchaind {} ({})\n", STAFFCHAIN_VERSION_STRING, STAFFCHAIN_BUILD_TAG);
      return 0;
    }
    if (arg == "--once") {
      options.once = true;
    } else if (arg == "--config" && i + 1 < argc) {
      options.config_path = argv[++i];
    } else if (arg.rfind("--config=", 0) == 0) {
      options.config_path = arg.substr(9);
    } else {
      fmt::print(stderr, "staffchaind: unknown argument \"{}\"\n\n{}", arg, kUsage);
      return 64;
    }
  }
  if (options.config_path.empty()) {
    fmt::print(stderr, "staffchaind: --config FILE is required\n\n{}", kUsage);
    return 64;
  }
  // Nothing escapes as an abort: what the daemon could not handle is named, with exit 2, and
  // systemd restarts it.
  try {
    return staffchain::daemon::runDaemon(options);
  } catch (const std::exception& error) {
    fmt::print(stderr, "staffchaind: stopped by an unexpected error: {}\n",
               staffchain::plugin::toValidUtf8(error.what()));
  } catch (...) {
    fmt::print(stderr, "staffchaind: stopped by an unknown error\n");
  }
  return 2;
}
