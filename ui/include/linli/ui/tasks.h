// Background work for the counter (ImHex's TaskManager::doLater, in small).
//
// Slow work — gateway calls, printing, weighing, report printing — runs off
// the UI thread. A task is a function that does the work and returns a
// continuation; the continuation runs on the UI thread when the UI calls
// RunPending() (once a frame), so results only ever touch UI state there.
//
// Tasks run one at a time, in the order posted. Whatever a task touches
// (the Database connection of the checkout, a driver) must not be touched
// by the UI thread until its continuation has run: CounterSession keeps a
// busy flag for exactly that (RunTask, session.h).
#pragma once

#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>

namespace linli::ui {

using Continuation = std::function<void()>;
using Task = std::function<Continuation()>;

class TaskRunner {
 public:
  virtual ~TaskRunner() = default;
  // Queues `task`. Its continuation (may be empty) runs in RunPending().
  virtual void Post(Task task) = 0;
  // Runs the continuations that are ready, in order. UI thread only.
  // Returns how many ran.
  int RunPending();
  // Tasks posted whose continuation has not run yet.
  int in_flight() const;

 protected:
  void Finish(Continuation c);  // any thread

  mutable std::mutex mu_;
  std::deque<Continuation> done_;  // guarded by mu_
  int in_flight_ = 0;              // guarded by mu_
};

// Runs each task at once, on the caller's thread (tests, replay, bench).
class InlineTaskRunner final : public TaskRunner {
 public:
  void Post(Task task) override;
};

// Holds each task until RunQueued() runs it, on the caller's thread (tests:
// what the UI does while a slow call has not answered yet).
class ManualTaskRunner final : public TaskRunner {
 public:
  void Post(Task task) override;
  // Runs the tasks posted so far, in order; their continuations then wait
  // for RunPending() as usual. Returns how many ran.
  int RunQueued();
  int queued() const;

 private:
  std::deque<Task> queue_;  // guarded by mu_
};

// One worker thread; the destructor finishes queued tasks, then joins.
class ThreadTaskRunner final : public TaskRunner {
 public:
  ThreadTaskRunner();
  ~ThreadTaskRunner() override;
  ThreadTaskRunner(const ThreadTaskRunner&) = delete;
  ThreadTaskRunner& operator=(const ThreadTaskRunner&) = delete;
  void Post(Task task) override;

 private:
  void Loop();
  std::condition_variable cv_;
  std::deque<Task> queue_;  // guarded by mu_
  bool stop_ = false;       // guarded by mu_
  std::thread worker_;
};

}  // namespace linli::ui
