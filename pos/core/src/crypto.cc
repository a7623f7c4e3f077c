#include "linli/pos/crypto.h"

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/kdf.h>
#include <openssl/rand.h>
#include <openssl/sha.h>

#include <cstdio>
#include <limits>
#include <memory>
#include <vector>

namespace linli {
namespace {

struct PkeyFree {
  void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); }
};
struct CtxFree {
  void operator()(EVP_PKEY_CTX* p) const { EVP_PKEY_CTX_free(p); }
};
struct MdCtxFree {
  void operator()(EVP_MD_CTX* p) const { EVP_MD_CTX_free(p); }
};

const unsigned char* U(std::string_view s) {
  return reinterpret_cast<const unsigned char*>(s.data());
}

// Constant-time comparison so hash checks do not leak by timing.
bool SameBytes(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  unsigned char diff = 0;
  for (size_t i = 0; i < a.size(); ++i) diff |= static_cast<unsigned char>(a[i] ^ b[i]);
  return diff == 0;
}

Result<std::string> Scrypt(std::string_view secret, std::string_view salt, uint64_t n, uint64_t r,
                           uint64_t p) {
  std::string out(32, '\0');
  if (EVP_PBE_scrypt(secret.data(), secret.size(), U(salt), salt.size(), n, r, p,
                     64ull * 1024 * 1024, reinterpret_cast<unsigned char*>(out.data()),
                     out.size()) != 1) {
    return Status::InvalidArgument("scrypt parameters refused by OpenSSL");
  }
  return out;
}

}  // namespace

std::string Sha256(std::string_view data) {
  std::string out(SHA256_DIGEST_LENGTH, '\0');
  SHA256(U(data), data.size(), reinterpret_cast<unsigned char*>(out.data()));
  return out;
}

std::string HexEncode(std::string_view bytes) {
  static const char* kHex = "0123456789abcdef";
  std::string s;
  s.reserve(bytes.size() * 2);
  for (unsigned char c : bytes) {
    s += kHex[c >> 4];
    s += kHex[c & 15];
  }
  return s;
}

Result<std::string> HexDecode(std::string_view hex) {
  if (hex.size() % 2) return Status::InvalidArgument("hex string has odd length");
  auto val = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  std::string out;
  out.reserve(hex.size() / 2);
  for (size_t i = 0; i < hex.size(); i += 2) {
    int hi = val(hex[i]), lo = val(hex[i + 1]);
    if (hi < 0 || lo < 0) return Status::InvalidArgument("not a hex string");
    out += static_cast<char>(hi * 16 + lo);
  }
  return out;
}

Result<Ed25519KeyPair> GenerateEd25519() {
  std::unique_ptr<EVP_PKEY_CTX, CtxFree> ctx(EVP_PKEY_CTX_new_id(EVP_PKEY_ED25519, nullptr));
  EVP_PKEY* raw = nullptr;
  if (!ctx || EVP_PKEY_keygen_init(ctx.get()) != 1 || EVP_PKEY_keygen(ctx.get(), &raw) != 1) {
    return Status::IoError("could not generate an Ed25519 key (OpenSSL)");
  }
  std::unique_ptr<EVP_PKEY, PkeyFree> key(raw);
  Ed25519KeyPair kp;
  size_t len = 32;
  kp.public_key.resize(32);
  kp.private_key.resize(32);
  if (EVP_PKEY_get_raw_public_key(key.get(), reinterpret_cast<unsigned char*>(kp.public_key.data()), &len) != 1 ||
      EVP_PKEY_get_raw_private_key(key.get(), reinterpret_cast<unsigned char*>(kp.private_key.data()), &len) != 1) {
    return Status::IoError("could not export the Ed25519 key (OpenSSL)");
  }
  return kp;
}

struct Ed25519Key::Impl {
  std::string raw;
  bool is_private = false;
  std::unique_ptr<EVP_PKEY, PkeyFree> key;
  std::unique_ptr<EVP_MD_CTX, MdCtxFree> md{EVP_MD_CTX_new()};
};

Ed25519Key::Ed25519Key(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Ed25519Key::Ed25519Key(Ed25519Key&&) noexcept = default;
Ed25519Key& Ed25519Key::operator=(Ed25519Key&&) noexcept = default;
Ed25519Key::~Ed25519Key() = default;

Result<Ed25519Key> Ed25519Key::Private(std::string_view seed) {
  auto impl = std::make_unique<Impl>();
  impl->raw = seed;
  impl->is_private = true;
  if (seed.size() == 32) {
    impl->key.reset(EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, nullptr, U(seed), seed.size()));
  }
  if (!impl->key || !impl->md) return Status::InvalidArgument("not a valid Ed25519 private key (32-byte seed)");
  return Ed25519Key(std::move(impl));
}

