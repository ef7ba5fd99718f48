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
  // Called instead of committed() when the host held the batch unapplied: its snapshot would
  // have removed more records than the connector's guard allows. Nothing of it (nor its cursor)
  // was committed; a file source sets the file aside so that it does not come again.
  virtual Result<void> held(const SourceBatch& batch, const std::string& reason) {
    (void)batch;
    (void)reason;
    return {};
  }
  // An operator's action on what the source keeps, by name: the csv source knows "accept FILE"
  // (apply a held file) and "reingest FILE" (apply an archived file again). The answer says
  // what was done, for the operator.
  virtual Result<std::string> act(const std::string& action, const std::string& argument) {
    (void)argument;
    return makeError("this connector's plugin has no action \"" + action + "\"");
  }
};

}  // namespace staffchain::plugin
