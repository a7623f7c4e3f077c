// Camera scanning: frames from a V4L2 camera (or, for tests and demos, a
// directory of images) decoded with ZXing in a worker thread, each newly seen
// code delivered to the same callback a hand scanner feeds.
//
//   auto cam = V4l2FrameSource::Open({"/dev/video0"});
//   if (!cam.ok()) …                      // message says what to check
//   CameraScanner scanner(std::move(*cam), [&](const std::string& code) {
//     till.OnScan(code);                  // same path as SerialScanner
//   });
//   scanner.Start();  … scanner.Stop();
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "linli/drivers/codes.h"
#include "linli/drivers/image.h"
#include "linli/pos/clock.h"
#include "linli/pos/status.h"

namespace linli {

// Where frames come from. Implementations need not be thread-safe: the
// scanner calls Next() from one thread only.
class FrameSource {
 public:
  virtual ~FrameSource() = default;

  // Blocks until the next frame (a camera: its frame period). Returns
  // NotFound when the source has no more frames (end of a directory); any
  // other error (IoError, Unavailable) when the device failed or vanished.
  virtual Result<GrayImage> Next() = 0;

  // A live source produces frames whether or not anyone keeps up, so a busy
  // decoder should skip to the newest frame. A file source waits for us.
  virtual bool IsLive() const = 0;
};

struct V4l2Options {
  std::string device = "/dev/video0";
  int width = 640;  // requested; the driver may choose another size
  int height = 480;
};

// A V4L2 camera through libv4l2 (which converts exotic pixel formats).
// Asks for GREY, else YUYV and keeps the Y plane; reads frames with read(),
// or with mmap streaming when the driver lacks read().
class V4l2FrameSource : public FrameSource {
 public:
  // NotFound when the device node does not exist ("is the camera plugged
  // in?"), PermissionDenied when it cannot be opened (video group), and
  // Unavailable when it is not a capture device or refuses both formats.
  static Result<std::unique_ptr<V4l2FrameSource>> Open(const V4l2Options& options);
  ~V4l2FrameSource() override;

  Result<GrayImage> Next() override;
  bool IsLive() const override { return true; }
  int width() const { return width_; }
  int height() const { return height_; }

 private:
  V4l2FrameSource() = default;
  struct Buffer {
    void* start = nullptr;
    size_t length = 0;
  };
  int fd_ = -1;
  int width_ = 0, height_ = 0, stride_ = 0;
  bool yuyv_ = false;
  bool streaming_ = false;
  std::vector<Buffer> buffers_;
  std::vector<uint8_t> read_buf_;
};

// PNG/JPEG files of a directory in name order, one per Next(); NotFound
// after the last (or, with `loop`, from the first again). Files that fail to
// load are skipped; a directory with no image files fails Open (NotFound).
class DirectoryFrameSource : public FrameSource {
 public:
  static Result<std::unique_ptr<DirectoryFrameSource>> Open(const std::string& dir, bool loop = false);
  // The same, over a list of files in the given order (repeats allowed).
  static std::unique_ptr<DirectoryFrameSource> FromFiles(std::vector<std::string> files, bool loop = false);

  Result<GrayImage> Next() override;
  bool IsLive() const override { return false; }
  size_t size() const { return files_.size(); }

 private:
  DirectoryFrameSource(std::vector<std::string> files, bool loop) : files_(std::move(files)), loop_(loop) {}
  std::vector<std::string> files_;
  bool loop_;
  size_t next_ = 0;
};

struct CameraScannerOptions {
  // A code read again within this many ms of its previous sighting is the
  // same code still in front of the lens and is not delivered again. Take it
  // out of view for longer than this to scan it again.
  int repeat_window_ms = 1500;
  // Time source for the window; nullptr: the system clock. Read once per
  // decoded frame, on the worker thread (a FakeClock may be advanced from a
  // test between frames only when the source is not live).
  const Clock* clock = nullptr;
  // Frames waiting for the decoder. Live sources drop the oldest when full;
  // file sources block the reader instead.
  size_t max_queued_frames = 2;
  // The decoder settings. Try-harder stays on: tests/bench/decode_bench
  // measures ~70 frames/s for 640x480 on one core with it (about 150 on
  // clean frames), and without it rotated and noisy codes are missed.
  DecodeOptions decode;
};

struct CameraScannerStats {
  int64_t frames = 0;           // decoded frames
  int64_t frames_dropped = 0;   // skipped because the decoder was busy (live only)
  int64_t codes_read = 0;       // every successful read, repeats included
  int64_t codes_delivered = 0;  // passed to the callback
  int64_t repeats_dropped = 0;  // reads within the repeat window
};

// Two threads: one pulls frames from the source into a bounded queue, one
// decodes them and calls `on_code` (on that decoder thread) for each new code.
// The callback must not call Stop(); it should hand the code on quickly.
class CameraScanner {
 public:
  using CodeCallback = std::function<void(const std::string& code)>;

  CameraScanner(std::unique_ptr<FrameSource> source, CodeCallback on_code, CameraScannerOptions options = {});
  ~CameraScanner();  // Stop()
  CameraScanner(const CameraScanner&) = delete;
  CameraScanner& operator=(const CameraScanner&) = delete;

  // Starts the threads. FailedPrecondition if already started.
  Status Start();
  // Stops reading, drops queued frames, joins both threads. Idempotent.
  void Stop();
  // Blocks until the source is exhausted and every queued frame is decoded,
  // or the source failed, or Stop(); returns why it ended (OK at the end of
  // a file source). Must follow Start().
  Status Wait();

  CameraScannerStats stats() const;

 private:
  void ReadLoop();
  void DecodeLoop();
  void HandleFrame(const GrayImage& frame);

  std::unique_ptr<FrameSource> source_;
  CodeCallback on_code_;
  CameraScannerOptions options_;
  SystemClock system_clock_;

  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::deque<GrayImage> queue_;
  bool started_ = false;
  bool stop_ = false;
  bool source_done_ = false;
  bool decoder_done_ = false;
  Status end_status_;
  CameraScannerStats stats_;
  std::unordered_map<std::string, int64_t> last_seen_;  // decoder thread only
  std::thread reader_, decoder_;
};

}  // namespace linli
