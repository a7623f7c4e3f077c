#include "linli/pos/status.h"

namespace linli {

Status Status::WithKey(std::string key, MessageArgs args) const& {
  Status copy = *this;
  return std::move(copy).WithKey(std::move(key), std::move(args));
}

Status Status::WithKey(std::string key, MessageArgs args) && {
  if (!ok()) {
    message_key_ = std::move(key);
    message_args_ = std::move(args);
  }
  return std::move(*this);
}

std::string Status::ToString() const {
  const char* name = "OK";
  switch (code_) {
    case Code::kOk: return "OK";
    case Code::kInvalidArgument: name = "invalid argument"; break;
    case Code::kNotFound: name = "not found"; break;
    case Code::kAlreadyExists: name = "already exists"; break;
    case Code::kFailedPrecondition: name = "failed precondition"; break;
    case Code::kPermissionDenied: name = "permission denied"; break;
    case Code::kCorruption: name = "corruption"; break;
    case Code::kIoError: name = "I/O error"; break;
    case Code::kUnavailable: name = "unavailable"; break;
  }
  return std::string(name) + ": " + message_;
}

}  // namespace linli
