// Whole files written so that a reader, or the disk after a crash, sees the
// old contents or the new ones, never a part: exports (catalog export --out)
// and other files a person keeps.
#pragma once

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

}  // namespace linli
