#include "linli/pos/crypto.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>
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
