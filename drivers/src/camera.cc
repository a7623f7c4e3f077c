// V4L2 and directory frame sources, and the camera scanner's two threads.
#include "linli/drivers/camera.h"

#include <fcntl.h>
#include <libv4l2.h>
#include <linux/videodev2.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>

namespace linli {

// ---------------------------------------------------------------- V4L2

namespace {

int Xioctl(int fd, unsigned long request, void* arg) {
  int r;
  do {
    r = v4l2_ioctl(fd, request, arg);
  } while (r == -1 && errno == EINTR);
  return r;
}

std::string Errno() { return std::strerror(errno); }

}  // namespace

Result<std::unique_ptr<V4l2FrameSource>> V4l2FrameSource::Open(const V4l2Options& options) {
  const std::string& dev = options.device;
  struct stat st{};
  if (::stat(dev.c_str(), &st) != 0) {
    return Status::NotFound("camera " + dev + " does not exist; is the camera plugged in? (ls /dev/video*)");
  }
  if (!S_ISCHR(st.st_mode)) return Status::Unavailable(dev + " is not a device node");
  std::unique_ptr<V4l2FrameSource> src(new V4l2FrameSource());
  // Plain open + QUERYCAP first: libv4l2 would print to stderr on a node
  // that is not a camera; we want one Status instead.
  const int raw = ::open(dev.c_str(), O_RDWR);
  if (raw < 0) {
    if (errno == EACCES || errno == EPERM) {
      return Status::PermissionDenied("cannot open " + dev + ": " + Errno() + "; add the user to the video group");
    }
    return Status::Unavailable("cannot open " + dev + ": " + Errno());
  }
  v4l2_capability cap{};
  if (::ioctl(raw, VIDIOC_QUERYCAP, &cap) != 0 || !(cap.capabilities & V4L2_CAP_VIDEO_CAPTURE)) {
    ::close(raw);
    return Status::Unavailable(dev + " is not a video capture device");
  }
  src->fd_ = v4l2_fd_open(raw, 0);
  if (src->fd_ < 0) {
    ::close(raw);
    return Status::Unavailable("libv4l2 cannot take over " + dev);
  }
  v4l2_format fmt{};
  bool ok = false;
  for (uint32_t pixfmt : {uint32_t(V4L2_PIX_FMT_GREY), uint32_t(V4L2_PIX_FMT_YUYV)}) {
    fmt = {};
    fmt.type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
    fmt.fmt.pix.width = uint32_t(options.width);
    fmt.fmt.pix.height = uint32_t(options.height);
    fmt.fmt.pix.pixelformat = pixfmt;
    fmt.fmt.pix.field = V4L2_FIELD_NONE;
    if (Xioctl(src->fd_, VIDIOC_S_FMT, &fmt) == 0 && fmt.fmt.pix.pixelformat == pixfmt) {
      ok = true;
      break;
    }
  }
  if (!ok) return Status::Unavailable(dev + " offers neither GREY nor YUYV frames");
  src->yuyv_ = fmt.fmt.pix.pixelformat == V4L2_PIX_FMT_YUYV;
  src->width_ = int(fmt.fmt.pix.width);
  src->height_ = int(fmt.fmt.pix.height);
  src->stride_ = int(fmt.fmt.pix.bytesperline);
  if (src->stride_ == 0) src->stride_ = src->width_ * (src->yuyv_ ? 2 : 1);
  if (cap.capabilities & V4L2_CAP_READWRITE) {
    src->read_buf_.resize(std::max<size_t>(fmt.fmt.pix.sizeimage, size_t(src->stride_) * size_t(src->height_)));
    return src;
  }
  if (!(cap.capabilities & V4L2_CAP_STREAMING)) return Status::Unavailable(dev + " supports neither read() nor streaming");
  v4l2_requestbuffers req{};
  req.count = 4;
  req.type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
  req.memory = V4L2_MEMORY_MMAP;
  if (Xioctl(src->fd_, VIDIOC_REQBUFS, &req) != 0 || req.count < 2) {
    return Status::Unavailable(dev + ": cannot get capture buffers: " + Errno());
  }
  for (uint32_t i = 0; i < req.count; ++i) {
    v4l2_buffer buf{};
    buf.type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
    buf.memory = V4L2_MEMORY_MMAP;
    buf.index = i;
    if (Xioctl(src->fd_, VIDIOC_QUERYBUF, &buf) != 0) return Status::Unavailable(dev + ": QUERYBUF: " + Errno());
    void* p = v4l2_mmap(nullptr, buf.length, PROT_READ | PROT_WRITE, MAP_SHARED, src->fd_, buf.m.offset);
    if (p == MAP_FAILED) return Status::Unavailable(dev + ": mmap: " + Errno());
    src->buffers_.push_back({p, buf.length});
    if (Xioctl(src->fd_, VIDIOC_QBUF, &buf) != 0) return Status::Unavailable(dev + ": QBUF: " + Errno());
  }
  v4l2_buf_type type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
  if (Xioctl(src->fd_, VIDIOC_STREAMON, &type) != 0) return Status::Unavailable(dev + ": STREAMON: " + Errno());
  src->streaming_ = true;
  return src;
}

V4l2FrameSource::~V4l2FrameSource() {
  if (fd_ < 0) return;
  if (streaming_) {
    v4l2_buf_type type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
    Xioctl(fd_, VIDIOC_STREAMOFF, &type);
  }
  for (const Buffer& b : buffers_) v4l2_munmap(b.start, b.length);
  v4l2_close(fd_);
}

Result<GrayImage> V4l2FrameSource::Next() {
  const uint8_t* data = nullptr;
  size_t size = 0;
  v4l2_buffer buf{};
  if (streaming_) {
    buf.type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
    buf.memory = V4L2_MEMORY_MMAP;
    if (Xioctl(fd_, VIDIOC_DQBUF, &buf) != 0) return Status::IoError("camera: cannot dequeue a frame: " + Errno());
    if (buf.index >= buffers_.size()) return Status::IoError("camera: driver returned a bad buffer index");
    data = static_cast<const uint8_t*>(buffers_[buf.index].start);
    size = std::min<size_t>(buf.bytesused, buffers_[buf.index].length);
  } else {
    ssize_t n;
    do {
      n = v4l2_read(fd_, read_buf_.data(), read_buf_.size());
    } while (n < 0 && errno == EINTR);
    if (n < 0) return Status::IoError("camera: read failed: " + Errno() + "; was it unplugged?");
    data = read_buf_.data();
    size = size_t(n);
  }
  GrayImage img(width_, height_);
  const int bpp = yuyv_ ? 2 : 1;  // YUYV: Y at even bytes
  for (int y = 0; y < height_; ++y) {
    const size_t row = size_t(y) * size_t(stride_);
    if (row + size_t(width_) * size_t(bpp) > size) break;  // short frame: rest stays white
    for (int x = 0; x < width_; ++x) img.at(x, y) = data[row + size_t(x) * size_t(bpp)];
  }
  if (streaming_ && Xioctl(fd_, VIDIOC_QBUF, &buf) != 0) return Status::IoError("camera: QBUF: " + Errno());
  return img;
}

// ---------------------------------------------------------------- directory

Result<std::unique_ptr<DirectoryFrameSource>> DirectoryFrameSource::Open(const std::string& dir, bool loop) {
  std::error_code ec;
  if (!std::filesystem::is_directory(dir, ec)) return Status::NotFound(dir + " is not a directory");
  std::vector<std::string> files;
  for (const auto& e : std::filesystem::directory_iterator(dir, ec)) {
    if (!e.is_regular_file()) continue;
    std::string ext = e.path().extension().string();
    std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return char(std::tolower(c)); });
    if (ext == ".png" || ext == ".jpg" || ext == ".jpeg" || ext == ".pgm" || ext == ".bmp") {
      files.push_back(e.path().string());
    }
  }
  if (ec) return Status::IoError("cannot list " + dir + ": " + ec.message());
  if (files.empty()) return Status::NotFound(dir + " has no PNG or JPEG files");
  std::sort(files.begin(), files.end());
  return std::unique_ptr<DirectoryFrameSource>(new DirectoryFrameSource(std::move(files), loop));
}

