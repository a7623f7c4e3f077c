#include <doctest/doctest.h>

#include "linli/pos/crypto.h"
#include "linli/pos/store.h"
#include "linli/pos/users.h"
#include "testing.h"

using namespace linli;

TEST_CASE("users: PINs are salted slow hashes and authenticate") {
  linli::testing::TempDir dir;
  auto db = OpenStore(linli::testing::MakeStore(dir));
  SystemClock clock;
  REQUIRE(AddUser(**db, {"1001", "张三", Role::kCashier}, "1234", clock).ok());
  REQUIRE(AddUser(**db, {"1002", "李四", Role::kManager}, "1234", clock).ok());
  Statement s = (*db)->Prepare("SELECT pin_hash FROM users ORDER BY id");
  REQUIRE(s.Step());
  const std::string h1 = s.Text(0);
  REQUIRE(s.Step());
  const std::string h2 = s.Text(0);
  CHECK(h1.rfind("scrypt$", 0) == 0);
  CHECK(h1.find("1234") == std::string::npos);
  CHECK(h1 != h2);  // same PIN, different salt

  auto ok = Authenticate(**db, "1001", "1234");
  REQUIRE(ok.ok());
  CHECK(ok->name == "张三");
  CHECK(ok->role == Role::kCashier);
  CHECK(Authenticate(**db, "1001", "4321").status().code() == Status::Code::kPermissionDenied);
  CHECK(Authenticate(**db, "9999", "1234").status().IsNotFound());
}

TEST_CASE("users: bad input names the field") {
  linli::testing::TempDir dir;
  auto db = OpenStore(linli::testing::MakeStore(dir));
  SystemClock clock;
  CHECK(AddUser(**db, {"10a1", "张三", Role::kCashier}, "1234", clock).message().find("user id") != std::string::npos);
  CHECK(AddUser(**db, {"1001", "张三", Role::kCashier}, "12", clock).message().find("PIN") != std::string::npos);
  CHECK(AddUser(**db, {"1001", "张三", Role::kCashier}, "12ab", clock).message().find("PIN") != std::string::npos);
  CHECK(AddUser(**db, {"1001", "", Role::kCashier}, "1234", clock).message().find("name") != std::string::npos);
  CHECK(ParseRole("boss").status().message().find("boss") != std::string::npos);
  CHECK(*ParseRole("店长") == Role::kManager);
}

