// A gateway that passes a payment on to the real one (a fake network), then
// "dies" before PaymentService can record the answer: the crash between
// send and record that every network's tests replay.
#pragma once

#include <stdexcept>
#include <string>

#include "linli/pos/payments.h"

namespace linli::testing {

struct SimulatedCrash : std::runtime_error {
  SimulatedCrash() : std::runtime_error("simulated crash") {}
};

class CrashAfterPay final : public PaymentGateway {
 public:
  explicit CrashAfterPay(PaymentGateway& inner) : inner_(inner) {}
  GatewayReply Pay(const PayRequest& r) override {
    inner_.Pay(r);
    throw SimulatedCrash();
  }
  QueryReply Query(const std::string& k) override { return inner_.Query(k); }
  UndoReply Cancel(const std::string& k) override { return inner_.Cancel(k); }
  UndoReply Reverse(const std::string& k) override { return inner_.Reverse(k); }
  UndoReply Refund(const std::string& k, const std::string& rk, int64_t f) override {
    return inner_.Refund(k, rk, f);
  }

 private:
  PaymentGateway& inner_;
};

}  // namespace linli::testing
