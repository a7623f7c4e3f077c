// libFuzzer main for signed request headers and gzip bodies; the body is FuzzHubRequest in targets.h.
#include "targets.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  return linli::fuzz::FuzzHubRequest(data, size);
}
