// staffchainctl gen: the dataset generator's command line.
#include <fmt/format.h>

#include "commands.hpp"
#include "staffchain/gen/generate_world.hpp"

namespace staffchain::ctl {

int runGen(const std::vector<std::string>& args) {
  gen::WorldSpec spec;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (arg == "--help" || arg == "-h") {
      fmt::print("usage: staffchainctl gen --persons N --seed S --out DIR [options]\n\n");
      for (const auto& option : gen::worldOptions()) {
        fmt::print("  --{} {:<10} {}{}\n", option.name, option.value_hint, option.help,
                   option.default_text.empty() ? std::string(" (required)")
                                               : fmt::format(" (default {})", option.default_text));
      }
      return 0;
    }
    if (arg.rfind("--", 0) != 0 || i + 1 >= args.size()) {
      fmt::print(stderr, "staffchainctl gen: expected --OPTION VALUE, got \"{}\"\n", arg);
      return 64;
    }
    if (auto set = gen::setWorldOption(spec, std::string_view(arg).substr(2), args[++i]); !set) {
      fmt::print(stderr, "staffchainctl gen: {}\n", set.error().message);
      return 64;
    }
  }
  if (auto valid = gen::validateWorldSpec(spec); !valid) {
    fmt::print(stderr, "staffchainctl gen: {}\n", valid.error().message);
    return 64;
  }
  auto stats = gen::generateWorld(spec);
  if (!stats) {
    fmt::print(stderr, "staffchainctl gen: {}\n", stats.error().message);
    return 2;
  }
  fmt::print(
      "wrote {}: {} units, {} persons, {} roster rows, {} movements, {} payroll rows, {} deaths, "
      "{} truth lines\n",
      spec.out_dir.string(), stats->units, stats->persons, stats->roster, stats->movements, stats->payroll,
      stats->deaths, stats->truth_lines);
  return 0;
}

}  // namespace staffchain::ctl
