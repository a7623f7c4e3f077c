#include "linli/pos/pricing.h"

#include <algorithm>
#include <map>

#include "linli/pos/money.h"
#include "linli/pos/rounding.h"

namespace linli {
namespace {

std::string Yuan(int64_t fen) { return "¥" + FormatYuan(Money::Fen(fen)); }

// A per-unit discount a line may take: a percent off or a lower unit price.
struct UnitOffer {
  std::string id;
  std::string name;
  bool is_percent = false;
  int64_t value = 0;  // basis points, or the unit price in fen
};

// A cart line as the engine sees it.
struct Line {
  const CartLine* in = nullptr;
  int64_t unit_price = 0;  // after override
  int64_t gross = 0;
  // Divisible lines are whole pieces that multi-unit promotions may split;
  // any other line is one indivisible unit.
  bool divisible = false;
  int64_t units = 0;
  std::vector<UnitOffer> offers;  // sorted by id
  int64_t unit_alt = 0;           // best per-unit discount on one unit
};

struct GroupPromo {
  const Promotion* promo = nullptr;
  std::vector<size_t> buy_order;  // eligible lines in pick order
  std::vector<size_t> get_order;  // buy_x_get_y: eligible get lines
};

// One application of a multi-unit promotion.
struct Application {
  int64_t discount = 0;
  std::vector<std::pair<size_t, int64_t>> taken;      // line, units
  std::vector<std::pair<size_t, int64_t>> discounts;  // line, fen
};

// Per-unit discount for `units` units of `line` under `offer`.
int64_t OfferDiscount(const Line& line, const UnitOffer& offer, int64_t units) {
  if (units <= 0) return 0;
  if (line.divisible) {
    if (offer.is_percent) return BasisPointsOf(units * line.unit_price, offer.value);
    return units * std::max<int64_t>(0, line.unit_price - offer.value);
  }
  if (offer.is_percent) return BasisPointsOf(line.gross, offer.value);
  return std::max<int64_t>(0, line.gross - LineTotalFen(offer.value, line.in->qty_milli));
}

// The best offer for `units` units: (discount, offer index or -1). Offers are
// sorted by id, so the first of equal discounts has the smallest id.
std::pair<int64_t, int> BestOffer(const Line& line, int64_t units) {
  std::pair<int64_t, int> best{0, -1};
  for (size_t i = 0; i < line.offers.size(); ++i) {
    const int64_t d = OfferDiscount(line, line.offers[i], units);
    if (d > best.first) best = {d, static_cast<int>(i)};
  }
  return best;
}

int64_t OffersTotal(const std::vector<Line>& lines, const std::vector<int64_t>& remaining) {
  int64_t total = 0;
  for (size_t i = 0; i < lines.size(); ++i) total += BestOffer(lines[i], remaining[i]).first;
  return total;
}

// Takes up to `want` units from lines in `order`, skipping `used` units
// already taken in this application. Returns the (line, units) picked.
std::vector<std::pair<size_t, int64_t>> Take(const std::vector<size_t>& order,
                                             const std::vector<int64_t>& remaining,
                                             const std::vector<std::pair<size_t, int64_t>>& used,
                                             int64_t want) {
  std::vector<std::pair<size_t, int64_t>> out;
  for (size_t li : order) {
    if (want == 0) break;
    int64_t avail = remaining[li];
    for (const auto& [ul, n] : used) {
      if (ul == li) avail -= n;
    }
    const int64_t n = std::min(avail, want);
    if (n > 0) {
      out.emplace_back(li, n);
      want -= n;
    }
  }
  if (want > 0) out.clear();
  return out;
}

// Applies one more group of `g` to `remaining` if there are enough units and it
// gives a discount. Returns false (and leaves `remaining` alone) otherwise.
bool ApplyOnce(const GroupPromo& g, const std::vector<Line>& lines, std::vector<int64_t>& remaining,
               Application* app) {
  const Promotion& p = *g.promo;
  Application a;
  switch (p.type) {
    case PromotionType::kNthItemPercent: {
      a.taken = Take(g.buy_order, remaining, {}, p.nth);
      if (a.taken.empty()) return false;
      // The cheapest piece of the group; among equals the one picked last.
      size_t cheapest = a.taken.front().first;
      for (const auto& [li, n] : a.taken) {
        if (lines[li].unit_price <= lines[cheapest].unit_price) cheapest = li;
      }
      a.discount = BasisPointsOf(lines[cheapest].unit_price, p.percent_bp);
      a.discounts.emplace_back(cheapest, a.discount);
      break;
    }
    case PromotionType::kBundlePrice: {
      a.taken = Take(g.buy_order, remaining, {}, p.qty);
      if (a.taken.empty()) return false;
      std::vector<int64_t> weights;
      int64_t sum = 0;
      for (const auto& [li, n] : a.taken) {
        weights.push_back(n * lines[li].unit_price);
        sum += weights.back();
      }
      a.discount = sum - p.price_fen;
      if (a.discount <= 0) return false;
      const std::vector<int64_t> shares = AllocateLargestRemainder(a.discount, weights);
      for (size_t i = 0; i < a.taken.size(); ++i) {
        a.discounts.emplace_back(a.taken[i].first, shares[i]);
      }
      break;
    }
    case PromotionType::kBuyXGetY: {
      auto buy = Take(g.buy_order, remaining, {}, p.buy_qty);
      if (buy.empty()) return false;
      auto get = Take(g.get_order, remaining, buy, p.get_qty);
      if (get.empty()) return false;
      for (const auto& [li, n] : get) {
        const int64_t d = BasisPointsOf(n * lines[li].unit_price, p.percent_bp);
        a.discount += d;
        a.discounts.emplace_back(li, d);
      }
      a.taken = buy;
      a.taken.insert(a.taken.end(), get.begin(), get.end());
      break;
    }
    case PromotionType::kPercentOff:
    case PromotionType::kFixedPrice:
    case PromotionType::kMemberPrice:
      return false;
  }
  if (a.discount <= 0) return false;
  for (const auto& [li, n] : a.taken) remaining[li] -= n;
  if (app) *app = std::move(a);
  return true;
}

// Exhaustive search over how many times each group promotion applies.
class Search {
 public:
  Search(const std::vector<Line>& lines, const std::vector<GroupPromo>& groups)
      : lines_(lines), groups_(groups), counts_(groups.size(), 0) {}

