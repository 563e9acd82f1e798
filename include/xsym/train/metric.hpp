#pragma once
// Evaluation metrics, MXNet 1.x's mx.metric: each keeps a local sum (since the last reset_local,
// what Speedometer prints) and a global one (since reset, what an epoch reports).
//   Accuracy, TopKAccuracy, CrossEntropy  classification: preds (batch, classes), labels (batch)
//   MSE, MAE, RMSE                        regression: one batch mean per (label, pred) pair,
//                                         averaged over batches, as MXNet does
//   F1                                    binary classification, "macro" (mean of per-batch F1)
//                                         or "micro" (F1 of the summed counts)
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <limits>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "../core/error.hpp"
#include "../ndarray/ndarray.hpp"

namespace xsym::metric {

/// An array's elements as doubles (any dtype, on any context).
inline std::vector<double> values_of(const ndarray& a) {
  const ndarray host = a.context() == cpu() ? a : a.copyto(cpu());
  std::vector<double> v(host.size());
  visit_element_type(host.dtype(), [&]<class T>(T) {
    const T* p = host.data<T>();
    for (std::size_t i = 0; i < v.size(); ++i) v[i] = double(p[i]);
  });
  return v;
}

class EvalMetric {
 public:
  explicit EvalMetric(std::string name) : name_(std::move(name)) {}
  virtual ~EvalMetric() = default;

  /// Adds one batch: labels and predictions, pair by pair (MXNet's check_label_shapes: the
  /// counts must agree).
  void update(const std::vector<ndarray>& labels, const std::vector<ndarray>& preds) {
    if (labels.size() != preds.size())
      throw error("xsym::metric::" + name_ + ": " + std::to_string(labels.size()) + " label arrays but " +
                  std::to_string(preds.size()) + " prediction arrays; they are compared pair by pair");
    for (std::size_t i = 0; i < labels.size(); ++i) update_pair(labels[i], preds[i]);
  }

  const std::string& name() const { return name_; }
  /// Since the last reset or reset_local; NaN before any update (MXNet's float('nan')).
  double get() const { return ratio(sum_, num_); }
  /// Since the last reset.
  double get_global() const { return ratio(global_sum_, global_num_); }
  virtual void reset() { sum_ = num_ = global_sum_ = global_num_ = 0; }
  virtual void reset_local() { sum_ = num_ = 0; }

 protected:
  virtual void update_pair(const ndarray& label, const ndarray& pred) = 0;
  void add(double sum, double count) {
    sum_ += sum, num_ += count, global_sum_ += sum, global_num_ += count;
  }
  void set_sums(double local_sum, double local_count, double global_sum, double global_count) {
    sum_ = local_sum, num_ = local_count, global_sum_ = global_sum, global_num_ = global_count;
  }
  /// The (batch, classes) scores of a classification metric, checked against its labels.
  std::size_t classes_of(const ndarray& label, const ndarray& pred) const {
    if (pred.ndim() != 2 || label.size() != std::size_t(pred.shape()[0]))
      throw error("xsym::metric::" + name_ + ": predictions " + pred.shape().str() + " and labels " +
                  label.shape().str() + " do not fit: expected predictions (batch, classes) and one label per row");
    return std::size_t(pred.shape()[1]);
  }
  std::size_t class_index(double label, std::size_t classes) const {
    if (!(label >= 0) || label >= double(classes))
      throw error("xsym::metric::" + name_ + ": label " + std::to_string(label) + " is not a class index below " +
                  std::to_string(classes));
    return std::size_t(label);
  }

 private:
  static double ratio(double s, double n) { return n == 0 ? std::numeric_limits<double>::quiet_NaN() : s / n; }
  std::string name_;
  double sum_ = 0, num_ = 0, global_sum_ = 0, global_num_ = 0;
};

/// Classes predicted: the argmax of each row, the first on ties (numpy's argmax).
inline std::vector<std::size_t> argmax_rows(const std::vector<double>& p, std::size_t classes) {
  std::vector<std::size_t> out(classes ? p.size() / classes : 0);
  for (std::size_t r = 0; r < out.size(); ++r) {
    const double* row = p.data() + r * classes;
    out[r] = std::size_t(std::max_element(row, row + classes) - row);
  }
  return out;
}

/// The fraction of samples whose argmax is the label. Predictions of the label's own shape are
/// taken as class indices already (MXNet's rule).
class Accuracy : public EvalMetric {
 public:
  Accuracy() : EvalMetric("accuracy") {}

 protected:
  void update_pair(const ndarray& label, const ndarray& pred) override {
    const auto l = values_of(label);
    std::vector<double> predicted;
    if (pred.shape() == label.shape()) {
      predicted = values_of(pred);
    } else {
      for (auto c : argmax_rows(values_of(pred), classes_of(label, pred))) predicted.push_back(double(c));
    }
    double correct = 0;
    for (std::size_t i = 0; i < l.size(); ++i) correct += (std::int64_t(predicted[i]) == std::int64_t(l[i]));
    add(correct, double(l.size()));
  }
};

/// The fraction of samples whose label is among the top_k scores: fewer than top_k classes
/// score strictly higher than the label's class.
class TopKAccuracy : public EvalMetric {
 public:
  explicit TopKAccuracy(std::size_t top_k = 1) : EvalMetric("top_k_accuracy_" + std::to_string(top_k)), k_(top_k) {
    if (top_k == 0) throw error("xsym::metric::TopKAccuracy: top_k must be at least 1");
  }

