// libFuzzer main for the virtual ESC/POS printer; the body is FuzzEscPos in targets.h.
#include "targets.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  return linli::fuzz::FuzzEscPos(data, size);
}
