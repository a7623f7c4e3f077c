// libFuzzer main for the receipt QR reader and the receipt-check verdict; the body is FuzzReceiptQr in targets.h.
#include "targets.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  return linli::fuzz::FuzzReceiptQr(data, size);
}
