#include "linli/pos/files.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

namespace linli {
namespace {

bool WriteAll(int fd, std::string_view data) {
  while (!data.empty()) {
    const ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      if (n == 0) errno = EIO;
      return false;
    }
    data.remove_prefix(static_cast<size_t>(n));
  }
  return true;
}

}  // namespace

Status ReplaceFile(const std::string& path, std::string_view contents, unsigned mode) {
  const std::filesystem::path target(path);
  std::filesystem::path dir = target.parent_path();
  if (dir.empty()) dir = ".";
  const std::string tmp = (dir / ("." + target.filename().string() + ".tmp-" + std::to_string(::getpid()))).string();
  auto fail = [&](int err, const char* step) {
    ::unlink(tmp.c_str());
    return Status::IoError("could not write " + path + " (" + step + ": " + std::strerror(err) +
                           "); the file as it was before is kept. Free some disk space or check permissions, "
                           "then try again");
  };
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, static_cast<mode_t>(mode));
  if (fd < 0) return fail(errno, "create");
  if (!WriteAll(fd, contents)) {
    const int e = errno;
    ::close(fd);
    return fail(e, "write");
  }
  if (::fsync(fd) != 0) {
    const int e = errno;
    ::close(fd);
    return fail(e, "fsync");
  }
  if (::close(fd) != 0) return fail(errno, "close");
  if (::rename(tmp.c_str(), path.c_str()) != 0) return fail(errno, "rename");
  // The rename itself is durable once the directory is.
  const int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd >= 0) {
    ::fsync(dfd);
    ::close(dfd);
  }
  return Status::Ok();
}

}  // namespace linli
