// Printer transports over POSIX: raw TCP, device/file, spool directory, and
// the in-memory fake. Every wait is bounded by a deadline on a monotonic
// clock; sockets and device files are non-blocking and waited on with poll().
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>

#include "linli/drivers/printer.h"

namespace linli {
namespace {

using SteadyClock = std::chrono::steady_clock;

class Deadline {
 public:
  explicit Deadline(int timeout_ms)
      : end_(SteadyClock::now() + std::chrono::milliseconds(timeout_ms < 0 ? 0 : timeout_ms)) {}
  // Milliseconds left for poll(), at least 0.
  int Remaining() const {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(end_ - SteadyClock::now());
    return left.count() < 0 ? 0 : static_cast<int>(left.count());
  }
  bool Expired() const { return SteadyClock::now() >= end_; }

 private:
  SteadyClock::time_point end_;
};

std::string Errno(int e) { return std::strerror(e); }

std::string Seconds(int ms) {
  return std::to_string(ms / 1000) + (ms % 1000 ? "." + std::to_string(ms % 1000 / 100) : "") + " s";
}

// poll() one fd for `events` until the deadline; EINTR retried. Returns the
// revents, 0 on timeout, -1 on error (errno set).
int PollFor(int fd, short events, const Deadline& deadline) {
  for (int i = 0; i < 1000; ++i) {
    pollfd p{fd, events, 0};
    const int r = ::poll(&p, 1, deadline.Remaining());
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) return r;
    return p.revents;
  }
  return 0;
}

bool StartsWith(std::string_view s, std::string_view p) { return s.substr(0, p.size()) == p; }

}  // namespace

// ---- PrinterTransport

Result<uint8_t> PrinterTransport::QueryStatus(uint8_t /*n*/, int /*timeout_ms*/) {
  return Status::FailedPrecondition("printer at " + uri() + " cannot report its status on this link");
}

// ---- TcpTransport

TcpTransport::TcpTransport(std::string host, int port) : host_(std::move(host)), port_(port) {}

TcpTransport::~TcpTransport() { Close(); }

std::string TcpTransport::uri() const {
  const bool v6 = host_.find(':') != std::string::npos;
  return "tcp://" + (v6 ? "[" + host_ + "]" : host_) + ":" + std::to_string(port_);
}

Status TcpTransport::Fail(const std::string& what) {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
  return Status::Unavailable(what);
}

Status TcpTransport::Connect(int timeout_ms) {
  if (fd_ >= 0) return Status::Ok();
  Deadline deadline(timeout_ms);
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* res = nullptr;
  const std::string port = std::to_string(port_);
  const int gai = ::getaddrinfo(host_.c_str(), port.c_str(), &hints, &res);
  if (gai != 0) {
    return Status::Unavailable("printer address " + host_ + " not found (" + gai_strerror(gai) +
                               "): check the printer URI");
  }
  std::string last = "no address";
  for (addrinfo* a = res; a != nullptr; a = a->ai_next) {
    const int fd = ::socket(a->ai_family, a->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, a->ai_protocol);
    if (fd < 0) {
      last = Errno(errno);
      continue;
    }
    int r = ::connect(fd, a->ai_addr, a->ai_addrlen);
    if (r < 0 && errno == EINPROGRESS) {
      const int ev = PollFor(fd, POLLOUT, deadline);
      if (ev == 0) {
        ::close(fd);
        last = "no answer within " + Seconds(timeout_ms);
        continue;
      }
      int err = 0;
      socklen_t len = sizeof err;
      if (ev < 0) {
        err = errno;
      } else if (::getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) < 0) {
        err = errno;
      }
      r = err == 0 ? 0 : -1;
      errno = err;
    }
    if (r < 0) {
      last = Errno(errno);
      ::close(fd);
      continue;
    }
    int one = 1;
    ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    fd_ = fd;
    break;
  }
  ::freeaddrinfo(res);
  if (fd_ < 0) {
    return Status::Unavailable("no printer at " + uri() + " (" + last +
                               "): check that it is switched on and connected, then press reprint");
  }
  return Status::Ok();
}

