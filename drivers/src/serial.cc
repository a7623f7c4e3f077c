#include "linli/drivers/serial.h"

#include <fcntl.h>
#include <poll.h>
#include <pty.h>
#include <termios.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>

namespace linli {
namespace {

using SteadyClock = std::chrono::steady_clock;

int MsLeft(SteadyClock::time_point deadline) {
  const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - SteadyClock::now()).count();
  return left > 0 ? static_cast<int>(left) : 0;
}

// poll() one fd for `events` until the deadline; retries EINTR with the time left.
int PollUntil(int fd, short events, SteadyClock::time_point deadline, short* revents) {
  for (int attempts = 0; attempts < 1000; ++attempts) {
    pollfd p{fd, events, 0};
    const int r = ::poll(&p, 1, MsLeft(deadline));
    if (r < 0 && errno == EINTR) continue;
    *revents = p.revents;
    return r;
  }
  *revents = 0;
  return 0;
}

speed_t BaudConstant(int baud) {
  switch (baud) {
    case 1200: return B1200;
    case 2400: return B2400;
    case 4800: return B4800;
    case 9600: return B9600;
    case 19200: return B19200;
    case 38400: return B38400;
    case 57600: return B57600;
    case 115200: return B115200;
    default: return B0;
  }
}

std::string Errno(int e) { return std::strerror(e); }

}  // namespace

bool IsSupportedBaud(int baud) { return BaudConstant(baud) != B0; }

// ---------------------------------------------------------------- PosixSerialPort

Result<std::unique_ptr<SerialPort>> PosixSerialPort::Open(const std::string& path, const SerialOptions& options) {
  const speed_t speed = BaudConstant(options.baud);
  if (speed == B0) {
    return Status::InvalidArgument("baud rate " + std::to_string(options.baud) +
                                   " is not supported; use 1200, 2400, 4800, 9600, 19200, 38400, 57600 or 115200");
  }
  const int fd = ::open(path.c_str(), O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) {
    const int e = errno;
    if (e == ENOENT) {
      return Status::NotFound("serial port " + path +
                              " does not exist; check the device is plugged in (ls /dev/ttyUSB* /dev/ttyACM*)");
    }
    if (e == EACCES || e == EPERM) {
      return Status::PermissionDenied("cannot open serial port " + path +
                                      ": permission denied; add the user to the dialout group "
                                      "(sudo usermod -aG dialout $USER) and log in again");
    }
    return Status::IoError("cannot open serial port " + path + ": " + Errno(e));
  }
  termios tio{};
  if (!::isatty(fd) || ::tcgetattr(fd, &tio) != 0) {
    ::close(fd);
    return Status::InvalidArgument(path + " is not a serial port (not a tty)");
  }
  // Raw 8N1: no echo, no line editing, no CR/LF translation, no software or
  // hardware flow control; reads return whatever has arrived (VMIN=VTIME=0),
  // and poll() supplies the timeouts.
  ::cfmakeraw(&tio);
  tio.c_cflag |= (CLOCAL | CREAD);
  tio.c_cflag &= ~(CSTOPB | PARENB | CRTSCTS | CSIZE);
  tio.c_cflag |= CS8;
  tio.c_iflag &= ~(IXON | IXOFF | IXANY);
  tio.c_cc[VMIN] = 0;
  tio.c_cc[VTIME] = 0;
  if (::cfsetspeed(&tio, speed) != 0 || ::tcsetattr(fd, TCSANOW, &tio) != 0) {
    const int e = errno;
    ::close(fd);
    return Status::IoError("cannot configure serial port " + path + " at " + std::to_string(options.baud) +
                           " baud: " + Errno(e));
  }
  ::tcflush(fd, TCIFLUSH);
  return std::unique_ptr<SerialPort>(new PosixSerialPort(fd, path));
}

PosixSerialPort::~PosixSerialPort() { Close(); }

void PosixSerialPort::Close() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
}

Status PosixSerialPort::Disconnected(const char* why) {
  if (!gone_) {
    gone_ = true;
    gone_message_ = "serial device " + path_ + " disconnected (" + why +
                    "); check the cable or USB plug, then reconnect";
  }
  return Status::IoError(gone_message_);
}

