// RSA-SHA256 ("RSA2", what Alipay signs with) and base64 in pos/core crypto.
#include <doctest/doctest.h>

#include <cstdio>
#include <string>

#include "linli/pos/crypto.h"
#include "testing.h"

using namespace linli;

namespace {

// One key pair for the whole file: 2048-bit generation takes a moment.
const RsaKeyPairPem& Pair() {
  static const RsaKeyPairPem pair = GenerateRsa(2048).value();
  return pair;
}

}  // namespace

TEST_CASE("crypto: base64 round-trips every length and refuses what is not base64") {
  std::string bytes;
  for (int i = 0; i < 40; ++i) {
    const std::string enc = Base64Encode(bytes);
    CHECK(enc.size() % 4 == 0);
    auto dec = Base64Decode(enc);
    REQUIRE(dec.ok());
    CHECK(*dec == bytes);
    bytes += static_cast<char>(i * 37 + 200);
  }
  CHECK(Base64Encode("foobar") == "Zm9vYmFy");
  CHECK(Base64Encode("fo") == "Zm8=");
  CHECK(Base64Decode("Zm9v\nYmFy").value() == "foobar");  // line breaks of a PEM body
  CHECK_FALSE(Base64Decode("Zm9").ok());
  CHECK_FALSE(Base64Decode("Zm!v").ok());
}

TEST_CASE("crypto: an RSA key signs and its public half verifies; a change to message or signature fails") {
  auto priv = RsaKey::Private(Pair().private_pkcs8);
  auto pub = RsaKey::Public(Pair().public_spki);
  REQUIRE(priv.ok());
  REQUIRE(pub.ok());
  CHECK(priv->is_private());
  CHECK_FALSE(pub->is_private());
  CHECK(pub->bits() == 2048);
  auto sig = priv->SignSha256("app_id=2021&method=alipay.trade.pay");
  REQUIRE(sig.ok());
  CHECK(sig->size() == 256);
  CHECK(pub->VerifySha256("app_id=2021&method=alipay.trade.pay", *sig));
  CHECK_FALSE(pub->VerifySha256("app_id=2022&method=alipay.trade.pay", *sig));
  std::string bad = *sig;
  bad[10] = static_cast<char>(bad[10] ^ 1);
  CHECK_FALSE(pub->VerifySha256("app_id=2021&method=alipay.trade.pay", bad));
  CHECK_FALSE(pub->VerifySha256("app_id=2021&method=alipay.trade.pay", ""));
  CHECK_FALSE(pub->SignSha256("x").ok());
  // Another key's public half does not verify it.
  auto other = GenerateRsa(2048);
  REQUIRE(other.ok());
  CHECK_FALSE(RsaKey::Public(other->public_spki)->VerifySha256("app_id=2021&method=alipay.trade.pay", *sig));
}

TEST_CASE("crypto: PKCS#8 and PKCS#1 private keys, with or without PEM headers, are the same key") {
  const std::string msg = "biz_content={\"out_trade_no\":\"1\"}&charset=utf-8";
  auto pub = RsaKey::Public(PemBodyBase64(Pair().public_spki));  // bare base64, as Alipay shows it
  REQUIRE(pub.ok());
  for (const std::string& text : {Pair().private_pkcs8, Pair().private_pkcs1, PemBodyBase64(Pair().private_pkcs8),
                                  PemBodyBase64(Pair().private_pkcs1)}) {
    auto key = RsaKey::Private(text);
    REQUIRE_MESSAGE(key.ok(), key.status().message());
    auto sig = key->SignSha256(msg);
    REQUIRE(sig.ok());
    CHECK(pub->VerifySha256(msg, *sig));
  }
  // PKCS#1 v1.5 is deterministic: both forms give the same bytes.
  CHECK(RsaKey::Private(Pair().private_pkcs8)->SignSha256(msg).value() ==
        RsaKey::Private(Pair().private_pkcs1)->SignSha256(msg).value());
  CHECK(RsaKey::Private(Pair().private_pkcs8)->PublicPem().value() == Pair().public_spki);
}

TEST_CASE("crypto: what is not an RSA key is refused without echoing it") {
  for (const std::string& text : {std::string(""), std::string("not a key"), std::string("QUJDRA=="),
                                  Pair().public_spki}) {
    auto key = RsaKey::Private(text);
    REQUIRE_FALSE(key.ok());
    CHECK(key.status().IsInvalidArgument());
  }
  auto wrong = RsaKey::Private(Pair().private_pkcs8);
  CHECK_FALSE(RsaKey::Public(Pair().private_pkcs8).ok());
  CHECK_FALSE(RsaKey::Public("").ok());
  // The message never carries the key's text.
  auto st = RsaKey::Private("-----BEGIN ENCRYPTED PRIVATE KEY-----\nMIIB\n-----END ENCRYPTED PRIVATE KEY-----\n");
  REQUIRE_FALSE(st.ok());
  CHECK(st.status().message().find("MIIB") == std::string::npos);
  CHECK(wrong.ok());
}

TEST_CASE("crypto: the signature is the one openssl dgst -sha256 -sign makes (SHA256withRSA, PKCS#1 v1.5)") {
  if (linli::testing::ShellOutput("command -v openssl").empty()) {
    MESSAGE("openssl command not found: cross-check skipped");
    return;
  }
  linli::testing::TempDir dir;
  linli::testing::WriteFile(dir.File("key.pem"), Pair().private_pkcs1);
  linli::testing::WriteFile(dir.File("msg"), "a=1&b=2&sign_type=RSA2");
  const std::string theirs =
      linli::testing::ShellOutput("openssl dgst -sha256 -sign '" + dir.File("key.pem") + "' '" + dir.File("msg") + "' | openssl base64 -A");
  auto ours = RsaKey::Private(Pair().private_pkcs8)->SignSha256("a=1&b=2&sign_type=RSA2");
  REQUIRE(ours.ok());
  CHECK(Base64Encode(*ours) == theirs);
}