Status TcpTransport::Write(std::string_view job, int timeout_ms) {
  Deadline deadline(timeout_ms);
  LINLI_RETURN_IF_ERROR(Connect(timeout_ms));
  size_t sent = 0;
  // Each pass sends something or waits for the socket; both are bounded.
  for (int pass = 0; sent < job.size(); ++pass) {
    if (deadline.Expired() || pass > 1000000) {
      return Fail("printer at " + uri() + " stopped taking data for " + Seconds(timeout_ms) +
                  " (" + std::to_string(sent) + " of " + std::to_string(job.size()) +
                  " bytes sent): check paper and cover, then press reprint");
    }
    const ssize_t n = ::send(fd_, job.data() + sent, job.size() - sent, MSG_NOSIGNAL);
    if (n > 0) {
      sent += static_cast<size_t>(n);
      continue;
    }
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) {
      if (PollFor(fd_, POLLOUT, deadline) < 0) return Fail("printer at " + uri() + ": " + Errno(errno));
      continue;
    }
    return Fail("printer at " + uri() + " dropped the connection (" + Errno(errno) +
                "): check it, then press reprint");
  }
  return Status::Ok();
}

Result<uint8_t> TcpTransport::QueryStatus(uint8_t n, int timeout_ms) {
  Deadline deadline(timeout_ms);
  LINLI_RETURN_IF_ERROR(Connect(timeout_ms));
  // Stale answers (to an earlier request) would be taken for this one.
  char junk[256];
  for (int i = 0; i < 64; ++i) {
    const ssize_t r = ::recv(fd_, junk, sizeof junk, MSG_DONTWAIT);
    if (r == 0) return Fail("printer at " + uri() + " closed the connection");
    if (r < 0) break;
  }
  LINLI_RETURN_IF_ERROR(Write(escpos::StatusRequest(n), deadline.Remaining()));
  for (int i = 0; i < 1000; ++i) {
    const int ev = PollFor(fd_, POLLIN, deadline);
    if (ev == 0) break;
    if (ev < 0) return Fail("printer at " + uri() + ": " + Errno(errno));
    uint8_t b = 0;
    const ssize_t r = ::recv(fd_, &b, 1, MSG_DONTWAIT);
    if (r == 1) return b;
    if (r == 0) return Fail("printer at " + uri() + " closed the connection");
    if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
      return Fail("printer at " + uri() + ": " + Errno(errno));
    }
  }
  // Connected, asked, no answer: a printer that does not do status (the
  // key lets a kAuto profile tell this from one that is not there). The
  // connection stays open for the job.
  return Status::Unavailable("printer at " + uri() + " did not answer a status request within " +
                             Seconds(timeout_ms) + ": check that it is switched on, then press reprint")
      .WithKey(kNoStatusAnswerKey);
}

void TcpTransport::Close() {
  if (fd_ < 0) return;
  // Half-close and wait (briefly) for the printer to close its side, so
  // that closing with unread input never resets the connection before the
  // printer has read the job.
  ::shutdown(fd_, SHUT_WR);
  Deadline deadline(1000);
  char junk[256];
  for (int i = 0; i < 256; ++i) {
    const int ev = PollFor(fd_, POLLIN, deadline);
    if (ev <= 0) break;
    const ssize_t r = ::recv(fd_, junk, sizeof junk, MSG_DONTWAIT);
    if (r == 0) break;
    if (r < 0 && errno != EAGAIN && errno != EINTR) break;
  }
  ::close(fd_);
  fd_ = -1;
}

// ---- FileTransport

FileTransport::FileTransport(std::string path) : path_(std::move(path)) {}

