// A fault-injecting HTTP proxy on 127.0.0.1 for the sync tests (DESIGN §6,
// issue 5): between the agent and a plain-HTTP hub it drops connections
// before and after the hub has answered (and so committed), truncates
// answers, sends requests twice and delays them. Decisions come from a seeded
// PRNG so a failing run can be replayed with the printed seed.
//
// One connection at a time (the agent has one request in flight); every read
// has a timeout and every loop a bound.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstring>
#include <map>
#include <mutex>
#include <random>
#include <string>
#include <thread>
#include <vector>

namespace linli::testing {

class FaultProxy {
 public:
  enum Fault { kPass = 0, kDropBefore, kDropAfter, kTruncate, kDuplicate, kDelay, kFaultCount };

  FaultProxy(int upstream_port, uint64_t seed, int fault_percent)
      : upstream_port_(upstream_port), rng_(seed), fault_percent_(fault_percent) {
    listen_fd_ = socket(AF_INET, SOCK_STREAM, 0);
    int one = 1;
    setsockopt(listen_fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = 0;
    bind(listen_fd_, reinterpret_cast<sockaddr*>(&a), sizeof a);
    listen(listen_fd_, 16);
    socklen_t len = sizeof a;
    getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&a), &len);
    port_ = ntohs(a.sin_port);
    thread_ = std::thread([this] { Loop(); });
  }
  ~FaultProxy() {
    stop_ = true;
    thread_.join();
    close(listen_fd_);
  }

  int port() const { return port_; }
  void set_fault_percent(int p) { fault_percent_ = p; }
  std::map<Fault, int> counts() {
    std::lock_guard lock(mu_);
    return counts_;
  }

 private:
  static bool WaitReadable(int fd, int ms) {
    pollfd p{fd, POLLIN, 0};
    return poll(&p, 1, ms) > 0;
  }

  // Reads one HTTP message (headers + Content-Length body) from fd, using
  // and refilling `buf`. Empty on EOF, timeout or a malformed message.
  std::string ReadMessage(int fd, std::string& buf) {
    for (int i = 0; i < 100000; ++i) {
      const size_t end = buf.find("\r\n\r\n");
      if (end != std::string::npos) {
        size_t body = 0;
        std::string head = buf.substr(0, end);
        for (char& c : head) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        const size_t cl = head.find("content-length:");
        if (cl != std::string::npos) body = std::stoul(head.substr(cl + 15));
        if (buf.size() >= end + 4 + body) {
          std::string msg = buf.substr(0, end + 4 + body);
          buf.erase(0, end + 4 + body);
          return msg;
        }
      }
      bool ready = false;
      for (int w = 0; w < 200 && !ready && !stop_; ++w) ready = WaitReadable(fd, 50);  // ≤ 10 s
      if (!ready) return "";
      char tmp[65536];
      const ssize_t n = recv(fd, tmp, sizeof tmp, 0);
      if (n <= 0) return "";
      buf.append(tmp, static_cast<size_t>(n));
    }
    return "";
  }

  static bool SendAll(int fd, const std::string& s) {
    size_t off = 0;
    while (off < s.size()) {
      const ssize_t n = send(fd, s.data() + off, s.size() - off, MSG_NOSIGNAL);
      if (n <= 0) return false;
      off += static_cast<size_t>(n);
    }
    return true;
  }

  uint64_t Rand() {
    std::lock_guard lock(mu_);
    return rng_();
  }

  // One request → one fresh upstream connection → the answer.
  std::string Forward(const std::string& request) {
    const int fd = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = htons(static_cast<uint16_t>(upstream_port_));
    std::string answer;
    if (connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0 && SendAll(fd, request)) {
      std::string buf;
      answer = ReadMessage(fd, buf);
    }
    close(fd);
    return answer;
  }

  Fault Pick() {
    std::lock_guard lock(mu_);
    Fault f = kPass;
    if (static_cast<int>(rng_() % 100) < fault_percent_) {
      f = static_cast<Fault>(1 + rng_() % (kFaultCount - 1));
    }
    ++counts_[f];
    return f;
  }

  void Serve(int client) {
    std::string buf;
    for (int i = 0; i < 1000 && !stop_; ++i) {
      const std::string request = ReadMessage(client, buf);
      if (request.empty()) return;
      const Fault f = Pick();
      if (f == kDropBefore) return;
      if (f == kDelay) std::this_thread::sleep_for(std::chrono::milliseconds(Rand() % 200));
      std::string answer = Forward(request);
      if (f == kDuplicate) {
        std::string second = Forward(request);
        if (Rand() % 2) answer = second;
      }
      if (answer.empty() || f == kDropAfter) return;
      if (f == kTruncate) {
        SendAll(client, answer.substr(0, answer.size() / 2));
        return;
      }
      if (!SendAll(client, answer)) return;
    }
  }

  void Loop() {
    while (!stop_) {
      if (!WaitReadable(listen_fd_, 50)) continue;
      const int client = accept(listen_fd_, nullptr, nullptr);
      if (client < 0) continue;
      // A thread per connection: each store's agent keeps its own alive.
      workers_.emplace_back([this, client] {
        Serve(client);
        close(client);
      });
    }
    for (std::thread& t : workers_) t.join();
  }

  int upstream_port_;
  std::mt19937_64 rng_;
  std::atomic<int> fault_percent_;
  std::mutex mu_;
  std::map<Fault, int> counts_;
  int listen_fd_ = -1;
  int port_ = 0;
  std::atomic<bool> stop_{false};
  std::thread thread_;
  std::vector<std::thread> workers_;  // joined when the loop ends
};

}  // namespace linli::testing
