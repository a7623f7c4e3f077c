// The cryptography pos needs, all through OpenSSL 3 and wrapped here only:
// SHA-256, Ed25519 device keys, and slow salted hashes for PINs and passwords.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "linli/pos/status.h"

namespace linli {

// Raw 32-byte digest.
std::string Sha256(std::string_view data);
std::string HexEncode(std::string_view bytes);
// Empty optional-like: returns InvalidArgument for odd length or non-hex.
Result<std::string> HexDecode(std::string_view hex);

struct Ed25519KeyPair {
  std::string public_key;   // 32 raw bytes
  std::string private_key;  // 32 raw bytes (the seed)
};
Result<Ed25519KeyPair> GenerateEd25519();
Result<std::string> Ed25519Sign(std::string_view private_key, std::string_view message);
bool Ed25519Verify(std::string_view public_key, std::string_view message,
                   std::string_view signature);

// An Ed25519 key parsed once, to sign or verify many messages. The free
// functions above parse the raw key on every call; for a private key that
// means deriving the public key, which costs as much as a signature. One
// object is not for two threads at once (it keeps one OpenSSL context).
class Ed25519Key {
 public:
  // A 32-byte seed to sign with, or a 32-byte public key to verify with.
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

// scrypt with a random 16-byte salt. Encoded as "scrypt$N$r$p$salt_hex$hash_hex".
// log2_n 14 takes tens of milliseconds: slow enough to make guessing a 4-digit
// PIN from a stolen file costly, fast enough for a cashier's sign-in.
Result<std::string> HashSecret(std::string_view secret, int log2_n = 14);
bool VerifySecret(std::string_view secret, std::string_view encoded);

}  // namespace linli