Status FileTransport::Write(std::string_view job, int timeout_ms) {
  Deadline deadline(timeout_ms);
  const bool device_path = StartsWith(path_, "/dev/");
  int flags = O_WRONLY | O_NOCTTY | O_CLOEXEC | O_NONBLOCK;
  if (!device_path) flags |= O_CREAT | O_APPEND;
  const int fd = ::open(path_.c_str(), flags, 0644);
  if (fd < 0) {
    const int e = errno;
    if (e == ENOENT || e == ENODEV || e == ENXIO) {
      return Status::Unavailable("no printer at " + path_ + " (" + Errno(e) +
                                 "): check that it is plugged in and switched on, then press reprint");
    }
    if (e == EACCES || e == EPERM) {
      return Status::PermissionDenied("cannot open printer " + path_ +
                                      ": permission denied; add the till's user to the lp group");
    }
    return Status::IoError("cannot open " + path_ + ": " + Errno(e));
  }
  struct stat st {};
  const bool chr = ::fstat(fd, &st) == 0 && S_ISCHR(st.st_mode);
  size_t written = 0;
  Status result;
  for (int pass = 0; written < job.size(); ++pass) {
    if (deadline.Expired() || pass > 1000000) {
      result = Status::Unavailable("printer at " + path_ + " stopped taking data for " + Seconds(timeout_ms) +
                                   ": check paper and cover, then press reprint");
      break;
    }
    const ssize_t n = ::write(fd, job.data() + written, job.size() - written);
    if (n > 0) {
      written += static_cast<size_t>(n);
      continue;
    }
    if (n < 0 && (errno == EAGAIN || errno == EINTR)) {
      PollFor(fd, POLLOUT, deadline);
      continue;
    }
    const int e = n < 0 ? errno : EIO;
    if (chr && e == ENOSPC) {
      result = Status::Unavailable("printer out of paper: load paper and press reprint");
    } else if (chr) {
      result = Status::Unavailable("printer at " + path_ + " failed (" + Errno(e) +
                                   "): check it, then press reprint");
    } else {
      result = Status::IoError("cannot write " + path_ + ": " + Errno(e));
    }
    break;
  }
  if (::close(fd) < 0 && result.ok() && !chr) result = Status::IoError("cannot write " + path_ + ": " + Errno(errno));
  return result;
}

// ---- SpoolTransport

SpoolTransport::SpoolTransport(std::string dir) : dir_(std::move(dir)) {}