Result<Ed25519Key> Ed25519Key::Public(std::string_view public_key) {
  auto impl = std::make_unique<Impl>();
  impl->raw = public_key;
  if (public_key.size() == 32) {
    impl->key.reset(EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, nullptr, U(public_key), public_key.size()));
  }
  if (!impl->key || !impl->md) return Status::InvalidArgument("not a valid Ed25519 public key (32 bytes)");
  return Ed25519Key(std::move(impl));
}

bool Ed25519Key::Is(std::string_view raw) const { return impl_ && impl_->raw == raw; }

Result<std::string> Ed25519Key::Sign(std::string_view message) {
  if (!impl_ || !impl_->is_private) return Status::FailedPrecondition("an Ed25519 public key cannot sign");
  std::string sig(64, '\0');
  size_t len = sig.size();
  if (EVP_DigestSignInit(impl_->md.get(), nullptr, nullptr, nullptr, impl_->key.get()) != 1 ||
      EVP_DigestSign(impl_->md.get(), reinterpret_cast<unsigned char*>(sig.data()), &len, U(message),
                     message.size()) != 1 ||
      len != sig.size()) {
    return Status::IoError("Ed25519 signing failed (OpenSSL)");
  }
  return sig;
}

bool Ed25519Key::Verify(std::string_view message, std::string_view signature) {
  return impl_ && signature.size() == 64 &&
         EVP_DigestVerifyInit(impl_->md.get(), nullptr, nullptr, nullptr, impl_->key.get()) == 1 &&
         EVP_DigestVerify(impl_->md.get(), U(signature), signature.size(), U(message), message.size()) == 1;
}

Result<std::string> Ed25519Sign(std::string_view private_key, std::string_view message) {
  auto key = Ed25519Key::Private(private_key);
  if (!key.ok()) return Status::InvalidArgument("device private key is not a valid Ed25519 key");
  return key->Sign(message);
}

bool Ed25519Verify(std::string_view public_key, std::string_view message, std::string_view signature) {
  auto key = Ed25519Key::Public(public_key);
  return key.ok() && key->Verify(message, signature);
}

Result<std::string> RandomBytes(size_t n) {
  std::string out(n, '\0');
  if (n > static_cast<size_t>(std::numeric_limits<int>::max()) ||
      RAND_bytes(reinterpret_cast<unsigned char*>(out.data()), static_cast<int>(n)) != 1) {
    return Status::IoError("the system has no randomness to give (OpenSSL RAND_bytes failed); "
                           "check that /dev/urandom is readable, then try again");
  }
  return out;
}

Result<std::string> HashSecret(std::string_view secret, int log2_n) {
  Result<std::string> salt = RandomBytes(16);
  if (!salt.ok()) return salt.status();
  const uint64_t n = 1ull << log2_n;
  auto h = Scrypt(secret, *salt, n, 8, 1);
  if (!h.ok()) return h.status();
  return "scrypt$" + std::to_string(n) + "$8$1$" + HexEncode(*salt) + "$" + HexEncode(*h);
}

bool VerifySecret(std::string_view secret, std::string_view encoded) {
  std::vector<std::string> parts;
  std::string cur;
  for (char c : encoded) {
    if (c == '$') {
      parts.push_back(cur);
      cur.clear();
    } else {
      cur += c;
    }
  }
  parts.push_back(cur);
  if (parts.size() != 6 || parts[0] != "scrypt") return false;
  uint64_t n = 0, r = 0, p = 0;
  try {
    n = std::stoull(parts[1]);
    r = std::stoull(parts[2]);
    p = std::stoull(parts[3]);
  } catch (...) {
    return false;
  }
  auto salt = HexDecode(parts[4]);
  auto want = HexDecode(parts[5]);
  if (!salt.ok() || !want.ok()) return false;
  auto got = Scrypt(secret, *salt, n, r, p);
  return got.ok() && SameBytes(*got, *want);
}

// ---- [SECTION] WeChat Pay v2 signatures (issue 13) ---------------------------

std::string Md5Hex(std::string_view data) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  // EVP_Digest: MD5() is deprecated in OpenSSL 3. It fails only without memory.
  if (EVP_Digest(data.data(), data.size(), out, &len, EVP_md5(), nullptr) != 1) return std::string();
  return HexEncode(std::string_view(reinterpret_cast<const char*>(out), len));
}

std::string HmacSha256Hex(std::string_view key, std::string_view data) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()), U(data), data.size(), out, &len) == nullptr) {
    return std::string();
  }
  return HexEncode(std::string_view(reinterpret_cast<const char*>(out), len));
}

}  // namespace linli