Result<std::string> PosixSerialPort::Read(size_t max_bytes, int timeout_ms) {
  if (fd_ < 0) return Status::FailedPrecondition("serial port " + path_ + " is closed");
  if (gone_) return Status::IoError(gone_message_);
  if (max_bytes == 0) return std::string();
  const auto deadline = SteadyClock::now() + std::chrono::milliseconds(timeout_ms < 0 ? 0 : timeout_ms);
  std::string buf(max_bytes, '\0');
  // Bounded: each pass either returns or waits in poll() until the deadline.
  for (int pass = 0; pass < 100; ++pass) {
    short revents = 0;
    const int r = PollUntil(fd_, POLLIN, deadline, &revents);
    if (r < 0) return Status::IoError("poll on " + path_ + " failed: " + Errno(errno));
    if (r == 0) return std::string();  // timed out
    if (revents & POLLNVAL) return Disconnected("descriptor no longer valid");
    // Read even when POLLHUP is set: bytes sent before the hang-up come first.
    const ssize_t n = ::read(fd_, buf.data(), max_bytes);
    if (n > 0) {
      buf.resize(static_cast<size_t>(n));
      return buf;
    }
    if (n == 0) {
      if (revents & (POLLHUP | POLLERR)) return Disconnected("hang-up");
      return Disconnected("end of file");
    }
    const int e = errno;
    if (e == EAGAIN || e == EINTR) {
      if (revents & (POLLHUP | POLLERR)) return Disconnected("hang-up");
      if (MsLeft(deadline) == 0) return std::string();
      continue;
    }
    if (e == EIO || e == ENXIO || e == ENODEV) return Disconnected("input/output error");
    return Status::IoError("reading " + path_ + " failed: " + Errno(e));
  }
  return std::string();
}

Status PosixSerialPort::Write(std::string_view bytes, int timeout_ms) {
  if (fd_ < 0) return Status::FailedPrecondition("serial port " + path_ + " is closed");
  if (gone_) return Status::IoError(gone_message_);
  const auto deadline = SteadyClock::now() + std::chrono::milliseconds(timeout_ms < 0 ? 0 : timeout_ms);
  size_t done = 0;
  for (int pass = 0; done < bytes.size() && pass < 100000; ++pass) {
    const ssize_t n = ::write(fd_, bytes.data() + done, bytes.size() - done);
    if (n > 0) {
      done += static_cast<size_t>(n);
      continue;
    }
    const int e = n < 0 ? errno : EAGAIN;
    if (e == EINTR) continue;
    if (e == EIO || e == EPIPE || e == ENXIO || e == ENODEV) return Disconnected("input/output error");
    if (e != EAGAIN) return Status::IoError("writing to " + path_ + " failed: " + Errno(e));
    short revents = 0;
    const int r = PollUntil(fd_, POLLOUT, deadline, &revents);
    if (r == 0) {
      return Status::Unavailable("serial device " + path_ + " did not take " + std::to_string(bytes.size() - done) +
                                 " bytes within " + std::to_string(timeout_ms) + " ms; check that it is switched on");
    }
    if (r > 0 && (revents & (POLLHUP | POLLERR | POLLNVAL)) && !(revents & POLLOUT)) return Disconnected("hang-up");
  }
  if (done < bytes.size()) return Status::Unavailable("serial device " + path_ + " stopped taking bytes");
  return Status::Ok();
}

Status PosixSerialPort::DiscardInput() {
  if (fd_ < 0) return Status::FailedPrecondition("serial port " + path_ + " is closed");
  if (gone_) return Status::IoError(gone_message_);
  ::tcflush(fd_, TCIFLUSH);
  return Status::Ok();
}

// ---------------------------------------------------------------- FakeSerialPort

Result<std::string> FakeSerialPort::Read(size_t max_bytes, int /*timeout_ms*/) {
  if (closed_) return Status::FailedPrecondition("serial port " + name_ + " is closed");
  if (!input_.empty()) {
    std::string& front = input_.front();
    if (front.size() > max_bytes) {
      std::string part = front.substr(0, max_bytes);
      front.erase(0, max_bytes);
      return part;
    }
    std::string all = std::move(front);
    input_.pop_front();
    return all;
  }
  if (disconnected_) {
    return Status::IoError("serial device " + name_ + " disconnected (hang-up); check the cable or USB plug, then reconnect");
  }
  ++reads_timed_out_;
  return std::string();
}