Status SpoolTransport::Write(std::string_view job, int /*timeout_ms*/) {
  namespace fs = std::filesystem;
  std::error_code ec;
  fs::create_directories(dir_, ec);
  if (ec || !fs::is_directory(dir_)) {
    return Status::IoError("cannot use spool directory " + dir_ + ": " +
                           (ec ? ec.message() : std::string("not a directory")));
  }
  // A time-ordered name; the counter and pid keep two jobs in the same
  // millisecond apart.
  const auto now = std::chrono::system_clock::now();
  const int64_t ms = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count();
  std::string stamp = FormatUtc(ms);  // 2026-11-21T07:30:00.123Z
  std::string compact;
  for (char c : stamp) {
    if (c != '-' && c != ':' && c != '.') compact += c;
  }
  const std::string pid = std::to_string(::getpid());
  const std::string tmp = dir_ + "/.job-" + pid + "-" + std::to_string(counter_) + ".tmp";
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return Status::IoError("cannot write to spool directory " + dir_ + ": " + Errno(errno));
  size_t written = 0;
  for (int pass = 0; written < job.size() && pass < 1000000; ++pass) {
    const ssize_t n = ::write(fd, job.data() + written, job.size() - written);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    written += static_cast<size_t>(n);
  }
  const int write_errno = errno;
  const bool synced = ::fsync(fd) == 0;
  ::close(fd);
  if (written != job.size() || !synced) {
    ::unlink(tmp.c_str());
    return Status::IoError("cannot write to spool directory " + dir_ + ": " + Errno(write_errno));
  }
  // link() refuses to replace an existing file, so no job is ever lost.
  for (int attempt = 0; attempt < 1000; ++attempt) {
    const std::string name =
        dir_ + "/" + compact + "-" + pid + "-" + std::to_string(counter_++) + ".escpos";
    if (::link(tmp.c_str(), name.c_str()) == 0) {
      ::unlink(tmp.c_str());
      const int dfd = ::open(dir_.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
      if (dfd >= 0) {
        ::fsync(dfd);
        ::close(dfd);
      }
      return Status::Ok();
    }
    if (errno != EEXIST) break;
  }
  const int e = errno;
  ::unlink(tmp.c_str());
  return Status::IoError("cannot add a job to spool directory " + dir_ + ": " + Errno(e));
}

// ---- FakeTransport

Status FakeTransport::Write(std::string_view job, int /*timeout_ms*/) {
  if (on_write) on_write(job);
  if (!fail_with.ok()) return fail_with;
  jobs.emplace_back(job);
  return Status::Ok();
}

Result<uint8_t> FakeTransport::QueryStatus(uint8_t n, int timeout_ms) {
  if (!two_way_) return PrinterTransport::QueryStatus(n, timeout_ms);
  status_requests.push_back(n);
  if (!fail_with.ok()) return fail_with;
  if (status_silent) {
    return Status::Unavailable("printer at fake: did not answer a status request").WithKey(kNoStatusAnswerKey);
  }
  auto it = status_bytes.find(n);
  return it == status_bytes.end() ? uint8_t{0x12} : it->second;
}

std::string FakeTransport::AllBytes() const {
  std::string all;
  for (const std::string& j : jobs) all += j;
  return all;
}

// ---- OpenTransport

Result<std::unique_ptr<PrinterTransport>> OpenTransport(std::string_view uri) {
  const std::string forms =
      "; use tcp://HOST[:PORT] (raw port, 9100 by default), file:/dev/usb/lp0 (or any path) "
      "or spool:/DIR";
  if (StartsWith(uri, "tcp://")) {
    std::string_view rest = uri.substr(6);
    while (!rest.empty() && rest.back() == '/') rest.remove_suffix(1);
    std::string host;
    std::string_view port_text;
    if (StartsWith(rest, "[")) {  // [v6]:port
      const size_t close = rest.find(']');
      if (close == std::string_view::npos) return Status::InvalidArgument("bad printer URI " + std::string(uri) + forms);
      host = std::string(rest.substr(1, close - 1));
      rest.remove_prefix(close + 1);
      if (StartsWith(rest, ":")) port_text = rest.substr(1);
      else if (!rest.empty()) return Status::InvalidArgument("bad printer URI " + std::string(uri) + forms);
    } else {
      const size_t colon = rest.rfind(':');
      host = std::string(rest.substr(0, colon));
      if (colon != std::string_view::npos) port_text = rest.substr(colon + 1);
    }
    int port = 9100;
    if (!port_text.empty()) {
      port = 0;
      for (char c : port_text) {
        if (c < '0' || c > '9' || port > 65535) return Status::InvalidArgument("bad port in printer URI " + std::string(uri) + forms);
        port = port * 10 + (c - '0');
      }
    } else if (uri.back() == ':') {
      return Status::InvalidArgument("bad port in printer URI " + std::string(uri) + forms);
    }
    if (host.empty() || port < 1 || port > 65535) {
      return Status::InvalidArgument("bad printer URI " + std::string(uri) + forms);
    }
    return std::unique_ptr<PrinterTransport>(std::make_unique<TcpTransport>(host, port));
  }
  auto path_of = [](std::string_view p) -> std::string_view {
    if (StartsWith(p, "//")) p.remove_prefix(2);  // file:///dev/usb/lp0
    return p;
  };
  if (StartsWith(uri, "file:")) {
    const std::string_view p = path_of(uri.substr(5));
    if (p.empty()) return Status::InvalidArgument("no path in printer URI " + std::string(uri) + forms);
    return std::unique_ptr<PrinterTransport>(std::make_unique<FileTransport>(std::string(p)));
  }
  if (StartsWith(uri, "spool:")) {
    const std::string_view p = path_of(uri.substr(6));
    if (p.empty()) return Status::InvalidArgument("no directory in printer URI " + std::string(uri) + forms);
    return std::unique_ptr<PrinterTransport>(std::make_unique<SpoolTransport>(std::string(p)));
  }
  if (StartsWith(uri, "/")) {
    return std::unique_ptr<PrinterTransport>(std::make_unique<FileTransport>(std::string(uri)));
  }
  return Status::InvalidArgument("unknown printer URI " + std::string(uri) + forms);
}

}  // namespace linli
