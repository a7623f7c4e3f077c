// Certificates through OpenSSL 3's EVP and X509 APIs: no shelling out to the
// openssl tool, so a first install needs nothing but the linli-hub binary.
#include "linli/hub/cert.h"

#include <fcntl.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <functional>
#include <memory>

#include "linli/pos/crypto.h"

namespace linli::hub {
namespace {

struct Free {
  void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); }
  void operator()(X509* p) const { X509_free(p); }
};
using Key = std::unique_ptr<EVP_PKEY, Free>;
using Cert = std::unique_ptr<X509, Free>;

bool AddExt(X509* cert, X509* issuer, int nid, const std::string& value) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
  X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value.c_str());
  if (!ext) return false;
  const bool ok = X509_add_ext(cert, ext, -1) == 1;
  X509_EXTENSION_free(ext);
  return ok;
}

Cert MakeCert(EVP_PKEY* key, const std::string& cn, X509* issuer, EVP_PKEY* issuer_key, long days,
              bool ca, const std::string& san) {
  Cert cert(X509_new());
  if (!cert) return nullptr;
  X509_set_version(cert.get(), 2);
  Result<std::string> serial = RandomBytes(16);
  if (!serial.ok()) return nullptr;
  (*serial)[0] = static_cast<char>((*serial)[0] & 0x7f);
  BIGNUM* bn = BN_bin2bn(reinterpret_cast<const unsigned char*>(serial->data()), 16, nullptr);
  BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(cert.get()));
  BN_free(bn);
  X509_gmtime_adj(X509_getm_notBefore(cert.get()), -3600);
  X509_gmtime_adj(X509_getm_notAfter(cert.get()), days * 24 * 3600);
  X509_set_pubkey(cert.get(), key);
  X509_NAME* name = X509_get_subject_name(cert.get());
  X509_NAME_add_entry_by_txt(name, "O", MBSTRING_UTF8, reinterpret_cast<const unsigned char*>("Linli"), -1, -1, 0);
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8, reinterpret_cast<const unsigned char*>(cn.c_str()), -1, -1, 0);
  X509* iss = issuer ? issuer : cert.get();
  X509_set_issuer_name(cert.get(), X509_get_subject_name(iss));
  bool ok = true;
  if (ca) {
    ok = ok && AddExt(cert.get(), iss, NID_basic_constraints, "critical,CA:TRUE,pathlen:0");
    ok = ok && AddExt(cert.get(), iss, NID_key_usage, "critical,keyCertSign,cRLSign");
    ok = ok && AddExt(cert.get(), iss, NID_subject_key_identifier, "hash");
  } else {
    ok = ok && AddExt(cert.get(), iss, NID_basic_constraints, "critical,CA:FALSE");
    ok = ok && AddExt(cert.get(), iss, NID_key_usage, "critical,digitalSignature,keyEncipherment");
    ok = ok && AddExt(cert.get(), iss, NID_ext_key_usage, "serverAuth");
    ok = ok && AddExt(cert.get(), iss, NID_subject_alt_name, san);
    ok = ok && AddExt(cert.get(), iss, NID_authority_key_identifier, "keyid:always");
  }
  if (!ok || X509_sign(cert.get(), issuer_key ? issuer_key : key, EVP_sha256()) <= 0) return nullptr;
  return cert;
}

bool WritePem(const std::string& path, bool secret, const std::function<bool(FILE*)>& write) {
  // A key file is 0600 from its first byte: no window in which others can read it.
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, secret ? 0600 : 0644);
  if (fd < 0) return false;
  if (secret) ::fchmod(fd, 0600);  // an older file that was 0644 too
  FILE* f = ::fdopen(fd, "wb");
  if (!f) {
    ::close(fd);
    return false;
  }
  const bool ok = write(f);
  return std::fclose(f) == 0 && ok;
}

bool IsIp(const std::string& h) {
  return h.find(':') != std::string::npos ||
         (!h.empty() && h.find_first_not_of("0123456789.") == std::string::npos);
}

}  // namespace

Result<CertPaths> InitCertificates(const std::string& dir, const std::vector<std::string>& hosts) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return Status::IoError("cannot create " + dir + ": " + ec.message());
  CertPaths p{dir + "/ca.pem", dir + "/ca.key", dir + "/server.pem", dir + "/server.key"};
  if (std::filesystem::exists(p.ca_cert)) {
    return Status::AlreadyExists(p.ca_cert + " already exists; stores may have pinned it, so it is not replaced");
  }
  Key ca_key(EVP_EC_gen("P-256"));
  Key srv_key(EVP_EC_gen("P-256"));
  if (!ca_key || !srv_key) return Status::IoError("OpenSSL could not generate EC keys");
  Cert ca = MakeCert(ca_key.get(), "Linli hub CA", nullptr, nullptr, 3650, true, "");
  if (!ca) return Status::IoError("OpenSSL could not make the CA certificate");
  std::string san = "IP:127.0.0.1,IP:::1,DNS:localhost";
  for (const std::string& h : hosts) san += (IsIp(h) ? ",IP:" : ",DNS:") + h;
  Cert srv = MakeCert(srv_key.get(), hosts.empty() ? "localhost" : hosts.front(), ca.get(), ca_key.get(), 730,
                      false, san);
  if (!srv) return Status::IoError("OpenSSL could not make the server certificate (bad --host?)");
  const bool ok =
      WritePem(p.ca_key, true, [&](FILE* f) { return PEM_write_PrivateKey(f, ca_key.get(), nullptr, nullptr, 0, nullptr, nullptr) == 1; }) &&
      WritePem(p.server_key, true, [&](FILE* f) { return PEM_write_PrivateKey(f, srv_key.get(), nullptr, nullptr, 0, nullptr, nullptr) == 1; }) &&
      WritePem(p.server_cert, false, [&](FILE* f) { return PEM_write_X509(f, srv.get()) == 1; }) &&
      WritePem(p.ca_cert, false, [&](FILE* f) { return PEM_write_X509(f, ca.get()) == 1; });
  if (!ok) return Status::IoError("could not write the certificate files in " + dir);
  return p;
}

}  // namespace linli::hub