 protected:
  void update_pair(const ndarray& label, const ndarray& pred) override {
    const std::size_t classes = classes_of(label, pred);
    const auto l = values_of(label), p = values_of(pred);
    double correct = 0;
    for (std::size_t r = 0; r < l.size(); ++r) {
      const double* row = p.data() + r * classes;
      const double mine = row[class_index(l[r], classes)];
      correct += std::size_t(std::count_if(row, row + classes, [&](double x) { return x > mine; })) < k_;
    }
    add(correct, double(l.size()));
  }

 private:
  std::size_t k_;
};

/// The mean of -log(p[label] + eps) over samples.
class CrossEntropy : public EvalMetric {
 public:
  explicit CrossEntropy(double eps = 1e-12) : EvalMetric("cross-entropy"), eps_(eps) {}

 protected:
  void update_pair(const ndarray& label, const ndarray& pred) override {
    const std::size_t classes = classes_of(label, pred);
    const auto l = values_of(label), p = values_of(pred);
    double sum = 0;
    for (std::size_t r = 0; r < l.size(); ++r) sum += -std::log(p[r * classes + class_index(l[r], classes)] + eps_);
    add(sum, double(l.size()));
  }

 private:
  double eps_;
};

/// MSE, MAE and RMSE: each (label, pred) pair adds its mean error as one instance.
class Regression : public EvalMetric {
 public:
  enum class kind { mse, mae, rmse };
  explicit Regression(kind k) : EvalMetric(k == kind::mse ? "mse" : k == kind::mae ? "mae" : "rmse"), kind_(k) {}

 protected:
  void update_pair(const ndarray& label, const ndarray& pred) override {
    if (label.size() != pred.size())
      throw error("xsym::metric::" + name() + ": labels " + label.shape().str() + " and predictions " +
                  pred.shape().str() + " hold different numbers of values");
    const auto l = values_of(label), p = values_of(pred);
    double sum = 0;
    for (std::size_t i = 0; i < l.size(); ++i) {
      const double d = l[i] - p[i];
      sum += kind_ == kind::mae ? std::abs(d) : d * d;
    }
    const double mean = l.empty() ? 0 : sum / double(l.size());
    add(kind_ == kind::rmse ? std::sqrt(mean) : mean, 1);
  }

 private:
  kind kind_;
};
struct MSE : Regression { MSE() : Regression(kind::mse) {} };
struct MAE : Regression { MAE() : Regression(kind::mae) {} };
struct RMSE : Regression { RMSE() : Regression(kind::rmse) {} };

/// F1 of binary classification (labels 0 and 1, predictions (batch, 2)).
class F1 : public EvalMetric {
 public:
  explicit F1(std::string average = "macro") : EvalMetric("f1"), macro_(average == "macro") {
    if (average != "macro" && average != "micro")
      throw error("xsym::metric::F1: average must be \"macro\" or \"micro\", got \"" + average + "\"");
  }
  void reset() override {
    EvalMetric::reset();
    local_ = global_ = {};
  }
  void reset_local() override {
    EvalMetric::reset_local();
    local_ = {};
  }

 protected:
  void update_pair(const ndarray& label, const ndarray& pred) override {
    const std::size_t classes = classes_of(label, pred);
    const auto l = values_of(label);
    const auto predicted = argmax_rows(values_of(pred), classes);
    counts batch;
    for (std::size_t i = 0; i < l.size(); ++i) {
      if (l[i] != 0 && l[i] != 1)
        throw error("xsym::metric::F1: F1 currently only supports binary classification; label " + std::to_string(l[i]));
      const bool truth = l[i] == 1, guess = predicted[i] == 1;
      batch.tp += truth && guess, batch.fp += !truth && guess, batch.fn += truth && !guess;
      batch.n += 1;
    }
    if (macro_) {
      add(batch.fscore(), 1);
      return;
    }
    // micro: the F1 of all counts so far, weighted by the samples (MXNet's sum_metric).
    local_ += batch, global_ += batch;
    set_sums(local_.fscore() * local_.n, local_.n, global_.fscore() * global_.n, global_.n);
  }

 private:
  struct counts {
    double tp = 0, fp = 0, fn = 0, n = 0;
    counts& operator+=(const counts& o) { return tp += o.tp, fp += o.fp, fn += o.fn, n += o.n, *this; }
    double fscore() const {
      const double precision = tp + fp > 0 ? tp / (tp + fp) : 0, recall = tp + fn > 0 ? tp / (tp + fn) : 0;
      return precision + recall > 0 ? 2 * precision * recall / (precision + recall) : 0;
    }
  };
  bool macro_;
  counts local_, global_;
};

/// A metric by MXNet's name: "acc"/"accuracy", "top_k_accuracy" (k = 5 unless given),
/// "ce"/"cross-entropy", "mse", "mae", "rmse", "f1".
inline std::unique_ptr<EvalMetric> create(std::string_view name, std::size_t top_k = 5) {
  if (name == "acc" || name == "accuracy") return std::make_unique<Accuracy>();
  if (name == "top_k_accuracy" || name == "top_k_acc") return std::make_unique<TopKAccuracy>(top_k);
  if (name == "ce" || name == "cross-entropy") return std::make_unique<CrossEntropy>();
  if (name == "mse") return std::make_unique<MSE>();
  if (name == "mae") return std::make_unique<MAE>();
  if (name == "rmse") return std::make_unique<RMSE>();
  if (name == "f1") return std::make_unique<F1>();
  throw error("xsym::metric::create: unknown metric '" + std::string(name) +
              "'; known: acc, top_k_accuracy, ce, mse, mae, rmse, f1");
}

}  // namespace xsym::metric
