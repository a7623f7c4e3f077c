// libFuzzer main for scanned codes and scale_layouts JSON; the body is FuzzBarcode in targets.h.
#include "targets.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  return linli::fuzz::FuzzBarcode(data, size);
}
