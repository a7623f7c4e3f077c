// The cryptography pos needs, all through OpenSSL 3 and wrapped here only:
// SHA-256, Ed25519 device keys, and slow salted hashes for PINs and passwords.
#pragma once

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

// scrypt with a random 16-byte salt. Encoded as "scrypt$N$r$p$salt_hex$hash_hex".
// log2_n 14 takes tens of milliseconds: slow enough to make guessing a 4-digit
// PIN from a stolen file costly, fast enough for a cashier's sign-in.
Result<std::string> HashSecret(std::string_view secret, int log2_n = 14);
bool VerifySecret(std::string_view secret, std::string_view encoded);

}  // namespace linli