std::unique_ptr<DirectoryFrameSource> DirectoryFrameSource::FromFiles(std::vector<std::string> files, bool loop) {
  return std::unique_ptr<DirectoryFrameSource>(new DirectoryFrameSource(std::move(files), loop));
}

Result<GrayImage> DirectoryFrameSource::Next() {
  // Skips unreadable files; gives up after one full pass of failures.
  for (size_t tries = 0; tries <= files_.size(); ++tries) {
    if (next_ >= files_.size()) {
      if (!loop_ || files_.empty()) return Status::NotFound("no more frames");
      next_ = 0;
    }
    auto img = LoadImageFile(files_[next_++]);
    if (img.ok()) return img;
  }
  return Status::NotFound("no readable frames");
}

// ---------------------------------------------------------------- scanner

CameraScanner::CameraScanner(std::unique_ptr<FrameSource> source, CodeCallback on_code, CameraScannerOptions options)
    : source_(std::move(source)), on_code_(std::move(on_code)), options_(std::move(options)) {
  if (options_.max_queued_frames == 0) options_.max_queued_frames = 1;
  if (options_.clock == nullptr) options_.clock = &system_clock_;
}

CameraScanner::~CameraScanner() { Stop(); }

Status CameraScanner::Start() {
  std::lock_guard<std::mutex> lock(mu_);
  if (started_) return Status::FailedPrecondition("camera scanner already started");
  if (!source_) return Status::FailedPrecondition("camera scanner has no frame source");
  started_ = true;
  reader_ = std::thread([this] { ReadLoop(); });
  decoder_ = std::thread([this] { DecodeLoop(); });
  return Status::Ok();
}