// ==== [SECTION] RSA-SHA256 (Alipay RSA2), issue 13 ==============================
// Every key, PEM or bare base64, is reduced to DER first and parsed from DER,
// so the two spellings Alipay's key tool produces take the same path.

namespace linli {
namespace {

struct BioFree {
  void operator()(BIO* b) const { BIO_free(b); }
};

bool IsBase64Char(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' || c == '/';
}

// The DER of a key given as PEM or bare base64, and whether it had a header
// saying which form it is ("RSA PRIVATE KEY", "PUBLIC KEY", …).
Result<std::string> KeyDer(std::string_view text, std::string* label) {
  const size_t begin = text.find("-----BEGIN ");
  if (begin != std::string_view::npos) {
    const size_t label_end = text.find("-----", begin + 11);
    if (label_end == std::string_view::npos) return Status::InvalidArgument("the PEM header is not closed");
    *label = std::string(text.substr(begin + 11, label_end - begin - 11));
  }
  Result<std::string> der = Base64Decode(PemBodyBase64(text));
  if (!der.ok() || der->empty()) return Status::InvalidArgument("the key is neither PEM nor base64");
  return der;
}

Result<std::string> BioText(BIO* bio) {
  char* data = nullptr;
  const long n = BIO_get_mem_data(bio, &data);
  if (n <= 0 || data == nullptr) return Status::IoError("could not write the RSA key (OpenSSL)");
  return std::string(data, static_cast<size_t>(n));
}

}  // namespace

std::string Base64Encode(std::string_view bytes) {
  std::string out(4 * ((bytes.size() + 2) / 3) + 1, '\0');
  const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()), U(bytes), static_cast<int>(bytes.size()));
  out.resize(n > 0 ? static_cast<size_t>(n) : 0);
  return out;
}

Result<std::string> Base64Decode(std::string_view text) {
  std::string clean;
  clean.reserve(text.size());
  for (char c : text) {
    if (c == ' ' || c == '\n' || c == '\r' || c == '\t') continue;
    clean += c;
  }
  size_t pad = 0;
  while (pad < 2 && pad < clean.size() && clean[clean.size() - 1 - pad] == '=') ++pad;
  if (clean.size() % 4 != 0) return Status::InvalidArgument("base64 text has a length that is not a multiple of 4");
  for (size_t i = 0; i + pad < clean.size(); ++i) {
    if (!IsBase64Char(clean[i])) return Status::InvalidArgument("not base64 text");
  }
  if (clean.empty()) return std::string();
  std::string out(clean.size() / 4 * 3, '\0');
  const int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()), U(clean), static_cast<int>(clean.size()));
  if (n < 0 || static_cast<size_t>(n) < pad) return Status::InvalidArgument("not base64 text");
  out.resize(static_cast<size_t>(n) - pad);
  return out;
}

std::string PemBodyBase64(std::string_view pem) {
  const size_t begin = pem.find("-----BEGIN ");
  std::string_view body = pem;
  if (begin != std::string_view::npos) {
    const size_t line_end = pem.find('\n', begin);
    const size_t end = pem.find("-----END ", begin);
    if (line_end == std::string_view::npos || end == std::string_view::npos || end < line_end) return "";
    body = pem.substr(line_end + 1, end - line_end - 1);
  }
  std::string out;
  for (char c : body) {
    if (c != ' ' && c != '\n' && c != '\r' && c != '\t') out += c;
  }
  return out;
}

struct RsaKey::Impl {
  std::unique_ptr<EVP_PKEY, PkeyFree> key;
  bool is_private = false;
};

