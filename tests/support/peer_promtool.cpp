#include "peer_promtool.hpp"

#include <chrono>

#include "peer.hpp"
#include "scratch_dir.hpp"

namespace staffchain::testing {

Result<CommandOutcome> promtoolCheck(const std::string& exposition) {
  auto promtool = findProgram("promtool");
  if (!promtool) return std::move(promtool).error();
  const ScratchDir scratch;
  const auto input = scratch.write("exposition.txt", exposition);
  return runCommand({promtool->string(), "check", "metrics"},
                    {.log = scratch.path() / "promtool.log", .input = input, .workdir = scratch.path()},
                    std::chrono::seconds(60));
}

}  // namespace staffchain::testing
