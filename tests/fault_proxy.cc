#include "fault_proxy.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cctype>
#include <chrono>
#include <cstring>
#include <sstream>

namespace linli::testing {
namespace {

int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

bool WaitReadable(int fd, int ms) {
  pollfd p{fd, POLLIN, 0};
  return poll(&p, 1, ms) > 0;
}

bool SendAll(int fd, const std::string& s) {
  size_t off = 0;
  for (int i = 0; i < 100'000 && off < s.size(); ++i) {
    const ssize_t n = send(fd, s.data() + off, s.size() - off, MSG_NOSIGNAL);
    if (n <= 0) return false;
    off += static_cast<size_t>(n);
  }
  return off == s.size();
}

// Reads one HTTP message (headers + Content-Length body) from fd, using and
// refilling `buf`. Empty on EOF, timeout (~10 s) or a malformed message.
std::string ReadMessage(int fd, std::string& buf, const std::atomic<bool>& stop) {
  for (int i = 0; i < 100'000; ++i) {
    const size_t end = buf.find("\r\n\r\n");
    if (end != std::string::npos) {
      size_t body = 0;
      std::string head = buf.substr(0, end);
      for (char& c : head) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      const size_t cl = head.find("content-length:");
      if (cl != std::string::npos) body = std::strtoul(head.c_str() + cl + 15, nullptr, 10);
      if (buf.size() >= end + 4 + body) {
        std::string msg = buf.substr(0, end + 4 + body);
        buf.erase(0, end + 4 + body);
        return msg;
      }
    }
    bool ready = false;
    for (int w = 0; w < 200 && !ready && !stop; ++w) ready = WaitReadable(fd, 50);
    if (!ready) return "";
    char tmp[65536];
    const ssize_t n = recv(fd, tmp, sizeof tmp, 0);
    if (n <= 0) return "";
    buf.append(tmp, static_cast<size_t>(n));
  }
  return "";
}

// Closes with a TCP RST instead of a FIN.
void Reset(int fd) {
  linger l{1, 0};
  setsockopt(fd, SOL_SOCKET, SO_LINGER, &l, sizeof l);
}

}  // namespace

const char* FaultProxy::Name(Fault f) {
  static const char* names[] = {"pass",      "drop_before", "drop_after", "reset", "truncate",
                                "duplicate", "reorder",     "delay",      "stall"};
  return f >= 0 && f < kFaultCount ? names[f] : "?";
}

FaultProxy::FaultProxy(int upstream_port, uint64_t seed, Options options)
    : upstream_port_(upstream_port), options_(options), fault_percent_(options.fault_percent), rng_(seed) {
  listen_fd_ = socket(AF_INET, SOCK_STREAM, 0);
  int one = 1;
  setsockopt(listen_fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = 0;
  bind(listen_fd_, reinterpret_cast<sockaddr*>(&a), sizeof a);
  listen(listen_fd_, 64);
  socklen_t len = sizeof a;
  getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&a), &len);
  port_ = ntohs(a.sin_port);
  thread_ = std::thread([this] { Loop(); });
}

FaultProxy::~FaultProxy() {
  stop_ = true;
  thread_.join();
  close(listen_fd_);
}

std::map<FaultProxy::Fault, int> FaultProxy::counts() {
  std::lock_guard lock(mu_);
  return counts_;
}

std::string FaultProxy::CountsText() {
  std::ostringstream out;
  for (const auto& [f, n] : counts()) out << " " << Name(f) << "=" << n;
  return out.str();
}

uint64_t FaultProxy::Rand() {
  std::lock_guard lock(mu_);
  return rng_();
}

FaultProxy::Fault FaultProxy::Pick() {
  std::lock_guard lock(mu_);
  Fault f = kPass;
  if (static_cast<int>(rng_() % 100) < fault_percent_) f = static_cast<Fault>(1 + rng_() % (kFaultCount - 1));
  ++counts_[f];
  return f;
}

void FaultProxy::SleepMs(int ms) {
  const int64_t until = NowMs() + ms;
  for (int i = 0; i < 100'000 && !stop_ && NowMs() < until; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(std::min<int64_t>(10, until - NowMs() + 1)));
  }
}

std::string FaultProxy::Forward(const std::string& request) {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  int one = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = htons(static_cast<uint16_t>(upstream_port_.load()));
  std::string answer;
  if (connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0 && SendAll(fd, request)) {
    std::string buf;
    answer = ReadMessage(fd, buf, stop_);
  }
  close(fd);
  return answer;
}

std::string FaultProxy::ForwardThenReleaseHeld(const std::string& request) {
  std::string answer = Forward(request);
  Flush();
  return answer;
}

void FaultProxy::Flush() {
  std::optional<std::string> held;
  {
    std::lock_guard lock(held_mu_);
    held.swap(held_);
  }
  if (held) (void)Forward(*held);  // its client is long gone; the answer is dropped
}

void FaultProxy::Serve(int client) {
  std::string buf;
  for (int i = 0; i < 10'000 && !stop_; ++i) {
    const std::string request = ReadMessage(client, buf, stop_);
    if (request.empty()) return;
    Fault f = Pick();
    if (f == kReorder) {
      std::lock_guard lock(held_mu_);
      if (held_) {
        f = kPass;  // one held at a time
      } else {
        held_ = request;
        held_since_ms_ = NowMs();
        return;  // the client sees its connection closed with no answer
      }
    }
    if (f == kDropBefore) return;
    if (f == kDelay) SleepMs(static_cast<int>(Rand() % (options_.delay_max_ms + 1)));
    if (f == kStall) SleepMs(options_.stall_ms);
    std::string answer = ForwardThenReleaseHeld(request);
    if (f == kDuplicate) {
      std::string second = Forward(request);
      if (Rand() % 2) answer = second;
    }
    if (answer.empty() || f == kDropAfter) return;
    if (f == kTruncate) {
      SendAll(client, answer.substr(0, answer.size() / 2));
      return;
    }
    if (f == kReset) {
      SendAll(client, answer.substr(0, Rand() % answer.size()));
      Reset(client);
      return;
    }
    if (!SendAll(client, answer)) return;
  }
}

void FaultProxy::Loop() {
  for (int64_t i = 0; !stop_ && i < 100'000'000; ++i) {
    // Reap finished connection threads.
    for (size_t w = 0; w < workers_.size();) {
      if (workers_[w].done->load()) {
        workers_[w].thread.join();
        workers_[w] = std::move(workers_.back());
        workers_.pop_back();
      } else {
        ++w;
      }
    }
    // A held request waits for the next one at most hold_max_ms.
    bool release = false;
    {
      std::lock_guard lock(held_mu_);
      release = held_ && NowMs() - held_since_ms_ > options_.hold_max_ms;
    }
    if (release) Flush();
    if (!WaitReadable(listen_fd_, 20)) continue;
    const int client = accept(listen_fd_, nullptr, nullptr);
    if (client < 0) continue;
    int one = 1;
    setsockopt(client, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    auto done = std::make_shared<std::atomic<bool>>(false);
    workers_.push_back({std::thread([this, client, done] {
                          Serve(client);
                          close(client);
                          *done = true;
                        }),
                        done});
  }
  for (Worker& w : workers_) w.thread.join();
  Flush();
}

}  // namespace linli::testing
