// libFuzzer main for push batches and the other sync bodies; the body is FuzzSyncBatch in targets.h.
#include "targets.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  return linli::fuzz::FuzzSyncBatch(data, size);
}
