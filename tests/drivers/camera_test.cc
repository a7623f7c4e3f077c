// Camera scanning: directory frames through the scanner's threads, repeats
// dropped within the window and delivered again after it; device errors.
#include <doctest/doctest.h>

#include <atomic>
#include <chrono>
#include <mutex>
#include <thread>

#include "degrade.h"
#include "linli/drivers/camera.h"
#include "testing.h"

namespace linli {
namespace {

// Moves 500 ms on every reading: the scanner reads it once per frame.
class SteppingClock final : public Clock {
 public:
  int64_t NowMs() const override { return now_.fetch_add(500); }

 private:
  mutable std::atomic<int64_t> now_{1'000'000};
};

std::string SaveCode(const testing::TempDir& dir, const std::string& name, CodeFormat f, const std::string& text) {
  auto code = EncodeCode(f, text, 0, 1);
  REQUIRE(code.ok());
  const int sy = f == CodeFormat::kQrCode ? 5 : 100;
  GrayImage frame = testing::PlaceOnFrame(*code, f == CodeFormat::kQrCode ? 5 : 3, sy);
  const std::string path = dir.File(name);
  REQUIRE(SavePng(frame, path).ok());
  return path;
}

TEST_CASE("camera: each code once within the window, again after it") {
  testing::TempDir dir;
  const std::string a = SaveCode(dir, "a.png", CodeFormat::kEan13, "6901234567892");
  const std::string b = SaveCode(dir, "b.png", CodeFormat::kQrCode, "LINLI-B");
  const std::string blank = dir.File("blank.png");
  REQUIRE(SavePng(GrayImage(640, 480), blank).ok());
  // t = 0, 500, … ms: A A A B _ _ _ A A  (A last seen at 1000, again at 3500)
  auto source = DirectoryFrameSource::FromFiles({a, a, a, b, blank, blank, blank, a, a});
  SteppingClock clock;
  CameraScannerOptions opts;
  opts.clock = &clock;
  std::mutex mu;
  std::vector<std::string> got;
  CameraScanner scanner(std::move(source), [&](const std::string& code) {
    std::lock_guard<std::mutex> lock(mu);
    got.push_back(code);
  }, opts);
  REQUIRE(scanner.Start().ok());
  CHECK(scanner.Start().code() == Status::Code::kFailedPrecondition);
  CHECK(scanner.Wait().ok());
  scanner.Stop();
  scanner.Stop();  // idempotent
  CHECK(got == std::vector<std::string>{"6901234567892", "LINLI-B", "6901234567892"});
  const CameraScannerStats st = scanner.stats();
  CHECK(st.frames == 9);
  CHECK(st.codes_read == 6);
  CHECK(st.repeats_dropped == 3);
  CHECK(st.codes_delivered == 3);
  CHECK(st.frames_dropped == 0);
}

TEST_CASE("camera: directory source reads image files in name order") {
  testing::TempDir dir;
  SaveCode(dir, "02.png", CodeFormat::kQrCode, "SECOND");
  SaveCode(dir, "01.png", CodeFormat::kQrCode, "FIRST");
  testing::WriteFile(dir.File("notes.txt"), "not an image");
  testing::WriteFile(dir.File("03.png"), "broken");
  auto src = DirectoryFrameSource::Open(dir.path().string());
  REQUIRE(src.ok());
  CHECK((*src)->size() == 3);
  auto f1 = (*src)->Next();
  REQUIRE(f1.ok());
  CHECK(DecodeImage(*f1).at(0).text == "FIRST");
  auto f2 = (*src)->Next();
  REQUIRE(f2.ok());
  CHECK(DecodeImage(*f2).at(0).text == "SECOND");
  CHECK((*src)->Next().status().IsNotFound());  // 03.png is skipped, then the end

  testing::TempDir empty;
  CHECK(DirectoryFrameSource::Open(empty.path().string()).status().IsNotFound());
  CHECK(DirectoryFrameSource::Open(empty.File("missing")).status().IsNotFound());
}

TEST_CASE("camera: a missing V4L2 device is a clear error") {
  V4l2Options o;
  o.device = "/dev/video-linli-test-absent";
  auto cam = V4l2FrameSource::Open(o);
  REQUIRE_FALSE(cam.ok());
  CHECK(cam.status().IsNotFound());
  CHECK(cam.status().message().find("plugged in") != std::string::npos);
  o.device = "/dev/null";  // a character device, but no camera
  CHECK_FALSE(V4l2FrameSource::Open(o).ok());
}

// A live source faster than the decoder: frames are skipped, not queued
// without bound, and Stop() returns promptly.
class FastLiveSource : public FrameSource {
 public:
  explicit FastLiveSource(GrayImage f) : frame_(std::move(f)) {}
  Result<GrayImage> Next() override {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
    return frame_;
  }
  bool IsLive() const override { return true; }

 private:
  GrayImage frame_;
};

TEST_CASE("camera: a live source drops frames when the decoder is busy") {
  testing::Prng prng(3);
  testing::Sample s = testing::MakeSample(CodeFormat::kQrCode, prng);
  std::atomic<int> delivered{0};
  CameraScanner scanner(std::make_unique<FastLiveSource>(s.frame), [&](const std::string&) { ++delivered; });
  REQUIRE(scanner.Start().ok());
  std::this_thread::sleep_for(std::chrono::milliseconds(400));
  const auto t0 = std::chrono::steady_clock::now();
  scanner.Stop();
  CHECK(std::chrono::steady_clock::now() - t0 < std::chrono::seconds(2));
  const CameraScannerStats st = scanner.stats();
  CHECK(delivered == 1);  // the same code in view the whole time
  CHECK(st.frames >= 1);
  MESSAGE("live: " << st.frames << " frames decoded, " << st.frames_dropped << " skipped in 400 ms");
}

}  // namespace
}  // namespace linli
