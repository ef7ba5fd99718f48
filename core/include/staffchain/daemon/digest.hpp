// Digest: the message a receiver gets for one evaluation's changes, grouped and readable.
#pragma once

#include <string>
#include <vector>

#include "staffchain/chain/finding.hpp"
#include "staffchain/config/config.hpp"
#include "staffchain/plugin/notifier.hpp"

namespace staffchain::daemon {

// The receivers a finding goes to, walking the route tree: the first matching child route
// takes it unless it says `continue`; a route whose children did not match keeps it.
std::vector<std::string> receiversFor(const config::Route& route, const chain::Finding& finding,
                                      model::SourceRole role);

// One digest for a receiver: new findings listed (most severe first), resolved ones counted
// (and their fingerprints listed in the JSON form).
plugin::Notification renderDigest(const std::string& receiver, const std::vector<const chain::Finding*>& opened,
                                  const std::vector<std::string>& resolved, const std::string& as_of);

}  // namespace staffchain::daemon
