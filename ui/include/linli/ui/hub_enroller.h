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

}  // namespace linli::ui
