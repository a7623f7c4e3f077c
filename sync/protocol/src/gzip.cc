// gzip and capped gunzip over zlib. The cap is checked while inflating so a
// few kilobytes that would inflate to gigabytes stop at max_output.
#include <zlib.h>

#include "linli/sync/protocol.h"

namespace linli::sync {

Result<std::string> Gzip(std::string_view data) {
  z_stream zs{};
  // 15 + 16: a gzip wrapper rather than zlib's.
  if (deflateInit2(&zs, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
    return Status::IoError("gzip: cannot initialise zlib");
  }
  std::string out;
  out.resize(deflateBound(&zs, data.size()) + 32);
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  zs.avail_in = static_cast<uInt>(data.size());
  zs.next_out = reinterpret_cast<Bytef*>(out.data());
  zs.avail_out = static_cast<uInt>(out.size());
  const int rc = deflate(&zs, Z_FINISH);
  const size_t written = zs.total_out;
  deflateEnd(&zs);
  if (rc != Z_STREAM_END) return Status::IoError("gzip: compression did not finish");
  out.resize(written);
  return out;
}

Result<std::string> Gunzip(std::string_view data, size_t max_output) {
  z_stream zs{};
  if (inflateInit2(&zs, 15 + 16) != Z_OK) return Status::IoError("gunzip: cannot initialise zlib");
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  zs.avail_in = static_cast<uInt>(data.size());
  std::string out;
  char buf[16384];
  int rc = Z_OK;
  while (rc != Z_STREAM_END) {
    zs.next_out = reinterpret_cast<Bytef*>(buf);
    zs.avail_out = sizeof buf;
    rc = inflate(&zs, Z_NO_FLUSH);
    if (rc != Z_OK && rc != Z_STREAM_END) {
      inflateEnd(&zs);
      return Status::InvalidArgument("the body is not a valid gzip stream");
    }
    const size_t n = sizeof buf - zs.avail_out;
    if (out.size() + n > max_output) {
      inflateEnd(&zs);
      return Status::FailedPrecondition("the body is too large once decompressed (more than " +
                                        std::to_string(max_output) + " bytes)");
    }
    out.append(buf, n);
    if (rc == Z_OK && n == 0 && zs.avail_in == 0) {
      inflateEnd(&zs);
      return Status::InvalidArgument("the gzip stream is truncated");
    }
  }
  inflateEnd(&zs);
  return out;
}

}  // namespace linli::sync