TEST_CASE("crypto: Ed25519 signs and verifies, tampering is detected") {
  auto kp = GenerateEd25519();
  REQUIRE(kp.ok());
  auto sig = Ed25519Sign(kp->private_key, "sale 1");
  REQUIRE(sig.ok());
  CHECK(Ed25519Verify(kp->public_key, "sale 1", *sig));
  CHECK_FALSE(Ed25519Verify(kp->public_key, "sale 2", *sig));
  CHECK(HexEncode(Sha256("abc")) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  CHECK(*HexDecode("00ff") == std::string("\x00\xff", 2));
  CHECK_FALSE(HexDecode("0g").ok());
}

TEST_CASE("crypto: an Ed25519Key parsed once signs and verifies like the free functions") {
  auto kp = GenerateEd25519();
  auto other = GenerateEd25519();
  REQUIRE(kp.ok());
  REQUIRE(other.ok());
  auto signer = Ed25519Key::Private(kp->private_key);
  auto verifier = Ed25519Key::Public(kp->public_key);
  REQUIRE(signer.ok());
  REQUIRE(verifier.ok());
  CHECK(signer->Is(kp->private_key));
  CHECK_FALSE(signer->Is(other->private_key));
  for (const char* msg : {"sale 1", "sale 2", ""}) {
    auto sig = signer->Sign(msg);
    REQUIRE(sig.ok());
    CHECK(sig->size() == 64);
    CHECK(*sig == *Ed25519Sign(kp->private_key, msg));  // Ed25519 is deterministic
    CHECK(verifier->Verify(msg, *sig));                 // the context is reused between calls
    CHECK_FALSE(verifier->Verify(std::string(msg) + "x", *sig));
    CHECK_FALSE(verifier->Verify(msg, sig->substr(0, 63)));
  }
  auto wrong = Ed25519Key::Public(other->public_key);
  REQUIRE(wrong.ok());
  CHECK_FALSE(wrong->Verify("sale 1", *signer->Sign("sale 1")));
  CHECK(verifier->Sign("sale 1").status().code() == Status::Code::kFailedPrecondition);
  CHECK(Ed25519Key::Public("short").status().IsInvalidArgument());
  CHECK(Ed25519Key::Private(std::string(31, 'k')).status().IsInvalidArgument());
}

namespace {

// A store with an owner (8001), a manager (9001) and a cashier (1001).
struct Staff {
  linli::testing::TempDir dir;
  std::unique_ptr<Database> db = std::move(OpenStore(linli::testing::MakeStore(dir))).value();
  FakeClock clock{UtcMsOf(2026, 11, 21, 2, 0, 0)};
  User owner{"8001", "王老板", Role::kOwner};
  User manager{"9001", "李店长", Role::kManager};
  User cashier{"1001", "张三", Role::kCashier};
  Staff() {
    for (const User* u : {&owner, &manager, &cashier}) REQUIRE(AddUser(*db, *u, "1234", clock).ok());
  }
  int64_t Audits(const std::string& action) {
    Statement s = db->Prepare("SELECT count(*) FROM audit_log WHERE action = ?");
    s.Bind(1, action);
    s.Step();
    return s.Int(0);
  }
};

}  // namespace

TEST_CASE("users: a disabled user cannot sign in until enabled again, each change audited") {
  Staff s;
  REQUIRE(SetUserActive(*s.db, s.manager, "1001", false, s.clock).ok());
  CHECK(Authenticate(*s.db, "1001", "1234").status().IsNotFound());
  auto users = ListUsers(*s.db);
  REQUIRE(users.ok());
  CHECK(users->size() == 2);
  CHECK(s.Audits("user_disable") == 1);
  Statement row = s.db->Prepare("SELECT user_id, before, after FROM audit_log WHERE action = 'user_disable'");
  REQUIRE(row.Step());
  CHECK(row.Text(0) == "9001");
  CHECK(row.Text(1).find("\"active\":true") != std::string::npos);
  CHECK(row.Text(2).find("\"active\":false") != std::string::npos);

  REQUIRE(SetUserActive(*s.db, s.owner, "1001", true, s.clock).ok());
  CHECK(Authenticate(*s.db, "1001", "1234").ok());
  CHECK(s.Audits("user_enable") == 1);
}

TEST_CASE("users: who may disable whom") {
  Staff s;
  CHECK(SetUserActive(*s.db, s.cashier, "9001", false, s.clock).code() == Status::Code::kPermissionDenied);
  CHECK(SetUserActive(*s.db, s.manager, "8001", false, s.clock).code() == Status::Code::kPermissionDenied);
  Status self = SetUserActive(*s.db, s.manager, "9001", false, s.clock);
  CHECK(self.code() == Status::Code::kFailedPrecondition);
  CHECK(self.message().find("yourself") != std::string::npos);
  CHECK(SetUserActive(*s.db, s.owner, "4242", false, s.clock).IsNotFound());
  // The last active owner stays, whoever asks (here an owner the store does not hold).
  Status last = SetUserActive(*s.db, User{"7777", "外人", Role::kOwner}, "8001", false, s.clock);
  CHECK(last.code() == Status::Code::kFailedPrecondition);
  CHECK(last.message().find("last active owner") != std::string::npos);
  REQUIRE(AddUser(*s.db, {"8002", "王二老板", Role::kOwner}, "5678", s.clock).ok());
  CHECK(SetUserActive(*s.db, s.owner, "8002", false, s.clock).ok());
  CHECK(Authenticate(*s.db, "8001", "1234").ok());
  CHECK(s.Audits("user_disable") == 1);
}

TEST_CASE("users: set-pin checks the PIN like add does and never logs it") {
  Staff s;
  CHECK(SetUserPin(*s.db, s.manager, "1001", "12a4", s.clock).message().find("PIN must be 4–8 digits") !=
        std::string::npos);
  CHECK(SetUserPin(*s.db, s.manager, "1001", "123", s.clock).IsInvalidArgument());
  CHECK(SetUserPin(*s.db, s.cashier, "1001", "5555", s.clock).code() == Status::Code::kPermissionDenied);
  CHECK(SetUserPin(*s.db, s.manager, "8001", "5555", s.clock).code() == Status::Code::kPermissionDenied);
  REQUIRE(SetUserPin(*s.db, s.manager, "1001", "55667788", s.clock).ok());
  CHECK(Authenticate(*s.db, "1001", "1234").status().code() == Status::Code::kPermissionDenied);
  CHECK(Authenticate(*s.db, "1001", "55667788").ok());
  CHECK(s.Audits("user_set_pin") == 1);
  Statement row = s.db->Prepare("SELECT COALESCE(before, '') || COALESCE(after, '') FROM audit_log");
  while (row.Step()) CHECK(row.Text(0).find("55667788") == std::string::npos);
}