  // The best sequence of group indices to apply (see pricing.h for ties).
  std::vector<size_t> Run(const std::vector<int64_t>& remaining) {
    std::vector<int64_t> state = remaining;
    Visit(0, state, 0);
    std::vector<size_t> seq;
    for (size_t g = 0; g < groups_.size(); ++g) {
      for (int64_t i = 0; i < best_counts_[g]; ++i) seq.push_back(g);
    }
    return seq;
  }

 private:
  void Visit(size_t gi, std::vector<int64_t>& state, int64_t group_value) {
    if (gi == groups_.size()) {
      const int64_t value = group_value + OffersTotal(lines_, state);
      if (!found_ || value > best_value_ || (value == best_value_ && counts_ > best_counts_)) {
        found_ = true;
        best_value_ = value;
        best_counts_ = counts_;
      }
      return;
    }
    std::vector<int64_t> local = state;
    int64_t value = group_value;
    counts_[gi] = 0;
    Visit(gi + 1, local, value);
    Application app;
    while (ApplyOnce(groups_[gi], lines_, local, &app)) {
      value += app.discount;
      ++counts_[gi];
      std::vector<int64_t> branch = local;
      Visit(gi + 1, branch, value);
    }
    counts_[gi] = 0;
  }

  const std::vector<Line>& lines_;
  const std::vector<GroupPromo>& groups_;
  std::vector<int64_t> counts_;
  bool found_ = false;
  int64_t best_value_ = 0;
  std::vector<int64_t> best_counts_;
};

// Greedy fallback: apply whichever next group gains most over the per-unit
// offers it displaces, until none gains.
std::vector<size_t> Greedy(const std::vector<Line>& lines, const std::vector<GroupPromo>& groups,
                           std::vector<int64_t> state) {
  std::vector<size_t> seq;
  for (;;) {
    const int64_t base = OffersTotal(lines, state);
    int64_t best_gain = 0;
    int best = -1;
    for (size_t g = 0; g < groups.size(); ++g) {
      std::vector<int64_t> trial = state;
      Application app;
      if (!ApplyOnce(groups[g], lines, trial, &app)) continue;
      const int64_t gain = app.discount - (base - OffersTotal(lines, trial));
      if (gain > best_gain) {
        best_gain = gain;
        best = static_cast<int>(g);
      }
    }
    if (best < 0) return seq;
    ApplyOnce(groups[best], lines, state, nullptr);
    seq.push_back(static_cast<size_t>(best));
  }
}

Status CheckDiscount(const Discount& d, const std::string& where) {
  if (d.kind == Discount::Kind::kPercent && (d.value < 0 || d.value > 10000)) {
    return Status::InvalidArgument(where + " percent " + FormatPercentBp(d.value) +
                                   "% is not between 0 and 100");
  }
  if (d.kind == Discount::Kind::kAmount && d.value < 0) {
    return Status::InvalidArgument(where + " amount " + Yuan(d.value) +
                                   " is negative; enter the amount to take off");
  }
  return Status::Ok();
}

std::string LineName(const CartLine& l) {
  return "line " + std::to_string(l.line_no) + " (" + l.name + ")";
}

Status CheckLine(const CartLine& l) {
  const std::string where = LineName(l);
  if (l.qty_milli <= 0) {
    return Status::InvalidArgument(where + ": quantity " + FormatMilli(l.qty_milli) +
                                   " must be more than 0");
  }
  if (l.unit_price_fen < 0) {
    return Status::InvalidArgument(where + ": unit price " + Yuan(l.unit_price_fen) +
                                   " is negative");
  }
  if (l.member_price_fen && *l.member_price_fen < 0) {
    return Status::InvalidArgument(where + ": member price is negative");
  }
  if (l.override_price_fen && *l.override_price_fen < 0) {
    return Status::InvalidArgument(where + ": override price " + Yuan(*l.override_price_fen) +
                                   " is negative; enter the new unit price");
  }
  if (l.label_amount_fen && *l.label_amount_fen < 0) {
    return Status::InvalidArgument(where + ": label amount is negative");
  }
  if (l.tax_rate_bp < 0 || l.tax_rate_bp > 10000) {
    return Status::InvalidArgument(where + ": tax rate " + std::to_string(l.tax_rate_bp) +
                                   " bp is not between 0 and 10000");
  }
  if (l.line_discount)
    LINLI_RETURN_IF_ERROR(CheckDiscount(*l.line_discount, where + ": line discount"));
  return Status::Ok();
}

}  // namespace

int64_t CashRoundingFen(int64_t total_fen, CashRounding rule) {
  if (total_fen <= 0) return 0;
  switch (rule) {
    case CashRounding::kNone:
      return 0;
    case CashRounding::kJiaoDown:
      return total_fen % 10;
    case CashRounding::kYuanDown:
      return total_fen % 100;
    case CashRounding::kJiaoNearest: {
      const int64_t r = total_fen % 10;
      return r >= 5 ? r - 10 : r;
    }
  }
  return 0;
}

std::vector<int64_t> AllocateLargestRemainder(int64_t amount, const std::vector<int64_t>& weights) {
  std::vector<int64_t> shares(weights.size(), 0);
  if (weights.empty() || amount == 0) return shares;
  const bool negative = amount < 0;
  const int64_t a = negative ? -amount : amount;
  __int128 total = 0;
  for (int64_t w : weights) total += w;
  if (total <= 0) {
    shares[0] = amount;  // nothing to weigh by; callers avoid this
    return shares;
  }
  std::vector<std::pair<__int128, size_t>> rem;  // remainder, index
  int64_t given = 0;
  for (size_t i = 0; i < weights.size(); ++i) {
    const __int128 num = static_cast<__int128>(a) * weights[i];
    shares[i] = static_cast<int64_t>(num / total);
    given += shares[i];
    rem.emplace_back(num % total, i);
  }
  // Largest remainder first; equal remainders by lower index.
  std::stable_sort(rem.begin(), rem.end(),
                   [](const auto& x, const auto& y) { return x.first > y.first; });
  for (size_t k = 0; given < a; ++k, ++given) ++shares[rem[k % rem.size()].second];
  if (negative) {
    for (int64_t& s : shares) s = -s;
  }
  return shares;
}

Result<PricedCart> PriceCart(const Cart& cart, const std::vector<Promotion>& promotions) {
  // --- Lines, in line_no order, voided ones left out.
  {
    std::vector<int> nos;
    for (const CartLine& l : cart.lines) nos.push_back(l.line_no);
    std::sort(nos.begin(), nos.end());
    if (std::adjacent_find(nos.begin(), nos.end()) != nos.end()) {
      return Status::InvalidArgument("two cart lines have the same line number " +
                                     std::to_string(*std::adjacent_find(nos.begin(), nos.end())));
    }
  }
  std::vector<const CartLine*> inputs;
  for (const CartLine& l : cart.lines) {
    if (l.voided) continue;
    LINLI_RETURN_IF_ERROR(CheckLine(l));
    inputs.push_back(&l);
  }
  std::sort(inputs.begin(), inputs.end(),
            [](const CartLine* a, const CartLine* b) { return a->line_no < b->line_no; });
  if (cart.order_discount)
    LINLI_RETURN_IF_ERROR(CheckDiscount(*cart.order_discount, "order discount"));

  std::vector<Line> lines(inputs.size());
  for (size_t i = 0; i < inputs.size(); ++i) {
    const CartLine& in = *inputs[i];
    Line& l = lines[i];
    l.in = &in;
    l.unit_price = in.override_price_fen.value_or(in.unit_price_fen);
    l.gross = in.label_amount_fen ? *in.label_amount_fen : LineTotalFen(l.unit_price, in.qty_milli);
    l.divisible = in.unit == SaleUnit::kPiece && !in.label_amount_fen && in.qty_milli % 1000 == 0;
    l.units = l.divisible ? in.qty_milli / 1000 : 1;
  }

  // --- Which promotions are live for this sale.
  std::optional<LocalTime> when;
  std::vector<const Promotion*> live;
  for (const Promotion& p : promotions) {
    if (PromotionDependsOnTime(p)) {
      if (!when) {
        auto t = ToLocalTime(cart.sale_time_ms, cart.time_zone);
        if (!t.ok()) return t.status();
        when = *t;
      }
    }
    const LocalTime always{"", 1, 0};
    if (!PromotionActive(p, when ? *when : always, cart.member)) continue;
    live.push_back(&p);
  }
  std::sort(live.begin(), live.end(),
            [](const Promotion* a, const Promotion* b) { return a->id < b->id; });

  // Per-unit offers on each line; lines with an override take none.
  for (Line& l : lines) {
    if (l.in->override_price_fen) continue;
    for (const Promotion* p : live) {
      if (!IsPerUnitPromotion(p->type) || !p->target.Matches(l.in->sku, l.in->category)) continue;
      l.offers.push_back({p->id, p->name, p->type == PromotionType::kPercentOff,
                          p->type == PromotionType::kPercentOff ? p->percent_bp : p->price_fen});
    }
    if (cart.member && l.in->member_price_fen) {
      l.offers.push_back(
          {kProductMemberPriceId, kProductMemberPriceName, false, *l.in->member_price_fen});
    }
    std::stable_sort(l.offers.begin(), l.offers.end(),
                     [](const UnitOffer& a, const UnitOffer& b) { return a.id < b.id; });
    if (l.divisible) l.unit_alt = BestOffer(l, 1).first;
  }

  // Multi-unit promotions with their pick orders.
  std::vector<GroupPromo> groups;
  for (const Promotion* p : live) {
    if (IsPerUnitPromotion(p->type)) continue;
    GroupPromo g;
    g.promo = p;
    std::vector<size_t> buy, get;
    for (size_t i = 0; i < lines.size(); ++i) {
      const Line& l = lines[i];
      if (!l.divisible || l.in->override_price_fen) continue;
      if (p->target.Matches(l.in->sku, l.in->category)) buy.push_back(i);
      if (p->type == PromotionType::kBuyXGetY && p->get_target.Matches(l.in->sku, l.in->category)) {
        get.push_back(i);
      }
    }
    auto by_worth = [&](size_t a, size_t b) {
      const int64_t wa = lines[a].unit_price - lines[a].unit_alt;
      const int64_t wb = lines[b].unit_price - lines[b].unit_alt;
      if (wa != wb) return wa > wb;
      return a < b;
    };
    std::sort(buy.begin(), buy.end(), by_worth);
    std::sort(get.begin(), get.end(), by_worth);
    if (p->type == PromotionType::kBuyXGetY) {
      // Buy pieces: those the get side cannot use first.
      std::stable_partition(buy.begin(), buy.end(), [&](size_t i) {
        return !p->get_target.Matches(lines[i].in->sku, lines[i].in->category);
      });
      if (get.empty()) continue;
    }
    if (buy.empty()) continue;
    g.buy_order = std::move(buy);
    g.get_order = std::move(get);
    groups.push_back(std::move(g));
  }

  // --- Choose the assignment.
  std::vector<int64_t> remaining(lines.size());
  for (size_t i = 0; i < lines.size(); ++i) remaining[i] = lines[i].units;
  std::vector<size_t> sequence;
  if (!groups.empty()) {
    int64_t leaves = 1;
    for (const GroupPromo& g : groups) {
      std::vector<int64_t> trial = remaining;
      int64_t max_apps = 0;
      while (max_apps <= kMaxPromotionSearchLeaves && ApplyOnce(g, lines, trial, nullptr)) {
        ++max_apps;
      }
      leaves = std::min<int64_t>(leaves * (max_apps + 1), kMaxPromotionSearchLeaves + 1);
    }
    sequence = leaves <= kMaxPromotionSearchLeaves ? Search(lines, groups).Run(remaining)
                                                   : Greedy(lines, groups, remaining);
  }

  // --- Replay it, recording what each promotion did.
  std::vector<int64_t> promo_discount(lines.size(), 0);
  std::vector<std::vector<std::string>> line_promos(lines.size());
  std::map<std::string, PromotionApplication> applied;  // by id
  auto record = [&](const std::string& id, const std::string& name, int64_t discount, size_t li) {
    PromotionApplication& a = applied[id];
    a.promo_id = id;
    a.name = name;
    a.discount_fen += discount;
    const int no = lines[li].in->line_no;
    if (std::find(a.line_nos.begin(), a.line_nos.end(), no) == a.line_nos.end()) {
      a.line_nos.push_back(no);
    }
    if (std::find(line_promos[li].begin(), line_promos[li].end(), id) == line_promos[li].end()) {
      line_promos[li].push_back(id);
    }
  };
  for (size_t gi : sequence) {
    const Promotion& p = *groups[gi].promo;
    Application app;
    ApplyOnce(groups[gi], lines, remaining, &app);
    for (const auto& [li, n] : app.taken) record(p.id, p.name, 0, li);
    for (const auto& [li, d] : app.discounts) {
      record(p.id, p.name, d, li);
      promo_discount[li] += d;
    }
    ++applied[p.id].times;
  }
  for (size_t i = 0; i < lines.size(); ++i) {
    const auto [d, oi] = BestOffer(lines[i], remaining[i]);
    if (oi < 0) continue;
    const UnitOffer& o = lines[i].offers[oi];
    record(o.id, o.name, d, i);
    ++applied[o.id].times;
    promo_discount[i] += d;
  }

  PricedCart out;
  std::vector<int64_t> nets(lines.size());
  // --- Line discounts.
  std::vector<int64_t> line_discount(lines.size(), 0);
  for (size_t i = 0; i < lines.size(); ++i) {
    const int64_t net = lines[i].gross - promo_discount[i];
    if (const auto& d = lines[i].in->line_discount) {
      line_discount[i] =
          d->kind == Discount::Kind::kPercent ? BasisPointsOf(net, d->value) : d->value;
      if (line_discount[i] > net) {
        return Status::InvalidArgument(LineName(*lines[i].in) + ": the line discount " +
                                       Yuan(line_discount[i]) + " is more than the line's " +
                                       Yuan(net) + "; enter at most " + Yuan(net));
      }
    }
    nets[i] = net - line_discount[i];
  }

  // --- Order discount, shared by largest remainder.
  int64_t total = 0;
  for (int64_t n : nets) total += n;
  int64_t order_discount = 0;
  if (const auto& d = cart.order_discount) {
    order_discount =
        d->kind == Discount::Kind::kPercent ? BasisPointsOf(total, d->value) : d->value;
    if (order_discount > total) {
      return Status::InvalidArgument("the order discount " + Yuan(order_discount) +
                                     " is more than the total " + Yuan(total) + "; enter at most " +
                                     Yuan(total));
    }
  }
  const std::vector<int64_t> order_shares = AllocateLargestRemainder(order_discount, nets);
  for (size_t i = 0; i < lines.size(); ++i) nets[i] -= order_shares[i];
  total -= order_discount;

  // --- 抹零, capped by role, shared the same way.
  const int64_t rounding = CashRoundingFen(total, cart.cash_rounding);
  const int64_t magnitude = rounding < 0 ? -rounding : rounding;
  if (magnitude > cart.rounding_cap_fen) {
    return Status::PermissionDenied("抹零 of " + Yuan(magnitude) + " is over your cap of " +
                                    Yuan(cart.rounding_cap_fen) +
                                    "; ask a manager or choose another rounding");
  }
  const std::vector<int64_t> rounding_shares = AllocateLargestRemainder(rounding, nets);

  // --- Output.
  std::map<int64_t, TaxByRate> by_rate;
  for (size_t i = 0; i < lines.size(); ++i) {
    const Line& l = lines[i];
    PricedLine pl;
    pl.line_no = l.in->line_no;
    pl.product_id = l.in->product_id;
    pl.sku = l.in->sku;
    pl.name = l.in->name;
    pl.unit = l.in->unit;
    pl.qty_milli = l.in->qty_milli;
    pl.unit_price_fen = l.unit_price;
    if (l.in->override_price_fen) pl.original_unit_price_fen = l.in->unit_price_fen;
    pl.gross_fen = l.gross;
    pl.promo_discount_fen = promo_discount[i];
    pl.line_discount_fen = line_discount[i];
    pl.order_discount_fen = order_shares[i];
    pl.rounding_fen = rounding_shares[i];
    pl.discount_fen = pl.promo_discount_fen + pl.line_discount_fen + pl.order_discount_fen;
    pl.total_fen = nets[i] - rounding_shares[i];
    pl.tax_rate_bp = l.in->tax_rate_bp;
    pl.tax_fen = IncludedTaxFen(pl.total_fen, pl.tax_rate_bp);
    pl.promo_ids = line_promos[i];
    std::sort(pl.promo_ids.begin(), pl.promo_ids.end());

    out.subtotal_fen += pl.gross_fen;
    out.promo_discount_fen += pl.promo_discount_fen;
    out.line_discount_fen += pl.line_discount_fen;
    out.order_discount_fen += pl.order_discount_fen;
    out.discount_fen += pl.discount_fen;
    out.rounding_fen += pl.rounding_fen;
    out.total_fen += pl.total_fen;
    out.tax_fen += pl.tax_fen;
    TaxByRate& t = by_rate[pl.tax_rate_bp];
    t.rate_bp = pl.tax_rate_bp;
    t.total_fen += pl.total_fen;
    t.tax_fen += pl.tax_fen;
    out.lines.push_back(std::move(pl));
  }
  for (const auto& [rate, t] : by_rate) out.tax_by_rate.push_back(t);
  for (auto& [id, a] : applied) {
    if (a.discount_fen <= 0) continue;
    std::sort(a.line_nos.begin(), a.line_nos.end());
    out.promotions.push_back(std::move(a));
  }
  std::stable_sort(out.promotions.begin(), out.promotions.end(),
                   [](const PromotionApplication& a, const PromotionApplication& b) {
                     return a.line_nos.front() < b.line_nos.front();
                   });
  return out;
}

bool PromotionDependsOnTime(const Promotion& p) {
  return p.window.has_value() || !p.starts.empty() || !p.ends.empty();
}

const char* SaleUnitName(SaleUnit unit) { return unit == SaleUnit::kKg ? "kg" : "pcs"; }

SaleUnit ParseSaleUnit(std::string_view name) { return name == "kg" ? SaleUnit::kKg : SaleUnit::kPiece; }

std::vector<int64_t> QuickCashSuggestions(int64_t total_fen) {
  std::vector<int64_t> out;
  if (total_fen <= 0) return out;
  out.push_back(total_fen);
  for (int64_t step : {1000, 5000, 10000}) {
    const int64_t next = (total_fen / step + 1) * step;
    if (std::find(out.begin(), out.end(), next) == out.end()) out.push_back(next);
  }
  std::sort(out.begin(), out.end());
  return out;
}

Result<int64_t> ChangeFen(int64_t tendered_fen, int64_t total_fen) {
  if (tendered_fen < total_fen) {
    return Status::InvalidArgument("tendered " + Yuan(tendered_fen) + " is less than the total " +
                                   Yuan(total_fen) + "; collect " + Yuan(total_fen - tendered_fen) +
                                   " more");
  }
  return tendered_fen - total_fen;
}

}  // namespace linli
