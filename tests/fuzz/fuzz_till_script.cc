// libFuzzer main for scripted till sessions; the body is FuzzTillScript in targets.h.
#include "targets.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  return linli::fuzz::FuzzTillScript(data, size);
}
