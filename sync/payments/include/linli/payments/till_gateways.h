// The payment-code gateway a till uses, chosen by its store_config
// (docs/payments.md). payment.mode sandbox (the default) gives the sandbox,
// for training and the demo, its memory kept beside the store; live gives a
// RoutingGateway over each network whose settings are filled in
// (payment.wechat.*, payment.alipay.*), so a code of a network the store has
// not set up is refused at once and nothing is sent.
//
// Thread safety: `gateway` is as thread-safe as the gateways behind it; the
// router's look-up of an attempt's network after a restart has its own
// connection and lock.
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "linli/payments/alipay_gateway.h"
#include "linli/payments/wechat_pay.h"
#include "linli/pos/db.h"
#include "linli/pos/payments.h"

namespace linli::payments {

class TillGateways {
 public:
  // Reads the settings of the store at db_path. InvalidArgument naming the
  // setting when live mode has no network set up or a network is half set
  // up; the gateways' own errors (a key file readable by others, a missing
  // file) name the file and what to do.
  static Result<std::unique_ptr<TillGateways>> Open(const std::string& db_path);

  PaymentGateway& gateway() { return *gateway_; }
  const std::string& mode() const { return mode_; }                // "sandbox" | "live"
  const std::vector<std::string>& networks() const { return networks_; }  // live: "wechat", "alipay"
  WechatPayGateway* wechat() { return wechat_.get(); }
  AlipayGateway* alipay() { return alipay_.get(); }

 private:
  TillGateways() = default;
  std::string mode_ = "sandbox";
  std::vector<std::string> networks_;
  std::unique_ptr<SandboxGateway> sandbox_;
  std::unique_ptr<sync::HttpTransport> alipay_transport_;
  std::unique_ptr<WechatPayGateway> wechat_;
  std::unique_ptr<AlipayGateway> alipay_;
  std::unique_ptr<Database> lookup_;  // payment_attempts.provider after a restart
  std::mutex lookup_mu_;
  std::unique_ptr<RoutingGateway> router_;
  PaymentGateway* gateway_ = nullptr;
};

}  // namespace linli::payments
