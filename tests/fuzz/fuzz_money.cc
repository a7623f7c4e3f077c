// libFuzzer main for yuan, quantity and percent parsing with format round trips; the body is FuzzMoney in targets.h.
#include "targets.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  return linli::fuzz::FuzzMoney(data, size);
}
