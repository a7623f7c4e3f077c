#include "linli/drivers/scale.h"

#include <doctest/doctest.h>

#include <atomic>
#include <chrono>
#include <string>
#include <thread>

namespace linli {
namespace {

using std::chrono::milliseconds;
using SteadyClock = std::chrono::steady_clock;

// A cas-enq answer: SOH STX sta sign weight(6) unit(2) bcc ETX EOT.
std::string CasFrame(char sta, char sign, std::string weight, std::string unit, bool corrupt = false) {
  std::string body = std::string(1, sta) + sign + weight + unit;
  REQUIRE(body.size() == 10);
  char bcc = 0;
  for (char c : body) bcc = static_cast<char>(bcc ^ c);
  if (corrupt) bcc = static_cast<char>(bcc ^ 0x20);
  return std::string("\x01\x02") + body + bcc + "\x03\x04";
}

struct PtyScale {
  std::unique_ptr<PtyDevice> dev;
  std::unique_ptr<Scale> scale;
};

PtyScale OpenPtyScale(const char* protocol) {
  PtyScale p;
  auto dev = PtyDevice::Open();
  REQUIRE(dev.ok());
  p.dev = std::move(*dev);
  auto port = PosixSerialPort::Open(p.dev->port_path(), SerialOptions{9600});
  REQUIRE(port.ok());
  auto scale = MakeScale(protocol, std::move(*port));
  REQUIRE(scale.ok());
  p.scale = std::move(*scale);
  return p;
}

// Plays a CAS scale: answers ENQ with ACK and DC1 with the next frame from
// `frames` (the last repeats) until `stop` or ~3 s.
void PlayCas(PtyDevice& dev, const std::vector<std::string>& frames, const std::atomic<bool>& stop,
             bool ack = true, bool answer_dc1 = true) {
  size_t next = 0;
  for (int i = 0; i < 300 && !stop; ++i) {
    auto in = dev.Read(64, 10);
    if (!in.ok()) return;
    for (char c : *in) {
      if (c == 0x05 && ack) (void)dev.Write("\x06");
      if (c == 0x11 && answer_dc1) {
        (void)dev.Write(frames[std::min(next, frames.size() - 1)]);
        ++next;
      }
    }
  }
}

}  // namespace

TEST_CASE("scale: continuous-st frames parse to exact grams") {
  auto r = ParseContinuousStFrame("ST,GS,+  1.234kg");
  REQUIRE(r.ok());
  CHECK(r->grams == 1234);
  CHECK(r->stable);
  CHECK(!r->net);

  r = ParseContinuousStFrame("US,NT,+0000.560kg\r\n");
  REQUIRE(r.ok());
  CHECK(r->grams == 560);
  CHECK(!r->stable);
  CHECK(r->net);

  r = ParseContinuousStFrame("ST,NT,-  0.050kg");
  REQUIRE(r.ok());
  CHECK(r->grams == -50);

  r = ParseContinuousStFrame("ST,GS,+   1250  g");
  REQUIRE(r.ok());
  CHECK(r->grams == 1250);

  r = ParseContinuousStFrame("ST,GS,+  2.5kg");  // fewer decimals
  REQUIRE(r.ok());
  CHECK(r->grams == 2500);

  r = ParseContinuousStFrame("ST,GS,+ 0.12345kg");  // finer than a gram: half-up
  REQUIRE(r.ok());
  CHECK(r->grams == 123);
  r = ParseContinuousStFrame("ST,GS,+ 0.1235kg");
  REQUIRE(r.ok());
  CHECK(r->grams == 124);

  r = ParseContinuousStFrame("ST,GS,+999999.999kg");  // no float: exact at the top
  REQUIRE(r.ok());
  CHECK(r->grams == 999999999);

  bool tare = false;
  r = ParseContinuousStFrame("ST,TR,+  0.120kg", &tare);
  REQUIRE(r.ok());
  CHECK(tare);
  CHECK(r->grams == 120);

  r = ParseContinuousStFrame("OL,GS,+  -.---kg");
  REQUIRE(r.ok());
  CHECK(r->overload);
  r = ParseContinuousStFrame("ST,GS,+    OL  kg");
  REQUIRE(r.ok());
  CHECK(r->overload);
  r = ParseContinuousStFrame("US,GS,-------kg");
  REQUIRE(r.ok());
  CHECK(r->underload);

  CHECK(!ParseContinuousStFrame("ST,GS,+  1.234lb").ok());
  CHECK(ParseContinuousStFrame("ST,GS,+  1.234lb").status().message().find("lb") != std::string::npos);
  CHECK(!ParseContinuousStFrame("T,GS,+  1.234kg").ok());   // torn frame
  CHECK(!ParseContinuousStFrame("ST,GS,+ 1.2.3kg").ok());
  CHECK(!ParseContinuousStFrame("XX,GS,+  1.234kg").ok());
  CHECK(!ParseContinuousStFrame("\xff\xfe garbage").ok());
}

TEST_CASE("scale: cas-enq frames parse, with the BCC checked") {
  auto r = ParseCasFrame(CasFrame('S', ' ', "01.234", "kg"));
  REQUIRE(r.ok());
  CHECK(r->grams == 1234);
  CHECK(r->stable);
  r = ParseCasFrame(CasFrame('U', ' ', " 0.500", "kg"));
  REQUIRE(r.ok());
  CHECK(!r->stable);
  CHECK(r->grams == 500);
  r = ParseCasFrame(CasFrame('S', '-', " 0.020", "kg"));
  REQUIRE(r.ok());
  CHECK(r->grams == -20);
  r = ParseCasFrame(CasFrame('S', ' ', "  1500", " g"));
  REQUIRE(r.ok());
  CHECK(r->grams == 1500);
  r = ParseCasFrame(CasFrame('F', ' ', "  OL  ", "kg"));
  REQUIRE(r.ok());
  CHECK(r->overload);
  r = ParseCasFrame(CasFrame('U', ' ', "------", "kg"));
  REQUIRE(r.ok());
  CHECK(r->underload);

  auto bad = ParseCasFrame(CasFrame('S', ' ', "01.234", "kg", /*corrupt=*/true));
  REQUIRE(!bad.ok());
  CHECK(bad.status().code() == Status::Code::kCorruption);
  CHECK(!ParseCasFrame("\x01\x02short\x03\x04").ok());
  CHECK(!ParseCasFrame(CasFrame('S', ' ', "01.234", "lb")).ok());
}

TEST_CASE("scale: protocol names") {
  CHECK(ScaleProtocolNames() == std::vector<std::string>{"continuous-st", "cas-enq"});
  auto bad = MakeScale("toledo", std::make_unique<FakeSerialPort>());
  REQUIRE(!bad.ok());
  CHECK(bad.status().message().find("continuous-st") != std::string::npos);
}

TEST_CASE("scale: WeighForSale takes a stable positive weight or says what is wrong") {
  {
    FakeScale s;
    s.Push({.grams = 300, .stable = false});
    s.Push({.grams = 1234, .stable = true});
    auto g = WeighForSale(s, 1000);
    REQUIRE(g.ok());
    CHECK(*g == 1234);
  }
  auto error_for = [](ScaleReading r) {
    FakeScale s;
    s.Push(r);
    auto g = WeighForSale(s, 200);
    REQUIRE(!g.ok());
    return g.status();
  };
  CHECK(error_for({.grams = 0, .stable = true}).message().find("put the item") != std::string::npos);
  CHECK(error_for({.grams = -20, .stable = true}).message().find("ZERO") != std::string::npos);
  CHECK(error_for({.overload = true}).message().find("capacity") != std::string::npos);
  CHECK(error_for({.underload = true}).message().find("negative") != std::string::npos);
  Status unstable = error_for({.grams = 500, .stable = false});
  CHECK(unstable.code() == Status::Code::kUnavailable);
  CHECK(unstable.message().find("did not settle") != std::string::npos);
  {
    FakeScale s;
    s.Fail(Status::IoError("serial device /dev/ttyUSB0 disconnected (hang-up)"));
    auto g = WeighForSale(s, 100);
    REQUIRE(!g.ok());
    CHECK(g.status().code() == Status::Code::kIoError);
  }
}

// ---- continuous-st against a pty playing the scale

TEST_CASE("scale: continuous-st pty scale settles through unstable frames and garbage") {
  PtyScale p = OpenPtyScale("continuous-st");
  std::atomic<bool> stop{false};
  std::jthread device([&] {
    const char* frames[] = {"US,GS,+  0.800kg\r\n", "\x00\xff\xfe", "US,GS,+  1.100kg\r\n",
                            "US,GS,+  1.2", "34kg\r\n", "garbage line\r\n", "ST,GS,+  1.234kg\r\n"};
    const size_t sizes[] = {18, 3, 18, 12, 6, 14, 18};
    for (int i = 0; i < 200 && !stop; ++i) {
      const size_t k = std::min<size_t>(static_cast<size_t>(i), 6);
      (void)p.dev->Write(std::string_view(frames[k], sizes[k]));
      std::this_thread::sleep_for(milliseconds(20));
    }
  });
  auto r = p.scale->ReadStable(3000);
  stop = true;
  REQUIRE_MESSAGE(r.ok(), r.status().message());
  CHECK(r->grams == 1234);
  CHECK(r->stable);
  CHECK(r->tare_grams == 0);
}

TEST_CASE("scale: continuous-st reads the freshest of the frames that piled up") {
  PtyScale p = OpenPtyScale("continuous-st");
  REQUIRE(p.dev->Write("ST,GS,+  0.100kg\r\nST,GS,+  0.200kg\r\nST,GS,+  0.300kg\r\n").ok());
  std::this_thread::sleep_for(milliseconds(50));
  auto r = p.scale->Read(1000);
  REQUIRE(r.ok());
  CHECK(r->grams == 300);
}

TEST_CASE("scale: continuous-st tare: the host sends T, the scale reports the tare and net weights") {
  PtyScale p = OpenPtyScale("continuous-st");
  REQUIRE(p.scale->Tare(500).ok());
  auto cmd = p.dev->Read(16, 1000);
  REQUIRE(cmd.ok());
  CHECK(*cmd == "T\r\n");
  REQUIRE(p.dev->Write("ST,TR,+  0.150kg\r\nST,NT,+  0.850kg\r\n").ok());
  auto r = p.scale->ReadStable(1000);
  REQUIRE(r.ok());
  CHECK(r->net);
  CHECK(r->grams == 850);
  CHECK(r->tare_grams == 150);
  // A gross frame means the tare was cleared.
  REQUIRE(p.dev->Write("ST,GS,+  1.000kg\r\n").ok());
  r = p.scale->ReadStable(1000);
  REQUIRE(r.ok());
  CHECK(!r->net);
  CHECK(r->tare_grams == 0);
  REQUIRE(p.scale->Zero(500).ok());
  CHECK(*p.dev->Read(16, 1000) == "Z\r\n");
}

TEST_CASE("scale: continuous-st negative and overload frames from the pty") {
  PtyScale p = OpenPtyScale("continuous-st");
  REQUIRE(p.dev->Write("ST,NT,-  0.040kg\r\n").ok());
  auto r = p.scale->ReadStable(1000);
  REQUIRE(r.ok());
  CHECK(r->grams == -40);
  REQUIRE(p.dev->Write("OL,GS,+  -.---kg\r\n").ok());
  r = p.scale->ReadStable(1000);
  REQUIRE(r.ok());
  CHECK(r->overload);
}

TEST_CASE("scale: continuous-st scale that stops sending, or sends only noise, times out clearly") {
  PtyScale p = OpenPtyScale("continuous-st");
  const auto start = SteadyClock::now();
  auto r = p.scale->Read(200);
  const auto took = std::chrono::duration_cast<milliseconds>(SteadyClock::now() - start).count();
  REQUIRE(!r.ok());
  CHECK(r.status().code() == Status::Code::kUnavailable);
  CHECK(r.status().message().find(p.dev->port_path()) != std::string::npos);
  CHECK(took < 2000);

  REQUIRE(p.dev->Write("\x13\x37 noise noise\r\n").ok());
  r = p.scale->Read(200);
  REQUIRE(!r.ok());
  CHECK(r.status().message().find("baud rate") != std::string::npos);

  // Unstable for ever: ReadStable gives up with "did not settle".
  std::atomic<bool> stop{false};
  std::jthread device([&] {
    for (int i = 0; i < 100 && !stop; ++i) {
      (void)p.dev->Write("US,GS,+  0.500kg\r\n");
      std::this_thread::sleep_for(milliseconds(20));
    }
  });
  auto s = p.scale->ReadStable(300);
  stop = true;
  REQUIRE(!s.ok());
  CHECK(s.status().message().find("did not settle") != std::string::npos);
}

TEST_CASE("scale: continuous-st scale unplugged is reported as disconnected") {
  PtyScale p = OpenPtyScale("continuous-st");
  p.dev->Hangup();
  auto r = p.scale->Read(500);
  REQUIRE(!r.ok());
  CHECK(r.status().code() == Status::Code::kIoError);
  CHECK(r.status().message().find("disconnected") != std::string::npos);
  auto w = WeighForSale(*p.scale, 500);
  REQUIRE(!w.ok());
  CHECK(w.status().code() == Status::Code::kIoError);
}

// ---- cas-enq against a pty playing the scale

TEST_CASE("scale: cas-enq dialogue ENQ/ACK/DC1 reads unstable then stable weights") {
  PtyScale p = OpenPtyScale("cas-enq");
  std::atomic<bool> stop{false};
  const std::vector<std::string> frames = {CasFrame('U', ' ', " 0.480", "kg"),
                                           "\xff" + CasFrame('S', ' ', " 0.512", "kg")};
  std::jthread device([&] { PlayCas(*p.dev, frames, stop); });
  auto first = p.scale->Read(1000);
  REQUIRE_MESSAGE(first.ok(), first.status().message());
  CHECK(!first->stable);
  CHECK(first->grams == 480);
  auto grams = WeighForSale(*p.scale, 2000);
  stop = true;
  REQUIRE_MESSAGE(grams.ok(), grams.status().message());
  CHECK(*grams == 512);
  CHECK(p.scale->Tare(100).code() == Status::Code::kFailedPrecondition);
}

TEST_CASE("scale: cas-enq repeats the dialogue after a corrupt frame") {
  PtyScale p = OpenPtyScale("cas-enq");
  std::atomic<bool> stop{false};
  const std::vector<std::string> frames = {CasFrame('S', ' ', "01.000", "kg", true),
                                           CasFrame('S', '-', " 0.010", "kg")};
  std::jthread device([&] { PlayCas(*p.dev, frames, stop); });
  auto r = p.scale->Read(2000);
  stop = true;
  REQUIRE_MESSAGE(r.ok(), r.status().message());
  CHECK(r->grams == -10);
}

TEST_CASE("scale: cas-enq scale that does not answer ENQ, or ACKs and then says nothing, times out") {
  {
    PtyScale p = OpenPtyScale("cas-enq");
    const auto start = SteadyClock::now();
    auto r = p.scale->Read(200);
    const auto took = std::chrono::duration_cast<milliseconds>(SteadyClock::now() - start).count();
    REQUIRE(!r.ok());
    CHECK(r.status().code() == Status::Code::kUnavailable);
    CHECK(r.status().message().find("did not answer ENQ") != std::string::npos);
    CHECK(took < 2000);
    auto sent = p.dev->Read(16, 100);
    REQUIRE(sent.ok());
    CHECK(*sent == "\x05");
  }
  {
    PtyScale p = OpenPtyScale("cas-enq");
    std::atomic<bool> stop{false};
    std::jthread device([&] { PlayCas(*p.dev, {""}, stop, /*ack=*/true, /*answer_dc1=*/false); });
    auto r = p.scale->Read(300);
    stop = true;
    REQUIRE(!r.ok());
    CHECK(r.status().message().find("sent no weight") != std::string::npos);
  }
  {
    PtyScale p = OpenPtyScale("cas-enq");
    p.dev->Hangup();
    auto r = p.scale->Read(300);
    REQUIRE(!r.ok());
    CHECK(r.status().code() == Status::Code::kIoError);
  }
}

}  // namespace linli