void CameraScanner::Stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
    queue_.clear();
  }
  cv_.notify_all();
  // A live source's Next() returns within a frame period, so the join is short.
  if (reader_.joinable()) reader_.join();
  if (decoder_.joinable()) decoder_.join();
}

Status CameraScanner::Wait() {
  std::unique_lock<std::mutex> lock(mu_);
  cv_.wait(lock, [this] { return stop_ || decoder_done_; });
  return end_status_;
}

CameraScannerStats CameraScanner::stats() const {
  std::lock_guard<std::mutex> lock(mu_);
  return stats_;
}

void CameraScanner::ReadLoop() {
  const bool live = source_->IsLive();
  for (;;) {
    {
      std::unique_lock<std::mutex> lock(mu_);
      if (!live) cv_.wait(lock, [this] { return stop_ || queue_.size() < options_.max_queued_frames; });
      if (stop_) break;
    }
    Result<GrayImage> frame = source_->Next();
    std::lock_guard<std::mutex> lock(mu_);
    if (stop_) break;
    if (!frame.ok()) {
      if (!frame.status().IsNotFound()) end_status_ = frame.status();
      break;
    }
    if (queue_.size() >= options_.max_queued_frames) {
      queue_.pop_front();  // live: the newest frame is the one worth decoding
      ++stats_.frames_dropped;
    }
    queue_.push_back(std::move(*frame));
    cv_.notify_all();
  }
  std::lock_guard<std::mutex> lock(mu_);
  source_done_ = true;
  cv_.notify_all();
}

void CameraScanner::DecodeLoop() {
  for (;;) {
    GrayImage frame;
    {
      std::unique_lock<std::mutex> lock(mu_);
      cv_.wait(lock, [this] { return stop_ || !queue_.empty() || source_done_; });
      if (stop_ || queue_.empty()) break;  // stopped, or source done and drained
      frame = std::move(queue_.front());
      queue_.pop_front();
      cv_.notify_all();  // room for the reader
    }
    HandleFrame(frame);
  }
  std::lock_guard<std::mutex> lock(mu_);
  decoder_done_ = true;
  cv_.notify_all();
}

void CameraScanner::HandleFrame(const GrayImage& frame) {
  std::vector<DecodedCode> codes = DecodeImage(frame, options_.decode);
  const int64_t now = options_.clock->NowMs();
  std::vector<std::string> fresh;
  int64_t repeats = 0;
  for (const DecodedCode& c : codes) {
    if (c.text.empty()) continue;
    auto it = last_seen_.find(c.text);
    const bool repeat = it != last_seen_.end() && now - it->second >= 0 && now - it->second < options_.repeat_window_ms;
    last_seen_[c.text] = now;  // the window runs from the latest sighting
    if (repeat) {
      ++repeats;
    } else if (std::find(fresh.begin(), fresh.end(), c.text) == fresh.end()) {
      fresh.push_back(c.text);
    }
  }
  // Forget codes long out of view so the map stays small.
  if (last_seen_.size() > 256) {
    for (auto it = last_seen_.begin(); it != last_seen_.end();) {
      it = now - it->second > options_.repeat_window_ms ? last_seen_.erase(it) : std::next(it);
    }
  }
  {
    std::lock_guard<std::mutex> lock(mu_);
    ++stats_.frames;
    stats_.codes_read += int64_t(codes.size());
    stats_.repeats_dropped += repeats;
    stats_.codes_delivered += int64_t(fresh.size());
  }
  for (const std::string& code : fresh) on_code_(code);
}

}  // namespace linli
