// Whole files written so that a reader, or the disk after a crash, sees the
// old contents or the new ones, never a part: exports (catalog export --out)
// and other files a person keeps.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "linli/pos/status.h"

namespace linli {

// Writes `contents` to a temporary file in the directory of `path`
// (".NAME.tmp-PID"), fsyncs it, renames it over `path` and fsyncs the
// directory. On any failure (a full disk: ENOSPC, EFBIG) the temporary file
// is removed, `path` keeps what it held before and IoError names the file and
// the cause. The file written has `mode` (less the umask), also when it
// replaces an older one.
Status ReplaceFile(const std::string& path, std::string_view contents, unsigned mode = 0644);

// The whole of a file, or nullopt when there is none. IoError naming the file
// and the cause for anything else (unreadable, a directory, …).
Result<std::optional<std::string>> ReadFileIfExists(const std::string& path);

// An exclusive advisory lock (flock) on `path`, created 0600 if missing, held
// until the FileLock is destroyed: what lets several processes take turns
// with one state file. Blocks until the lock is free. Move-only.
class FileLock {
 public:
  static Result<FileLock> Acquire(const std::string& path);
  FileLock(FileLock&& o) noexcept : fd_(o.fd_) { o.fd_ = -1; }
  FileLock& operator=(FileLock&&) = delete;
  FileLock(const FileLock&) = delete;
  ~FileLock();

 private:
  explicit FileLock(int fd) : fd_(fd) {}
  int fd_ = -1;
};

}  // namespace linli
