#include "linli/pos/users.h"

#include "linli/pos/crypto.h"

namespace linli {

Result<Role> ParseRole(std::string_view s) {
  if (s == "cashier" || s == "收银员") return Role::kCashier;
  if (s == "manager" || s == "店长") return Role::kManager;
  if (s == "owner" || s == "店主") return Role::kOwner;
  return Status::InvalidArgument("role \"" + std::string(s) + "\" is unknown; use cashier, manager or owner");
}

const char* RoleName(Role r) {
  switch (r) {
    case Role::kCashier: return "cashier";
    case Role::kManager: return "manager";
    case Role::kOwner: return "owner";
  }
  return "cashier";
}

Status AddUser(Database& db, const User& user, std::string_view pin, const Clock& clock) {
  if (user.id.empty() || user.id.size() > 16 ||
      user.id.find_first_not_of("0123456789") != std::string::npos) {
    return Status::InvalidArgument("user id \"" + user.id + "\" must be 1–16 digits, e.g. 1001");
  }
  if (user.name.empty()) return Status::InvalidArgument("user name is empty; give --name, e.g. 张三");
  if (pin.size() < 4 || pin.size() > 8 || pin.find_first_not_of("0123456789") != std::string_view::npos) {
    return Status::InvalidArgument("PIN must be 4–8 digits");
  }
  auto hash = HashSecret(pin);
  if (!hash.ok()) return hash.status();
  return Guard([&] {
    Transaction tx(db);
    db.Prepare("INSERT INTO users (id, name, role, pin_hash, active, created_at) VALUES (?, ?, ?, ?, 1, ?) "
               "ON CONFLICT(id) DO UPDATE SET name = excluded.name, role = excluded.role, "
               "pin_hash = excluded.pin_hash, active = 1")
        .Bind(1, user.id)
        .Bind(2, user.name)
        .Bind(3, RoleName(user.role))
        .Bind(4, *hash)
        .Bind(5, FormatUtc(clock.NowMs()))
        .Run();
    tx.Commit();
  });
}

Result<User> Authenticate(Database& db, const std::string& id, std::string_view pin) {
  User u;
  std::string hash;
  Status st = Guard([&]() -> Status {
    Statement s = db.Prepare("SELECT name, role, pin_hash FROM users WHERE id = ? AND active = 1");
    s.Bind(1, id);
    if (!s.Step()) return Status::NotFound("no active user with number " + id).WithKey("pos.user_not_found", {{"id", id}});
    u.id = id;
    u.name = s.Text(0);
    u.role = ParseRole(s.Text(1)).value();
    hash = s.Text(2);
    return Status::Ok();
  });
  if (!st.ok()) return st;
  if (!VerifySecret(pin, hash)) return Status::PermissionDenied("wrong PIN for user " + id).WithKey("pos.wrong_pin", {{"id", id}});
  return u;
}

Result<std::vector<User>> ListUsers(Database& db) {
  std::vector<User> out;
  Status st = Guard([&] {
    Statement s = db.Prepare("SELECT id, name, role FROM users WHERE active = 1 ORDER BY id");
    while (s.Step()) out.push_back({s.Text(0), s.Text(1), ParseRole(s.Text(2)).value()});
  });
  if (!st.ok()) return st;
  return out;
}

}  // namespace linli
