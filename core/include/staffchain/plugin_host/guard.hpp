// guardCall: the host's net under every call into a plugin, so no exception crosses back.
#pragma once

#include <exception>
#include <string>
#include <string_view>
#include <utility>

#include "staffchain/plugin/result.hpp"

namespace staffchain::plugin_host {

// Runs `fn` (returning Result<T>) and turns anything it throws into an Error naming `what`.
template <typename Fn>
auto guardCall(std::string_view what, Fn&& fn) noexcept -> decltype(fn()) {
  using R = decltype(fn());
  try {
    return std::forward<Fn>(fn)();
  } catch (const std::exception& error) {
    return R(makeError(std::string(what) + " threw an exception: " + error.what()));
  } catch (...) {
    return R(makeError(std::string(what) + " threw a non-standard exception"));
  }
}

}  // namespace staffchain::plugin_host
