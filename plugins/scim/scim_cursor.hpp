// ScimCursor: where a SCIM connector stands, committed by the host with each batch, so that a
// restarted daemon resumes mid-query at the page it had reached.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "staffchain/plugin/result.hpp"

namespace staffchain::scim {

// A pull walks one query ("pass") page by page. `since` is the lastModified watermark the pass
// filters from, fixed for the whole pass so its pages stay one consistent query; `seen` is the
// latest lastModified met so far in it. When a pass ends, `seen` becomes the next pass's
// `since`. `pass` names the pass, so a full snapshot's spooled pages never mix with another's.
struct ScimCursor {
  std::string since;            // empty: everything
  std::int64_t next_start = 1;  // 1: the next pull starts a new pass
  std::string seen;             // RFC 3339, as the server wrote it; empty: nothing yet
  std::string pass;

  [[nodiscard]] bool betweenPasses() const noexcept { return next_start <= 1; }

  // A small JSON object; the host treats it as opaque.
  [[nodiscard]] std::string encode() const;
  // Empty text is the first pull. Anything this plugin did not write is an error: restarting
  // from scratch silently would hide a broken ledger.
  static Result<ScimCursor> decode(std::string_view text);
};

// The later of two RFC 3339 timestamps (by instant, not by text); an unparsable one loses.
std::string laterTimestamp(const std::string& a, const std::string& b);

}  // namespace staffchain::scim
