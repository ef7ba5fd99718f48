// The findings open after an evaluation, as the daemon passes them on (cases, alerts): the
// engine's read in place, and the few the daemon adds or amends (link health, held snapshots,
// overdue cases, a finding with its notices' history), owned here.
//
// At a million persons the engine holds tens of thousands of findings with their evidence:
// copying them all for every evaluation took a fifth of the evaluation that follows one change.
#pragma once

#include <cstddef>
#include <deque>
#include <utility>
#include <vector>

#include "staffchain/chain/finding.hpp"

namespace staffchain::daemon {

class OpenFindings {
 public:
  OpenFindings() = default;
  // The engine's findings, in its order; valid until the engine's next evaluation, which never
  // comes while one OpenFindings is passed on (both run in the same handler of the event loop).
  explicit OpenFindings(std::vector<const chain::Finding*> engine) : all_(std::move(engine)) {}
  OpenFindings(const OpenFindings&) = delete;
  OpenFindings& operator=(const OpenFindings&) = delete;
  // A deque's elements stay where they are when it moves: the pointers to them stay valid.
  OpenFindings(OpenFindings&&) noexcept = default;
  OpenFindings& operator=(OpenFindings&&) noexcept = default;
  ~OpenFindings() = default;

  // Adds one after the others.
  void add(chain::Finding finding) {
    owned_at_.push_back(all_.size());
    amended_.resize(all_.size() + 1);
    amended_.back() = true;
    all_.push_back(&owned_.emplace_back(std::move(finding)));
  }
  // The i-th finding as a copy owned here, in its place, to be amended.
  chain::Finding& amend(std::size_t i) {
    auto& copy = owned_.emplace_back(*all_[i]);
    if (amended_.size() < all_.size()) amended_.resize(all_.size());
    if (!amended_[i]) {
      amended_[i] = true;
      owned_at_.push_back(i);
    }
    all_[i] = &copy;
    return copy;
  }
  // The findings added or amended here, as they are now (not the engine's as it has them).
  [[nodiscard]] std::vector<const chain::Finding*> owned() const {
    std::vector<const chain::Finding*> out;
    out.reserve(owned_at_.size());
    for (const auto i : owned_at_) out.push_back(all_[i]);
    return out;
  }

  [[nodiscard]] const std::vector<const chain::Finding*>& all() const noexcept { return all_; }
  [[nodiscard]] std::size_t size() const noexcept { return all_.size(); }
  [[nodiscard]] const chain::Finding& operator[](std::size_t i) const { return *all_[i]; }

 private:
  std::vector<const chain::Finding*> all_;
  std::deque<chain::Finding> owned_;
  std::vector<std::size_t> owned_at_;  // the places in all_ that point into owned_
  std::vector<bool> amended_;          // by place: owned here already
};

}  // namespace staffchain::daemon
