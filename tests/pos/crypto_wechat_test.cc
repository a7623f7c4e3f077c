// The digests WeChat Pay v2 signs with (crypto.h, [SECTION] WeChat Pay v2),
// against published test vectors: RFC 1321 for MD5, RFC 4231 for HMAC-SHA256.
#include <doctest/doctest.h>

#include <string>

#include "linli/pos/crypto.h"

using namespace linli;

TEST_CASE("crypto_wechat: Md5Hex gives the RFC 1321 test-suite digests") {
  CHECK(Md5Hex("") == "d41d8cd98f00b204e9800998ecf8427e");
  CHECK(Md5Hex("a") == "0cc175b9c0f1b6a831c399e269772661");
  CHECK(Md5Hex("abc") == "900150983cd24fb0d6963f7d28e17f72");
  CHECK(Md5Hex("message digest") == "f96b697d7cb7938d525a2f31aaf161d0");
  CHECK(Md5Hex("12345678901234567890123456789012345678901234567890123456789012345678901234567890") ==
        "57edf4a22be3c955ac49da2e2107b67a");
}

TEST_CASE("crypto_wechat: Md5Hex digests bytes, not C strings (an embedded NUL counts)") {
  const std::string with_nul("a\0b", 3);
  CHECK(Md5Hex(with_nul) != Md5Hex("a"));
  CHECK(Md5Hex(with_nul).size() == 32);
}

TEST_CASE("crypto_wechat: HmacSha256Hex gives the RFC 4231 test-case digests") {
  // Test case 1: a 20-byte key of 0x0b.
  CHECK(HmacSha256Hex(std::string(20, '\x0b'), "Hi There") ==
        "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
  // Test case 2: a key shorter than the block.
  CHECK(HmacSha256Hex("Jefe", "what do ya want for nothing?") ==
        "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
  // Test case 6: a key longer than the block (131 bytes of 0xaa) is hashed first.
  CHECK(HmacSha256Hex(std::string(131, '\xaa'), "Test Using Larger Than Block-Size Key - Hash Key First") ==
        "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
}

TEST_CASE("crypto_wechat: HmacSha256Hex depends on the key and on every byte of the data") {
  CHECK(HmacSha256Hex("key", "data") != HmacSha256Hex("kez", "data"));
  CHECK(HmacSha256Hex("key", "data") != HmacSha256Hex("key", "datb"));
  CHECK(HmacSha256Hex("", "") == "b613679a0814d9ec772f95d778c35fc5ff1697c493715653c6c712144292c5ad");
}
