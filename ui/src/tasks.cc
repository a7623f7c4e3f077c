#include "linli/ui/tasks.h"

namespace linli::ui {

int TaskRunner::RunPending() {
  int ran = 0;
  for (;;) {
    Continuation c;
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (done_.empty()) break;
      c = std::move(done_.front());
      done_.pop_front();
    }
    if (c) c();
    {
      std::lock_guard<std::mutex> lock(mu_);
      --in_flight_;
    }
    ++ran;
  }
  return ran;
}

int TaskRunner::in_flight() const {
  std::lock_guard<std::mutex> lock(mu_);
  return in_flight_;
}

void TaskRunner::Finish(Continuation c) {
  std::lock_guard<std::mutex> lock(mu_);
  done_.push_back(std::move(c));
}

void InlineTaskRunner::Post(Task task) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    ++in_flight_;
  }
  Finish(task());
}

void ManualTaskRunner::Post(Task task) {
  std::lock_guard<std::mutex> lock(mu_);
  ++in_flight_;
  queue_.push_back(std::move(task));
}

int ManualTaskRunner::RunQueued() {
  std::deque<Task> run;
  {
    std::lock_guard<std::mutex> lock(mu_);
    run.swap(queue_);
  }
  for (Task& t : run) Finish(t());
  return static_cast<int>(run.size());
}

int ManualTaskRunner::queued() const {
  std::lock_guard<std::mutex> lock(mu_);
  return static_cast<int>(queue_.size());
}

ThreadTaskRunner::ThreadTaskRunner() : worker_([this] { Loop(); }) {}

ThreadTaskRunner::~ThreadTaskRunner() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  worker_.join();
}

void ThreadTaskRunner::Post(Task task) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    ++in_flight_;
    queue_.push_back(std::move(task));
  }
  cv_.notify_one();
}

void ThreadTaskRunner::Loop() {
  for (;;) {
    Task task;
    {
      std::unique_lock<std::mutex> lock(mu_);
      cv_.wait(lock, [this] { return stop_ || !queue_.empty(); });
      if (queue_.empty()) return;  // stopping, nothing left
      task = std::move(queue_.front());
      queue_.pop_front();
    }
    Finish(task());
  }
}

}  // namespace linli::ui
