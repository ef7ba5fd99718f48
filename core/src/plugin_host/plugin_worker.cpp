#include "staffchain/plugin_host/plugin_worker.hpp"

namespace staffchain::plugin_host {

PluginWorker::PluginWorker(std::string name) : name_(std::move(name)), thread_([this] { run(); }) {}

PluginWorker::~PluginWorker() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

bool PluginWorker::submit(std::function<void()> job) {
  {
    std::lock_guard lock(mutex_);
    if (stopping_) return false;
    jobs_.push_back(std::move(job));
  }
  wake_.notify_all();
  return true;
}

bool PluginWorker::idle() const {
  std::lock_guard lock(mutex_);
  return !running_job_ && jobs_.empty();
}

void PluginWorker::abandon() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.detach();
}

void PluginWorker::run() {
  for (;;) {
    std::function<void()> job;
    {
      std::unique_lock lock(mutex_);
      wake_.wait(lock, [&] { return stopping_ || !jobs_.empty(); });
      if (jobs_.empty()) return;  // stopping, nothing left
      job = std::move(jobs_.front());
      jobs_.pop_front();
      running_job_ = true;
    }
    try {
      job();  // submitters guard their plugin calls; this is the last net for the thread
    } catch (...) {
    }
    std::lock_guard lock(mutex_);
    running_job_ = false;
  }
}

}  // namespace staffchain::plugin_host
