#include "linli/ui/hub_enroller.h"

#include <fstream>
#include <sstream>

#include "linli/pos/store.h"
#include "linli/sync/agent.h"
#include "linli/sync/transport.h"
#include "linli/sync/verify_client.h"

namespace linli::ui {

Status AgentEnroller::Enroll(const std::string& hub_url, const std::string& token, const std::string& ca_path) {
  if (hub_url.empty()) return Status::InvalidArgument("the hub address is empty");
  std::string ca_pem;
  if (!ca_path.empty()) {
    std::ifstream f(ca_path, std::ios::binary);
    if (!f) return Status::NotFound("cannot read the certificate file " + ca_path);
    std::stringstream ss;
    ss << f.rdbuf();
    ca_pem = ss.str();
  }
  auto db = OpenStore(db_path_);
  if (!db.ok()) return db.status();
  auto transport = sync::NewCurlTransport({.ca_pem = ca_pem});
  if (!transport.ok()) return transport.status();
  sync::SyncAgent agent(**db, **transport, clock_);
  return agent.Enroll(hub_url, token, ca_pem);
}

Result<sync::ReceiptVerdict> AgentReceiptChecker::Check(const std::string& qr_text) {
  auto db = OpenStore(db_path_);
  if (!db.ok()) return db.status();
  return sync::VerifyReceiptWithStoreHub(**db, qr_text);
}

}  // namespace linli::ui
