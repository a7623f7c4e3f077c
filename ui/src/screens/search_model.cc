// The search screen's model (screens/search_model.h).
#include "linli/ui/screens/search_model.h"

#include <algorithm>
#include <chrono>

#include "linli/ui/screens/checkout_model.h"
#include "linli/ui/screens/payment_model.h"
#include "model_helpers.h"

namespace linli::ui {

bool SearchModel::OnShow() {
  state_.query = checkout_.entry();
  checkout_.entry().clear();
  state_.last_query = "\x01";  // force a fresh search
  RunSearch();
  return true;
}

void SearchModel::RunSearch() {
  Catalog* catalog = session_.catalog();
  if (!catalog || state_.query == state_.last_query) return;
  state_.last_query = state_.query;
  state_.selected = 0;
  const std::string q = Trim(state_.query);
  if (q.empty()) {
    state_.hits.clear();
    return;
  }
  auto t0 = std::chrono::steady_clock::now();
  auto hits = catalog->Search(q, 50);
  state_.took_us =
      std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - t0).count();
  if (!hits.ok()) {
    state_.hits.clear();
    return session_.ReportError(hits.status());
  }
  state_.hits = std::move(*hits);
}

void SearchModel::PickSearchHit(int index) {
  session_.Touch();
  Checkout* co = session_.checkout();
  if (index < 0 || index >= static_cast<int>(state_.hits.size()) || !co) return;
  payment_.FinishIfDone();
  const Product p = state_.hits[static_cast<size_t>(index)].product;
  session_.SetScreen(Screen::kCheckout);
  if (p.unit == "kg") return checkout_.AskWeight(p.sku, p.name);
  auto r = co->AddSku(p.sku, 1000);
  if (!r.ok()) return session_.ReportError(r.status(), "ctx.scan");
  session_.AfterCartChange(*r);
}

bool SearchModel::MoveSelection(Key key) {
  const int n = static_cast<int>(state_.hits.size());
  int& sel = state_.selected;
  if (key == Key::kUp && sel > 0) --sel;
  if (key == Key::kDown && sel + 1 < n) ++sel;
  if (key == Key::kPageDown) sel = std::min(n - 1, sel + 10);
  if (key == Key::kPageUp) sel = std::max(0, sel - 10);
  return key == Key::kUp || key == Key::kDown || key == Key::kPageUp || key == Key::kPageDown;
}

}  // namespace linli::ui