RsaKey::RsaKey(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
RsaKey::RsaKey(RsaKey&&) noexcept = default;
RsaKey& RsaKey::operator=(RsaKey&&) noexcept = default;
RsaKey::~RsaKey() = default;

Result<RsaKey> RsaKey::Private(std::string_view pem_or_base64) {
  std::string label;
  Result<std::string> der = KeyDer(pem_or_base64, &label);
  if (!der.ok()) return Status::InvalidArgument("not an RSA private key: " + der.status().message());
  if (!label.empty() && label != "PRIVATE KEY" && label != "RSA PRIVATE KEY") {
    return Status::InvalidArgument("not an unencrypted RSA private key (the PEM says \"" + label + "\")");
  }
  const unsigned char* p = U(*der);
  auto impl = std::make_unique<Impl>();
  impl->key.reset(d2i_AutoPrivateKey(nullptr, &p, static_cast<long>(der->size())));
  if (!impl->key || EVP_PKEY_is_a(impl->key.get(), "RSA") != 1) {
    return Status::InvalidArgument("not an RSA private key (PKCS#8 or PKCS#1 expected)");
  }
  impl->is_private = true;
  return RsaKey(std::move(impl));
}

Result<RsaKey> RsaKey::Public(std::string_view pem_or_base64) {
  std::string label;
  Result<std::string> der = KeyDer(pem_or_base64, &label);
  if (!der.ok()) return Status::InvalidArgument("not an RSA public key: " + der.status().message());
  if (!label.empty() && label != "PUBLIC KEY" && label != "RSA PUBLIC KEY") {
    return Status::InvalidArgument("not an RSA public key (the PEM says \"" + label + "\")");
  }
  auto impl = std::make_unique<Impl>();
  const unsigned char* p = U(*der);
  impl->key.reset(d2i_PUBKEY(nullptr, &p, static_cast<long>(der->size())));
  if (!impl->key) {
    p = U(*der);
    impl->key.reset(d2i_PublicKey(EVP_PKEY_RSA, nullptr, &p, static_cast<long>(der->size())));
  }
  if (!impl->key || EVP_PKEY_is_a(impl->key.get(), "RSA") != 1) {
    return Status::InvalidArgument("not an RSA public key (X.509 SubjectPublicKeyInfo or PKCS#1 expected)");
  }
  return RsaKey(std::move(impl));
}

bool RsaKey::is_private() const { return impl_ && impl_->is_private; }
int RsaKey::bits() const { return impl_ ? EVP_PKEY_get_bits(impl_->key.get()) : 0; }

Result<std::string> RsaKey::SignSha256(std::string_view message) const {
  if (!is_private()) return Status::FailedPrecondition("an RSA public key cannot sign");
  std::unique_ptr<EVP_MD_CTX, MdCtxFree> md(EVP_MD_CTX_new());
  size_t len = 0;
  if (!md || EVP_DigestSignInit(md.get(), nullptr, EVP_sha256(), nullptr, impl_->key.get()) != 1 ||
      EVP_DigestSign(md.get(), nullptr, &len, U(message), message.size()) != 1) {
    return Status::IoError("RSA signing failed (OpenSSL)");
  }
  std::string sig(len, '\0');
  if (EVP_DigestSign(md.get(), reinterpret_cast<unsigned char*>(sig.data()), &len, U(message), message.size()) != 1) {
    return Status::IoError("RSA signing failed (OpenSSL)");
  }
  sig.resize(len);
  return sig;
}

bool RsaKey::VerifySha256(std::string_view message, std::string_view signature) const {
  if (!impl_ || signature.empty()) return false;
  std::unique_ptr<EVP_MD_CTX, MdCtxFree> md(EVP_MD_CTX_new());
  return md && EVP_DigestVerifyInit(md.get(), nullptr, EVP_sha256(), nullptr, impl_->key.get()) == 1 &&
         EVP_DigestVerify(md.get(), U(signature), signature.size(), U(message), message.size()) == 1;
}

Result<std::string> RsaKey::PublicPem() const {
  std::unique_ptr<BIO, BioFree> bio(BIO_new(BIO_s_mem()));
  if (!impl_ || !bio || PEM_write_bio_PUBKEY(bio.get(), impl_->key.get()) != 1) {
    return Status::IoError("could not write the RSA public key (OpenSSL)");
  }
  return BioText(bio.get());
}

Result<RsaKeyPairPem> GenerateRsa(int bits) {
  std::unique_ptr<EVP_PKEY, PkeyFree> key(EVP_RSA_gen(static_cast<unsigned>(bits)));
  if (!key) return Status::IoError("could not generate an RSA key (OpenSSL)");
  RsaKeyPairPem out;
  std::unique_ptr<BIO, BioFree> p8(BIO_new(BIO_s_mem()));
  std::unique_ptr<BIO, BioFree> p1(BIO_new(BIO_s_mem()));
  std::unique_ptr<BIO, BioFree> pub(BIO_new(BIO_s_mem()));
  if (!p8 || !p1 || !pub ||
      PEM_write_bio_PrivateKey(p8.get(), key.get(), nullptr, nullptr, 0, nullptr, nullptr) != 1 ||
      PEM_write_bio_PrivateKey_traditional(p1.get(), key.get(), nullptr, nullptr, 0, nullptr, nullptr) != 1 ||
      PEM_write_bio_PUBKEY(pub.get(), key.get()) != 1) {
    return Status::IoError("could not write the RSA key (OpenSSL)");
  }
  auto a = BioText(p8.get()), b = BioText(p1.get()), c = BioText(pub.get());
  if (!a.ok()) return a.status();
  if (!b.ok()) return b.status();
  if (!c.ok()) return c.status();
  out.private_pkcs8 = *a;
  out.private_pkcs1 = *b;
  out.public_spki = *c;
  return out;
}

}  // namespace linli
// ==== [END SECTION] RSA-SHA256 ==================================================
