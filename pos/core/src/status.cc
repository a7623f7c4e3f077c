#include "linli/pos/status.h"

namespace linli {

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
