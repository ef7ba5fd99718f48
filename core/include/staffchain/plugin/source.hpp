// SourceConnector: a plugin that turns one department's system into canonical raw records.
#pragma once

#include <string>

#include "staffchain/plugin/host_context.hpp"
#include "staffchain/plugin/records.hpp"
#include "staffchain/plugin/result.hpp"

namespace staffchain::plugin {

struct PullRequest {
  std::string cursor;  // as returned by the last committed batch; empty on first pull or reset
  const CancelToken* cancel = nullptr;
};

class SourceConnector {
 public:
  virtual ~SourceConnector() = default;
  // Fetches what is new since `request.cursor`. Failures are results, never exceptions. The
  // method is deliberately not noexcept: should a plugin throw anyway, the host's guard turns
  // it into an error for this connector, where noexcept would terminate the whole daemon.
  virtual Result<SourceBatch> pull(const PullRequest& request) = 0;
  // Called after the host committed a batch: a plugin may now archive files it consumed.
  virtual Result<void> committed(const SourceBatch& batch) {
    (void)batch;
    return {};
  }
};

}  // namespace staffchain::plugin
