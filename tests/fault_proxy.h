// A fault-injecting HTTP/1.1 proxy on 127.0.0.1 between store agents and a
// plain-HTTP hub (issue 7, "Sync under faults"). For each request it picks,
// from a seeded PRNG, one of:
//
//   pass         forward, answer
//   drop_before  close the client's connection before forwarding (nothing committed)
//   drop_after   forward (the hub commits), then close without answering
//   reset        forward, send part of the answer, then a TCP RST
//   truncate     forward, send half the answer, then close (FIN)
//   duplicate    forward twice (the second is a replay), answer one of the two
//   reorder      hold the request, close the client, and forward it only
//                after the next request (of any connection) has been
//                forwarded — a stale request arriving after a newer one
//   delay        wait 0..delay_max_ms, then forward and answer
//   stall        wait stall_ms (longer than the client's timeout), then forward
//                (the hub commits after the client gave up) and try to answer
//
// A run is replayable from its seed as far as thread scheduling allows: the
// decisions are drawn in arrival order from one generator.
//
// Bounded: one thread per client connection (finished ones are reaped), each
// connection serves at most 10,000 requests, every read polls with a timeout,
// every wait is in slices that watch the stop flag.
#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <random>
#include <string>
#include <thread>
#include <vector>

namespace linli::testing {

class FaultProxy {
 public:
  enum Fault {
    kPass = 0,
    kDropBefore,
    kDropAfter,
    kReset,
    kTruncate,
    kDuplicate,
    kReorder,
    kDelay,
    kStall,
    kFaultCount
  };
  static const char* Name(Fault f);

  struct Options {
    int fault_percent = 30;   // of requests that get a fault (uniform over the kinds)
    int delay_max_ms = 150;
    int stall_ms = 1'600;     // set above the client's timeout
    int hold_max_ms = 800;    // a reordered request is forwarded by then at the latest
  };

  FaultProxy(int upstream_port, uint64_t seed, Options options);
  ~FaultProxy();
  FaultProxy(const FaultProxy&) = delete;
  FaultProxy& operator=(const FaultProxy&) = delete;

  int port() const { return port_; }
  void set_fault_percent(int p) { fault_percent_ = p; }
  void set_upstream_port(int p) { upstream_port_ = p; }
  std::map<Fault, int> counts();
  std::string CountsText();
  // Forwards a held (reordered) request now, if any. Called by the owner
  // before it checks invariants, so nothing is left in flight.
  void Flush();

 private:
  struct Worker {
    std::thread thread;
    std::shared_ptr<std::atomic<bool>> done;
  };

  void Loop();
  void Serve(int client);
  Fault Pick();
  uint64_t Rand();
  std::string Forward(const std::string& request);
  // Forwards `request`, then the held one (if any) after it.
  std::string ForwardThenReleaseHeld(const std::string& request);
  void SleepMs(int ms);

  std::atomic<int> upstream_port_;
  Options options_;
  std::atomic<int> fault_percent_;
  std::mutex mu_;  // rng_, counts_
  std::mt19937_64 rng_;
  std::map<Fault, int> counts_;
  std::mutex held_mu_;
  std::optional<std::string> held_;
  int64_t held_since_ms_ = 0;
  int listen_fd_ = -1;
  int port_ = 0;
  std::atomic<bool> stop_{false};
  std::thread thread_;
  std::vector<Worker> workers_;  // only touched by the accept thread
};

}  // namespace linli::testing
