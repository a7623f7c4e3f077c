// libFuzzer main for what the payment networks send back (WeChat Pay XML and
// statements, Alipay statements); the body is FuzzPaymentAnswers in targets.h.
#include "targets.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  return linli::fuzz::FuzzPaymentAnswers(data, size);
}
