// The metrics against values worked out by hand from MXNet 1.x's definitions.
#include <catch2/catch.hpp>

#include <cmath>
#include <vector>

#include <xsym/train/metric.hpp>

using xsym::ndarray;
using Catch::Matchers::Contains;

namespace {
ndarray f32(std::vector<float> v, xsym::shape s) { return ndarray::array<float>(v, std::move(s)); }
// Three samples, three classes: argmax 1, 0, 2.
const std::vector<float> scores{0.1f, 0.7f, 0.2f, 0.5f, 0.3f, 0.2f, 0.3f, 0.3f, 0.4f};
}  // namespace

TEST_CASE("Accuracy counts argmax hits, local and global") {
  xsym::metric::Accuracy acc;
  CHECK(std::isnan(acc.get()));
  acc.update({f32({1, 2, 2}, {3})}, {f32(scores, {3, 3})});  // hits: yes, no, yes
  CHECK(acc.get() == Approx(2.0 / 3));
  acc.reset_local();
  acc.update({f32({0, 0, 0}, {3})}, {f32(scores, {3, 3})});  // hits: no, yes, no
  CHECK(acc.get() == Approx(1.0 / 3));
  CHECK(acc.get_global() == Approx(3.0 / 6));
  // Predictions of the label's shape are class indices already.
  xsym::metric::Accuracy direct;
  direct.update({f32({1, 2, 3, 4}, {4})}, {f32({1, 0, 3, 0}, {4})});
  CHECK(direct.get() == Approx(0.5));
  CHECK(direct.name() == "accuracy");
}

TEST_CASE("TopKAccuracy counts a label among the k best scores") {
  xsym::metric::TopKAccuracy top2(2);
  // Sample 0: order 1, 2, 0; sample 1: 0, 1, 2; sample 2: 2, then 0 and 1 tied.
  top2.update({f32({2, 2, 0}, {3})}, {f32(scores, {3, 3})});
  CHECK(top2.get() == Approx(2.0 / 3));  // 2 is second for sample 0 (hit), third for 1 (miss); 0 ties second for 2 (hit)
  CHECK(top2.name() == "top_k_accuracy_2");
}

TEST_CASE("CrossEntropy averages -log p(label)") {
  xsym::metric::CrossEntropy ce;
  ce.update({f32({1, 0, 2}, {3})}, {f32(scores, {3, 3})});
  const double expected = -(std::log(0.7 + 1e-12) + std::log(0.5 + 1e-12) + std::log(0.4 + 1e-12)) / 3;
  CHECK(ce.get() == Approx(expected).epsilon(1e-6));
  REQUIRE_THROWS_WITH(ce.update({f32({3, 0, 0}, {3})}, {f32(scores, {3, 3})}), Contains("label 3") && Contains("below 3"));
}

TEST_CASE("MSE, MAE and RMSE average the per-batch means, as MXNet does") {
  xsym::metric::MSE mse;
  xsym::metric::MAE mae;
  xsym::metric::RMSE rmse;
  for (xsym::metric::EvalMetric* m : {static_cast<xsym::metric::EvalMetric*>(&mse), static_cast<xsym::metric::EvalMetric*>(&mae),
                                      static_cast<xsym::metric::EvalMetric*>(&rmse)}) {
    m->update({f32({1, 2}, {2})}, {f32({2, 4}, {2, 1})});  // errors 1, 2
    m->update({f32({0, 0, 0, 0}, {4})}, {f32({3, 3, 3, 3}, {4})});  // errors 3, 3, 3, 3
  }
  CHECK(mse.get() == Approx((2.5 + 9) / 2));  // not the mean over all six samples (6.8333)
  CHECK(mae.get() == Approx((1.5 + 3) / 2));
  CHECK(rmse.get() == Approx((std::sqrt(2.5) + 3) / 2));
  REQUIRE_THROWS_WITH(mse.update({f32({1, 2}, {2})}, {f32({1, 2, 3}, {3})}), Contains("different numbers of values"));
}

TEST_CASE("F1 of binary classification, macro and micro") {
  // Batch 1: labels 1 1 0 0, predicted 1 0 1 0: tp 1 fp 1 fn 1 -> F1 0.5.
  // Batch 2: labels 1 1, predicted 1 1: tp 2 -> F1 1.
  const auto p1 = f32({0.2f, 0.8f, 0.9f, 0.1f, 0.4f, 0.6f, 0.7f, 0.3f}, {4, 2});
  const auto p2 = f32({0.1f, 0.9f, 0.3f, 0.7f}, {2, 2});
  xsym::metric::F1 macro, micro("micro");
  for (auto* m : {&macro, &micro}) {
    m->update({f32({1, 1, 0, 0}, {4})}, {p1});
    m->update({f32({1, 1}, {2})}, {p2});
  }
  CHECK(macro.get() == Approx(0.75));
  // Summed: tp 3, fp 1, fn 1: precision = recall = 0.75.
  CHECK(micro.get() == Approx(0.75));
  micro.reset_local();
  micro.update({f32({0, 0}, {2})}, {p2});  // tp 0 fp 2: local F1 0; global tp 3 fp 3 fn 1
  CHECK(micro.get() == Approx(0));
  CHECK(micro.get_global() == Approx(2 * 0.5 * 0.75 / 1.25));
  REQUIRE_THROWS_WITH(macro.update({f32({2, 0}, {2})}, {p2}), Contains("binary classification"));
}

TEST_CASE("metric::create knows MXNet's names and lists them for an unknown one") {
  CHECK(xsym::metric::create("acc")->name() == "accuracy");
  CHECK(xsym::metric::create("ce")->name() == "cross-entropy");
  CHECK(xsym::metric::create("rmse")->name() == "rmse");
  REQUIRE_THROWS_WITH(xsym::metric::create("accuracy2"), Contains("unknown metric 'accuracy2'") && Contains("acc, top_k_accuracy"));
  xsym::metric::Accuracy acc;
  REQUIRE_THROWS_WITH(acc.update({f32({1, 2}, {2})}, {}), Contains("1 label arrays but 0 prediction arrays"));
  REQUIRE_THROWS_WITH(acc.update({f32({1, 2}, {2})}, {f32(scores, {3, 3})}), Contains("do not fit"));
}
