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
  // Fetches what is new since `request.cursor`. Must not throw: failures are results.
  virtual Result<SourceBatch> pull(const PullRequest& request) noexcept = 0;
  // Called after the host committed a batch: a plugin may now archive files it consumed.
  virtual void committed(const SourceBatch& batch) noexcept { (void)batch; }
};

}  // namespace staffchain::plugin
