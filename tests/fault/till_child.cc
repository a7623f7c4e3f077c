// linli_till_child: the till that tests/fault/kill_test.cc kills.
//
//   linli_till_child DB SEED [WAL_AUTOCHECKPOINT_PAGES]
//
// The optional third argument (a test hook) sets PRAGMA wal_autocheckpoint so
// that checkpoints, and so kills inside them, come often.
// Opens the store, then sells random cash sales as fast as it can. Right
// after each Commit() returns OK it writes one line to stdout with write(2)
// (no stdio buffer, so a printed line is a sale the customer was told about):
//
//   sale RECEIPT_NO LINES TOTAL_FEN JOURNAL_SEQ
//
// It writes "ready" once the checkout is set up. Any failure goes to stderr
// and exits 1. It stops by itself after 20,000 sales or 30 s, whichever comes
// first, so a lost parent never leaves it running.
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>

#include "fault_store.h"

namespace {

void Say(const std::string& line) {
  std::string s = line + "\n";
  const char* p = s.data();
  size_t left = s.size();
  while (left > 0) {
    ssize_t n = ::write(STDOUT_FILENO, p, left);
    if (n <= 0) std::_Exit(2);
    p += n;
    left -= static_cast<size_t>(n);
  }
}

[[noreturn]] void Die(const std::string& what) {
  std::fprintf(stderr, "linli_till_child: %s\n", what.c_str());
  std::exit(1);
}

}  // namespace

int main(int argc, char** argv) {
  using namespace linli;
  if (argc != 3 && argc != 4) Die("usage: linli_till_child DB SEED [WAL_AUTOCHECKPOINT_PAGES]");
  std::mt19937_64 rng(std::strtoull(argv[2], nullptr, 10));
  auto db = OpenStore(argv[1]);
  if (!db.ok()) Die("open: " + db.status().ToString());
  if (argc == 4) {
    Status st = Guard([&] { (*db)->Exec(std::string("PRAGMA wal_autocheckpoint=") + argv[3]); });
    if (!st.ok()) Die("wal_autocheckpoint: " + st.ToString());
  }
  SystemClock clock;
  Checkout co(**db, clock, fault::kCashier, nullptr);
  if (Status st = co.Init(); !st.ok()) Die("init: " + st.ToString());
  Say("ready");
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  for (int i = 0; i < 20000 && std::chrono::steady_clock::now() < deadline; ++i) {
    if (std::string e = fault::FillRandomCart(co, rng); !e.empty()) Die(e);
    auto sale = co.Commit();
    if (!sale.ok()) Die("commit: " + sale.status().ToString());
    Say("sale " + sale->receipt_no + " " + std::to_string(sale->priced.lines.size()) + " " +
        std::to_string(sale->priced.total_fen) + " " + std::to_string(sale->journal_seq));
  }
  return 0;
}
