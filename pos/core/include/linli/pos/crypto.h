// The cryptography Linli needs, all through OpenSSL 3 and wrapped here only
// (no other file of pos includes an OpenSSL header): SHA-256, Ed25519 device
// keys, slow salted hashes for PINs and passwords, and random bytes (ids,
// salts, the sync protocol's nonces, the hub's certificate serials).
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "linli/pos/status.h"

namespace linli {

// Raw 32-byte digest.
std::string Sha256(std::string_view data);
// Lower-case hex, two digits a byte.
std::string HexEncode(std::string_view bytes);
// The bytes of a hex string (either case); InvalidArgument for an odd length
// or a character that is not a hex digit.
Result<std::string> HexDecode(std::string_view hex);

// `n` bytes from OpenSSL's CSPRNG. IoError when it has none to give (it does
// not fail on a seeded Linux system); callers never fall back to weaker bytes.
Result<std::string> RandomBytes(size_t n);

struct Ed25519KeyPair {
  std::string public_key;   // 32 raw bytes
  std::string private_key;  // 32 raw bytes (the seed)
};
// A new key pair; IoError when OpenSSL cannot make one.
Result<Ed25519KeyPair> GenerateEd25519();
// A 64-byte signature; InvalidArgument when `private_key` is not a 32-byte
// seed, IoError when OpenSSL fails.
Result<std::string> Ed25519Sign(std::string_view private_key, std::string_view message);
// False for a malformed key or signature as for a wrong one.
bool Ed25519Verify(std::string_view public_key, std::string_view message,
                   std::string_view signature);

// An Ed25519 key parsed once, to sign or verify many messages. The free
// functions above parse the raw key on every call; for a private key that
// means deriving the public key, which costs as much as a signature. One
// object is not for two threads at once (it keeps one OpenSSL context).
class Ed25519Key {
 public:
  // A 32-byte seed to sign with, or a 32-byte public key to verify with;
  // InvalidArgument for any other bytes.
  static Result<Ed25519Key> Private(std::string_view seed);
  static Result<Ed25519Key> Public(std::string_view public_key);
  Ed25519Key(Ed25519Key&&) noexcept;
  Ed25519Key& operator=(Ed25519Key&&) noexcept;
  ~Ed25519Key();

  // Whether this key was made from exactly these raw bytes.
  bool Is(std::string_view raw) const;
  // IoError when OpenSSL fails; FailedPrecondition for a public key.
  Result<std::string> Sign(std::string_view message);
  bool Verify(std::string_view message, std::string_view signature);

 private:
  struct Impl;
  explicit Ed25519Key(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// scrypt (r 8, p 1, a 32-byte hash) with a random 16-byte salt (RandomBytes;
// its IoError is returned). Encoded as "scrypt$N$r$p$salt_hex$hash_hex".
// log2_n 14 takes tens of milliseconds: slow enough to make guessing a 4-digit
// PIN from a stolen file costly, fast enough for a cashier's sign-in.
Result<std::string> HashSecret(std::string_view secret, int log2_n = 14);
// Whether `secret` hashes to `encoded` (compared in constant time); false
// for an encoding HashSecret did not make.
bool VerifySecret(std::string_view secret, std::string_view encoded);

// ---- [SECTION] WeChat Pay v2 signatures (issue 13) ---------------------------
// The digests the WeChat Pay merchant API v2 signs with (sync/payments'
// wechat_format.h builds the string to sign). Both return lower-case hex,
// two digits a byte, as HexEncode does; the API wants it upper-cased.

// MD5 of `data`: 32 hex digits. MD5 is broken for collisions; it is here only
// because WeChat Pay v2 still offers it (sign_type MD5). Prefer HMAC-SHA256.
std::string Md5Hex(std::string_view data);
// HMAC-SHA256 of `data` under `key` (RFC 2104): 64 hex digits.
std::string HmacSha256Hex(std::string_view key, std::string_view data);

}  // namespace linli

// ==== [SECTION] RSA-SHA256 (Alipay RSA2), issue 13 ==============================
// Alipay signs with SHA256withRSA ("RSA2"): PKCS#1 v1.5 padding over SHA-256.
// Alipay's key tool hands out keys as bare base64 without PEM headers, the
// private key as PKCS#8 (Java) or PKCS#1 (other languages), the public key as
// an X.509 SubjectPublicKeyInfo; both with and without headers are read here.

namespace linli {

// Standard base64 (RFC 4648, with '=' padding) of raw bytes, one line.
std::string Base64Encode(std::string_view bytes);
// The bytes of standard base64; whitespace (line breaks of a PEM body) is
// skipped. InvalidArgument for any other character or a bad length.
Result<std::string> Base64Decode(std::string_view text);

// An RSA key parsed once, to sign (private) or verify (public). Thread-safe:
// every call makes its own OpenSSL context.
class RsaKey {
 public:
  // A private key: PEM ("BEGIN PRIVATE KEY" PKCS#8 or "BEGIN RSA PRIVATE
  // KEY" PKCS#1) or the same DER as bare base64. InvalidArgument (without
  // any of the key's text) when it is none of these or not RSA.
  static Result<RsaKey> Private(std::string_view pem_or_base64);
  // A public key: PEM ("BEGIN PUBLIC KEY" or "BEGIN RSA PUBLIC KEY") or bare
  // base64 of the X.509 SubjectPublicKeyInfo or PKCS#1 DER.
  static Result<RsaKey> Public(std::string_view pem_or_base64);
  RsaKey(RsaKey&&) noexcept;
  RsaKey& operator=(RsaKey&&) noexcept;
  ~RsaKey();

  bool is_private() const;
  int bits() const;
  // The raw SHA256withRSA (PKCS#1 v1.5) signature of `message`.
  // FailedPrecondition for a public key; IoError when OpenSSL fails.
  Result<std::string> SignSha256(std::string_view message) const;
  // Whether `signature` (raw bytes) is a valid SHA256withRSA signature of
  // `message` under this key (a private key verifies with its public half).
  // False for a malformed signature as for a wrong one.
  bool VerifySha256(std::string_view message, std::string_view signature) const;
  // The public half as PEM "BEGIN PUBLIC KEY" (X.509 SubjectPublicKeyInfo).
  Result<std::string> PublicPem() const;

 private:
  struct Impl;
  explicit RsaKey(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

struct RsaKeyPairPem {
  std::string private_pkcs8;  // "-----BEGIN PRIVATE KEY-----" …
  std::string private_pkcs1;  // "-----BEGIN RSA PRIVATE KEY-----" …, the same key
  std::string public_spki;    // "-----BEGIN PUBLIC KEY-----" …
};
// A new RSA key pair (2048 bits is what Alipay requires for RSA2). For tests
// and for a shop that makes its app key here; IoError when OpenSSL fails.
Result<RsaKeyPairPem> GenerateRsa(int bits = 2048);

// The body of a PEM block as one base64 line, as Alipay's key tool shows a
// key (headers and line breaks removed); the input unchanged when it has no
// PEM header.
std::string PemBodyBase64(std::string_view pem);

}  // namespace linli
// ==== [END SECTION] RSA-SHA256 ==================================================
