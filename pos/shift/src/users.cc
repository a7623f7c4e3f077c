#include "linli/pos/users.h"

#include <nlohmann/json.hpp>

#include "linli/pos/audit.h"
#include "linli/pos/crypto.h"

namespace linli {
namespace {

// OK for a PIN AddUser and SetUserPin accept; InvalidArgument otherwise.
Status CheckPin(std::string_view pin) {
  if (pin.size() < 4 || pin.size() > 8 || pin.find_first_not_of("0123456789") != std::string_view::npos) {
    return Status::InvalidArgument("PIN must be 4–8 digits");
  }
  return Status::Ok();
}

struct StoredUser {
  User user;
  bool active = false;
};

std::optional<StoredUser> FindUser(Database& db, const std::string& id) {
  Statement s = db.Prepare("SELECT name, role, active FROM users WHERE id = ?");
  s.Bind(1, id);
  if (!s.Step()) return std::nullopt;
  return StoredUser{{id, s.Text(0), ParseRole(s.Text(1)).value()}, s.Int(2) != 0};
}

// The stored user `id`, if `by` may manage them: managers and owners manage
// staff; a manager does not manage an owner.
Result<StoredUser> ManagedUser(Database& db, const User& by, const std::string& id, const char* what) {
  if (by.role < Role::kManager) {
    return Status::PermissionDenied(std::string("only a manager or owner may ") + what + "; user " + by.id +
                                    " is a cashier");
  }
  auto u = FindUser(db, id);
  if (!u) return Status::NotFound("there is no user with number " + id + "; `linli user list` shows them");
  if (u->user.role > by.role) {
    return Status::PermissionDenied("user " + id + " is an owner; only an owner may " + what + " for them");
  }
  return *u;
}

nlohmann::json StateJson(const StoredUser& u) {
  return {{"id", u.user.id}, {"name", u.user.name}, {"role", RoleName(u.user.role)}, {"active", u.active}};
}

}  // namespace

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
  LINLI_RETURN_IF_ERROR(CheckPin(pin));
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

Status SetUserActive(Database& db, const User& by, const std::string& id, bool active, const Clock& clock) {
  return Guard([&]() -> Status {
    Transaction tx(db);
    auto u = ManagedUser(db, by, id, active ? "enable a user" : "disable a user");
    if (!u.ok()) return u.status();
    if (!active && id == by.id) {
      return Status::FailedPrecondition("you cannot disable yourself (user " + id + "); ask another manager or owner");
    }
    if (!active && u->active && u->user.role == Role::kOwner) {
      Statement n = db.Prepare("SELECT COUNT(*) FROM users WHERE role = 'owner' AND active = 1");
      n.Step();
      if (n.Int(0) <= 1) {
        return Status::FailedPrecondition("user " + id + " is the last active owner and cannot be disabled; "
                                          "add another owner first");
      }
    }
    StoredUser after = *u;
    after.active = active;
    db.Prepare("UPDATE users SET active = ? WHERE id = ?").Bind(1, active ? 1 : 0).Bind(2, id).Run();
    RecordAudit(db, {active ? "user_enable" : "user_disable", by.id, "", std::nullopt, StateJson(*u).dump(),
                     StateJson(after).dump()},
                FormatUtc(clock.NowMs()));
    tx.Commit();
    return Status::Ok();
  });
}

Status SetUserPin(Database& db, const User& by, const std::string& id, std::string_view pin, const Clock& clock) {
  LINLI_RETURN_IF_ERROR(CheckPin(pin));
  auto hash = HashSecret(pin);
  if (!hash.ok()) return hash.status();
  return Guard([&]() -> Status {
    Transaction tx(db);
    auto u = ManagedUser(db, by, id, "set a PIN");
    if (!u.ok()) return u.status();
    db.Prepare("UPDATE users SET pin_hash = ? WHERE id = ?").Bind(1, *hash).Bind(2, id).Run();
    const std::string state = StateJson(*u).dump();
    RecordAudit(db, {"user_set_pin", by.id, "", std::nullopt, state, state}, FormatUtc(clock.NowMs()));
    tx.Commit();
    return Status::Ok();
  });
}

}  // namespace linli
