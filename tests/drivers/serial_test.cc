#include "linli/drivers/serial.h"

#include <doctest/doctest.h>

#include <chrono>
#include <string>
#include <thread>

namespace linli {
namespace {

using std::chrono::milliseconds;
using SteadyClock = std::chrono::steady_clock;

std::unique_ptr<PtyDevice> NewDevice() {
  auto dev = PtyDevice::Open();
  REQUIRE_MESSAGE(dev.ok(), dev.status().message());
  return std::move(*dev);
}

std::unique_ptr<SerialPort> OpenHost(const PtyDevice& dev, int baud = 9600) {
  auto port = PosixSerialPort::Open(dev.port_path(), SerialOptions{baud});
  REQUIRE_MESSAGE(port.ok(), port.status().message());
  return std::move(*port);
}

// Reads from the host side until `want` bytes arrived or ~2 s passed.
std::string HostReadAll(SerialPort& port, size_t want) {
  std::string got;
  for (int i = 0; i < 100 && got.size() < want; ++i) {
    auto r = port.Read(want - got.size(), 20);
    if (!r.ok()) break;
    got += *r;
  }
  return got;
}

}  // namespace

TEST_CASE("serial: fake port delivers chunks, splits them, answers requests, then disconnects") {
  FakeSerialPort port("fake0");
  port.PushInput("abcdef");
  auto a = port.Read(4, 100);
  REQUIRE(a.ok());
  CHECK(*a == "abcd");
  CHECK(*port.Read(64, 100) == "ef");
  CHECK(port.Read(64, 100)->empty());  // a timeout
  CHECK(port.reads_timed_out() == 1);

  port.Reply("\x05", "\x06");
  REQUIRE(port.Write("\x05", 100).ok());
  CHECK(*port.Read(64, 100) == "\x06");
  CHECK(port.written() == "\x05");

  port.PushInput("last");
  port.Disconnect();
  CHECK(*port.Read(64, 100) == "last");  // queued input first, as a real device
  auto gone = port.Read(64, 100);
  REQUIRE(!gone.ok());
  CHECK(gone.status().code() == Status::Code::kIoError);
  CHECK(gone.status().message().find("disconnected") != std::string::npos);
  CHECK(!port.Write("x", 100).ok());
}

TEST_CASE("serial: open refuses a missing path, a bad baud rate and a non-tty") {
  auto missing = PosixSerialPort::Open("/dev/ttyLINLI_NOPE", SerialOptions{});
  REQUIRE(!missing.ok());
  CHECK(missing.status().IsNotFound());
  CHECK(missing.status().message().find("/dev/ttyLINLI_NOPE") != std::string::npos);

  auto dev = NewDevice();
  auto bad_baud = PosixSerialPort::Open(dev->port_path(), SerialOptions{12345});
  REQUIRE(!bad_baud.ok());
  CHECK(bad_baud.status().IsInvalidArgument());
  CHECK(!IsSupportedBaud(12345));
  CHECK(IsSupportedBaud(115200));

  auto not_tty = PosixSerialPort::Open("/dev/null", SerialOptions{});
  REQUIRE(!not_tty.ok());
  CHECK(not_tty.status().IsInvalidArgument());
}

TEST_CASE("serial: pty round trip at several baud rates, raw (no CR/LF translation, no echo)") {
  for (int baud : {9600, 115200}) {
    auto dev = NewDevice();
    auto port = OpenHost(*dev, baud);
    REQUIRE(dev->Write(std::string("a\r\nb\0c\x7f", 7)).ok());
    CHECK(HostReadAll(*port, 7) == std::string("a\r\nb\0c\x7f", 7));
    REQUIRE(port->Write("x\ny\r", 500).ok());
    auto back = dev->Read(64, 1000);
    REQUIRE(back.ok());
    CHECK(*back == "x\ny\r");
    // Nothing is echoed back to the host.
    auto echo = port->Read(64, 50);
    REQUIRE(echo.ok());
    CHECK(echo->empty());
  }
}

TEST_CASE("serial: a read split across delayed writes arrives in pieces, in order") {
  auto dev = NewDevice();
  auto port = OpenHost(*dev);
  std::jthread device([&] {
    for (const char* piece : {"690", "1234", "56789", "2\r"}) {
      (void)dev->Write(piece);
      std::this_thread::sleep_for(milliseconds(30));
    }
  });
  std::string got;
  int reads = 0;
  for (int i = 0; i < 50 && got.size() < 13; ++i) {
    auto r = port->Read(64, 200);
    REQUIRE(r.ok());
    if (!r->empty()) ++reads;
    got += *r;
  }
  CHECK(got == "6901234567892\r");
  CHECK(reads >= 2);
}

TEST_CASE("serial: a device that says nothing times out without an error, in about the time asked") {
  auto dev = NewDevice();
  auto port = OpenHost(*dev);
  const auto start = SteadyClock::now();
  auto r = port->Read(64, 150);
  const auto took = std::chrono::duration_cast<milliseconds>(SteadyClock::now() - start).count();
  REQUIRE(r.ok());
  CHECK(r->empty());
  CHECK(took >= 140);
  CHECK(took < 1500);
}

TEST_CASE("serial: a device that hangs up is reported as disconnected, every time after") {
  auto dev = NewDevice();
  auto port = OpenHost(*dev);
  REQUIRE(dev->Write("ok").ok());
  CHECK(HostReadAll(*port, 2) == "ok");
  dev->Hangup();
  auto r = port->Read(64, 1000);
  REQUIRE(!r.ok());
  CHECK(r.status().code() == Status::Code::kIoError);
  CHECK(r.status().message().find(dev->port_path()) != std::string::npos);
  CHECK(r.status().message().find("disconnected") != std::string::npos);
  auto again = port->Read(64, 1000);
  REQUIRE(!again.ok());
  CHECK(again.status().message() == r.status().message());
  CHECK(!port->Write("x", 100).ok());
}

TEST_CASE("serial: a closed port refuses calls") {
  auto dev = NewDevice();
  auto port = OpenHost(*dev);
  port->Close();
  port->Close();  // idempotent
  auto r = port->Read(8, 10);
  REQUIRE(!r.ok());
  CHECK(r.status().code() == Status::Code::kFailedPrecondition);
}

}  // namespace linli
