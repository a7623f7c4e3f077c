// The real HubEnroller: the sync agent's enrolment over libcurl, on its own
// database connection (the checkout's connection stays on the UI thread).
#pragma once

#include <memory>
#include <string>

#include "linli/pos/clock.h"
#include "linli/ui/devices.h"

namespace linli::ui {

class AgentEnroller final : public HubEnroller {
 public:
  AgentEnroller(std::string db_path, const Clock& clock) : db_path_(std::move(db_path)), clock_(clock) {}
  Status Enroll(const std::string& hub_url, const std::string& token, const std::string& ca_path) override;

 private:
  std::string db_path_;
  const Clock& clock_;
};

// The real ReceiptChecker: the sync agent's VerifyReceiptWithStoreHub
// (verify_client.h) with the till's own hub settings, on its own database
// connection opened for each check (checks run on a background thread).
class AgentReceiptChecker final : public ReceiptChecker {
 public:
  explicit AgentReceiptChecker(std::string db_path) : db_path_(std::move(db_path)) {}
  Result<sync::ReceiptVerdict> Check(const std::string& qr_text) override;

 private:
  std::string db_path_;
};

}  // namespace linli::ui
