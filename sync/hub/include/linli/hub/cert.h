// `linli-hub cert init`: a self-signed CA and a server certificate for a
// first install (PROTOCOL.md §1). Stores pin the CA (ca.pem).
#pragma once

#include <string>
#include <vector>

#include "linli/pos/status.h"

namespace linli::hub {

struct CertPaths {
  std::string ca_cert;      // dir/ca.pem      — give this to stores to pin
  std::string ca_key;       // dir/ca.key      — keep offline
  std::string server_cert;  // dir/server.pem  — --tls-cert
  std::string server_key;   // dir/server.key  — --tls-key
};

// Makes `dir` (if missing) and writes the four PEM files there, keys mode
// 0600. The server certificate names 127.0.0.1, ::1 and localhost plus every
// entry of `hosts` (an IP address or a DNS name). EC P-256 keys; the CA is
// valid 10 years, the server certificate 2. AlreadyExists when ca.pem is
// already there (never overwrites a CA stores have pinned); IoError when a
// file cannot be written.
Result<CertPaths> InitCertificates(const std::string& dir, const std::vector<std::string>& hosts);

}  // namespace linli::hub
