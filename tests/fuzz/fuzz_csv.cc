// libFuzzer main for CSV parsing and catalog import; the body is FuzzCsv in targets.h.
#include "targets.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  return linli::fuzz::FuzzCsv(data, size);
}
