// The quick keys screen's model (screens/quickkeys_model.h).
#include "linli/ui/screens/quickkeys_model.h"

#include <algorithm>

#include "linli/pos/money.h"
#include "linli/ui/format.h"
#include "linli/ui/screens/checkout_model.h"
#include "model_helpers.h"

namespace linli::ui {

bool QuickKeysModel::OnShow() {
  if (session_.screen() == Screen::kQuickKeys) return true;
  const std::vector<QuickKey>& keys = session_.settings().quick_keys;
  if (keys.empty()) {
    session_.Notify(Notice::Level::kInfo, Tr("quick.none"));
    return false;
  }
  categories_.clear();
  for (const QuickKey& k : keys) {
    if (std::find(categories_.begin(), categories_.end(), k.category) == categories_.end()) {
      categories_.push_back(k.category);
    }
  }
  category_ = std::min<int>(category_, static_cast<int>(categories_.size()) - 1);
  count_ = "1";
  LoadTiles();
  return true;
}

void QuickKeysModel::SelectCategory(int i) {
  if (i < 0 || i >= static_cast<int>(categories_.size())) return;
  category_ = i;
  LoadTiles();
}

void QuickKeysModel::LoadTiles() {
  tiles_.clear();
  if (categories_.empty()) return;
  for (const QuickKey& k : session_.settings().quick_keys) {
    if (k.category != categories_[category_]) continue;
    QuickTile t;
    t.sku = k.sku;
    t.label = k.label;
    auto p = session_.catalog()->FindBySku(k.sku);
    if (p.ok() && *p) {
      if (t.label.empty()) t.label = (*p)->name;
      t.price_fen = (*p)->price_fen;
      t.by_weight = (*p)->unit == "kg";
    } else {
      t.missing = true;
      if (t.label.empty()) t.label = k.sku;
    }
    tiles_.push_back(std::move(t));
  }
}

void QuickKeysModel::Press(size_t i) {
  session_.Touch();
  if (i >= tiles_.size() || session_.busy() || !session_.checkout()) return;
  const QuickTile t = tiles_[i];
  if (t.missing) return session_.Notify(Notice::Level::kError, TrF("err.unknown_sku", t.sku));
  session_.Show(Screen::kCheckout);
  if (t.by_weight) return checkout_.AskWeight(t.sku, t.label);
  const std::string typed = Trim(count_);
  auto milli = ParseMilli(typed.empty() ? "1" : typed);
  if (!milli.ok() || *milli <= 0 || *milli % 1000 != 0) {
    return session_.Notify(Notice::Level::kError, TrF("quick.bad_count", typed));
  }
  const int64_t pieces = *milli / 1000;
  if (pieces > session_.settings().confirm_qty_over) {
    // Past the bound it goes through the quantity prompt's confirmation.
    return session_.Notify(Notice::Level::kError, TrF("quick.count_over", pieces, session_.settings().confirm_qty_over));
  }
  auto r = session_.checkout()->AddSku(t.sku, *milli);
  if (!r.ok()) return session_.ReportError(r.status(), "ctx.scan");
  session_.AfterCartChange(*r);
  count_ = "1";
}

}  // namespace linli::ui