Status FakeSerialPort::Write(std::string_view bytes, int /*timeout_ms*/) {
  if (closed_) return Status::FailedPrecondition("serial port " + name_ + " is closed");
  if (disconnected_) {
    return Status::IoError("serial device " + name_ + " disconnected (hang-up); check the cable or USB plug, then reconnect");
  }
  written_.append(bytes);
  for (const auto& [request, answer] : replies_) {
    if (request == bytes) {
      input_.push_back(answer);
      break;
    }
  }
  return Status::Ok();
}

Status FakeSerialPort::DiscardInput() {
  if (closed_) return Status::FailedPrecondition("serial port " + name_ + " is closed");
  input_.clear();
  return Status::Ok();
}

// ---------------------------------------------------------------- PtyDevice

Result<std::unique_ptr<PtyDevice>> PtyDevice::Open() {
  int master = -1;
  int slave = -1;
  if (::openpty(&master, &slave, nullptr, nullptr, nullptr) != 0) {
    return Status::IoError(std::string("openpty failed: ") + Errno(errno));
  }
  char name[128] = {0};
  if (::ptsname_r(master, name, sizeof name) != 0) {
    ::close(master);
    ::close(slave);
    return Status::IoError("ptsname failed");
  }
  // Raw from the start, so nothing the device writes is echoed back to it.
  termios tio{};
  if (::tcgetattr(slave, &tio) == 0) {
    ::cfmakeraw(&tio);
    ::tcsetattr(slave, TCSANOW, &tio);
  }
  ::fcntl(master, F_SETFL, ::fcntl(master, F_GETFL) | O_NONBLOCK);
  ::fcntl(master, F_SETFD, FD_CLOEXEC);
  ::fcntl(slave, F_SETFD, FD_CLOEXEC);
  return std::unique_ptr<PtyDevice>(new PtyDevice(master, slave, name));
}

PtyDevice::~PtyDevice() {
  Hangup();
  if (slave_ >= 0) ::close(slave_);
}

void PtyDevice::Hangup() {
  if (master_ >= 0) ::close(master_);
  master_ = -1;
}

Status PtyDevice::Write(std::string_view bytes) {
  if (master_ < 0) return Status::FailedPrecondition("pty device hung up");
  const auto deadline = SteadyClock::now() + std::chrono::seconds(2);
  size_t done = 0;
  for (int pass = 0; done < bytes.size() && pass < 100000; ++pass) {
    const ssize_t n = ::write(master_, bytes.data() + done, bytes.size() - done);
    if (n > 0) {
      done += static_cast<size_t>(n);
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && errno != EAGAIN) return Status::IoError("pty write failed: " + Errno(errno));
    short revents = 0;
    if (PollUntil(master_, POLLOUT, deadline, &revents) <= 0) return Status::Unavailable("pty write timed out");
  }
  return done == bytes.size() ? Status::Ok() : Status::Unavailable("pty write incomplete");
}

Result<std::string> PtyDevice::Read(size_t max_bytes, int timeout_ms) {
  if (master_ < 0) return Status::FailedPrecondition("pty device hung up");
  const auto deadline = SteadyClock::now() + std::chrono::milliseconds(timeout_ms < 0 ? 0 : timeout_ms);
  std::string buf(max_bytes, '\0');
  for (int pass = 0; pass < 100; ++pass) {
    short revents = 0;
    const int r = PollUntil(master_, POLLIN, deadline, &revents);
    if (r <= 0) return std::string();
    const ssize_t n = ::read(master_, buf.data(), max_bytes);
    if (n > 0) {
      buf.resize(static_cast<size_t>(n));
      return buf;
    }
    if (n < 0 && (errno == EAGAIN || errno == EINTR)) {
      if (MsLeft(deadline) == 0) return std::string();
      continue;
    }
    return Status::IoError("pty read failed");
  }
  return std::string();
}

}  // namespace linli
