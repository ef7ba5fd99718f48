// DATA-002: a snapshot the removal guard held (ledger::HeldSnapshot) as the finding that tells
// operations and the source's department what would have been removed, and how to go on.
#pragma once

#include <string>

#include "staffchain/chain/finding.hpp"
#include "staffchain/ledger/ledger.hpp"

namespace staffchain::daemon {

inline constexpr const char* kHeldSnapshotRule = "DATA-002";

// The finding of one open held snapshot; its evidence names the connector (so that routes by
// role reach the department whose export it was), the file, the counts and the units.
chain::Finding heldSnapshotFinding(const ledger::HeldSnapshot& held);

// One line for the log and the plugin's reason file: what was held and why.
std::string heldSnapshotReason(const ledger::HeldSnapshot& held);

}  // namespace staffchain::daemon
