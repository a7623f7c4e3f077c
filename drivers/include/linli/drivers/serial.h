// The one serial port layer: every serial device (scanner, scale, customer
// display) talks through a SerialPort, so the layers above are tested against
// FakeSerialPort or against a pseudo-terminal (PtyDevice) playing the device.
//
// Outcomes of a port call, everywhere in this module:
//   - bytes arrived          → OK with a non-empty string
//   - nothing within timeout → OK with an empty string (a timeout is not an error
//                              at this level; the protocol above decides)
//   - device gone            → Status IoError whose message names the port and
//                              says what to do ("… disconnected (hang-up); check
//                              the cable and reconnect"). Every later call on the
//                              same port returns the same kind of status.
// A port is used by one thread at a time; it is not internally synchronised.
#pragma once

#include <cstddef>
#include <deque>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "linli/pos/status.h"

namespace linli {

class SerialPort {
 public:
  virtual ~SerialPort() = default;

  // Waits up to timeout_ms (0 = just look) for input, then returns at most
  // max_bytes of what has arrived. See the outcomes above.
  virtual Result<std::string> Read(size_t max_bytes, int timeout_ms) = 0;

  // Writes every byte within timeout_ms or fails: Unavailable when the device
  // does not take them in time (flow control stuck), IoError when it is gone.
  virtual Status Write(std::string_view bytes, int timeout_ms) = 0;

  // Drops input that has arrived but not been read (stale frames).
  virtual Status DiscardInput() = 0;

  // Releases the device. Idempotent; later calls fail with FailedPrecondition.
  virtual void Close() = 0;

  // The device path or a test name, for messages.
  virtual const std::string& name() const = 0;
};

// Line settings. Always raw 8 data bits, no parity, 1 stop bit, no flow control.
struct SerialOptions {
  int baud = 9600;  // one of 1200 2400 4800 9600 19200 38400 57600 115200
};

// True for the baud rates SerialOptions accepts.
bool IsSupportedBaud(int baud);

// A tty device (/dev/ttyUSB0, /dev/ttyACM0, /dev/ttyS0, a pty slave).
class PosixSerialPort final : public SerialPort {
 public:
  // Opens with O_NOCTTY|O_NONBLOCK, sets raw 8N1 at options.baud and discards
  // stale input. NotFound when the path does not exist, PermissionDenied when
  // the user may not open it (the message suggests the dialout group),
  // InvalidArgument for an unsupported baud rate or a path that is not a tty.
  static Result<std::unique_ptr<SerialPort>> Open(const std::string& path, const SerialOptions& options);

  ~PosixSerialPort() override;
  PosixSerialPort(const PosixSerialPort&) = delete;
  PosixSerialPort& operator=(const PosixSerialPort&) = delete;

  Result<std::string> Read(size_t max_bytes, int timeout_ms) override;
  Status Write(std::string_view bytes, int timeout_ms) override;
  Status DiscardInput() override;
  void Close() override;
  const std::string& name() const override { return path_; }

 private:
  PosixSerialPort(int fd, std::string path) : fd_(fd), path_(std::move(path)) {}
  Status Disconnected(const char* why);

  int fd_;
  std::string path_;
  bool gone_ = false;  // the device hung up; every call now fails
  std::string gone_message_;
};

// Opens a port on demand; device drivers call it again to reconnect.
using SerialPortOpener = std::function<Result<std::unique_ptr<SerialPort>>()>;

// A scripted device for unit tests of the layers above. Not thread-safe.
//   - Each PushInput chunk comes back from one Read (split when max_bytes is
//     smaller), modelling partial reads.
//   - Read with nothing queued returns "" at once: a timeout that took no time.
//   - Reply(request, answer): whenever the host writes exactly `request`, the
//     answer is queued as input (answers are kept, so a request may repeat).
//   - Disconnect(): queued input is still delivered, then Read and Write fail
//     with IoError as a real unplugged device does.
class FakeSerialPort final : public SerialPort {
 public:
  explicit FakeSerialPort(std::string name = "fake") : name_(std::move(name)) {}

  void PushInput(std::string bytes) { input_.push_back(std::move(bytes)); }
  void Reply(std::string request, std::string answer) { replies_.emplace_back(std::move(request), std::move(answer)); }
  void Disconnect() { disconnected_ = true; }

  const std::string& written() const { return written_; }  // everything the host wrote
  int reads_timed_out() const { return reads_timed_out_; }
  bool closed() const { return closed_; }

  Result<std::string> Read(size_t max_bytes, int timeout_ms) override;
  Status Write(std::string_view bytes, int timeout_ms) override;
  Status DiscardInput() override;
  void Close() override { closed_ = true; }
  const std::string& name() const override { return name_; }

 private:
  std::string name_;
  std::deque<std::string> input_;
  std::vector<std::pair<std::string, std::string>> replies_;
  std::string written_;
  int reads_timed_out_ = 0;
  bool disconnected_ = false;
  bool closed_ = false;
};

// The device end of a pseudo-terminal pair, for tests and device simulators:
// the host opens port_path() with PosixSerialPort; whatever this side writes
// the host reads, and Hangup() looks to the host like a pulled cable.
class PtyDevice {
 public:
  static Result<std::unique_ptr<PtyDevice>> Open();
  ~PtyDevice();
  PtyDevice(const PtyDevice&) = delete;
  PtyDevice& operator=(const PtyDevice&) = delete;

  const std::string& port_path() const { return path_; }
  Status Write(std::string_view bytes);
  // What the host wrote: up to max_bytes within timeout_ms; "" on timeout.
  Result<std::string> Read(size_t max_bytes, int timeout_ms);
  // Closes the device end; the host's next Read reports a disconnect.
  void Hangup();

 private:
  PtyDevice(int master, int slave, std::string path) : master_(master), slave_(slave), path_(std::move(path)) {}
  int master_;
  int slave_;  // held open so the host may open and close the slave freely
  std::string path_;
};

}  // namespace linli
