// The smallest plugin there is, built as every plugin is built, plus one header more: the one
// STAFFCHAIN_PROBE_HEADER names. The SDK boundary tests build it with an SDK header (it must
// build) and with a core header (it must not find it).
#include "staffchain/plugin/descriptor.hpp"
#include STAFFCHAIN_PROBE_HEADER

namespace {

using namespace staffchain::plugin;

void validate(ConfigReader&) {}

std::unique_ptr<Notifier> create(ConfigReader&, const CreateArgs&) {
  return nullptr;
}

}  // namespace

STAFFCHAIN_NOTIFIER_PLUGIN("sdk_boundary_probe", "builds only if its extra header is in reach", &validate, &create)
