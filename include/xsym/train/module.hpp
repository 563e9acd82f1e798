#pragma once
// xsym::module: MXNet's Module API over a Symbol (or a static graph, converted to one).
//
//   xsym::module mod(net);                               // data_names {"data"}, label_names {"softmax_label"}
//   mod.fit(train, {.eval_data = &test, .optimizer = xsym::optim::sgd{.learning_rate = 0.1f},
//                   .initializer = xsym::init::xavier{}, .num_epoch = 10});
//   mod.save_checkpoint("mlp", 10);                      // mlp-symbol.json, mlp-0010.params
//   auto again = xsym::module::load("mlp", 10);           // then bind and predict
//
// Or step by step, as MXNet's intermediate-level API: bind, init_params, init_optimizer, then
// per batch forward(batch, true), backward(), update(), update_metric(...).
// The module binds one executor (simple_bind) with the data and label shapes; the parameters
// are the arguments that are neither data nor labels, in list_arguments order, and their index
// in that list is the optimizer's index (MXNet's idx2name).
#include <cstddef>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "../core/context.hpp"
#include "../exec/grad_req.hpp"
#include "../ndarray/array_dict.hpp"
#include "../ndarray/ndarray.hpp"
#include "../symbol/executor.hpp"
#include "../symbol/from_static.hpp"
#include "../symbol/symbol.hpp"
#include "data_iter.hpp"
#include "init.hpp"
#include "metric.hpp"
#include "optim.hpp"

namespace xsym {

struct module_options {
  std::vector<std::string> data_names = {"data"};
  std::vector<std::string> label_names = {"softmax_label"};
  xsym::context context = cpu();
  /// Parameters that are never updated (their gradient request is null).
  std::vector<std::string> fixed_param_names = {};
};

struct module_bind_options {
  bool for_training = true;
  /// Gradients of the data too (get_input_grads).
  bool inputs_need_grad = false;
  /// Bind again even when bound (the parameters are kept).
  bool force_rebind = false;
  /// The request of each parameter's gradient (fixed parameters: null).
  xsym::grad_req grad_req = xsym::grad_req::write;
};

struct init_params_options {
  /// Values by parameter name, copied in; a parameter missing from them is an error unless
  /// allow_missing, when the initializer fills it. Without them, the initializer fills all.
  std::optional<array_dict> arg_params = {}, aux_params = {};
  bool allow_missing = false;
  /// Initialize again even when initialized.
  bool force_init = false;
};

/// What a batch_end_callback sees (MXNet's BatchEndParam).
struct batch_end_param {
  std::size_t epoch, nbatch;
  metric::EvalMetric& eval_metric;
};
/// What an epoch_end_callback sees.
struct epoch_end_param {
  std::size_t epoch;
  const Symbol& symbol;
  const array_dict &arg_params, &aux_params;
};

struct fit_options {
  /// Scored after every epoch, with validation_metric (eval_metric when unset).
  io::DataIter* eval_data = nullptr;
  std::shared_ptr<metric::EvalMetric> eval_metric = nullptr;  // accuracy when unset
  std::shared_ptr<metric::EvalMetric> validation_metric = nullptr;
  optim::optimizer optimizer = optim::sgd{};
  init::initializer initializer = init::uniform{0.01f};
  std::optional<array_dict> arg_params = {}, aux_params = {};
  bool allow_missing = false, force_rebind = false, force_init = false;
  std::size_t begin_epoch = 0, num_epoch = 1;
  std::function<void(const batch_end_param&)> batch_end_callback = {};
  std::function<void(const epoch_end_param&)> epoch_end_callback = {};
  /// Where the epoch lines go ("Epoch[0] Train-accuracy=0.912", "Epoch[0] Time cost=0.170",
  /// "Epoch[0] Validation-accuracy=0.934"); standard output when unset.
  std::function<void(const std::string&)> logger = {};
};

class module {
 public:
  explicit module(Symbol symbol, module_options options = {});
  /// A static graph, through its Symbol (which keeps the graph's compiled loops).
  template <graph G>
  explicit module(const G& g, module_options options = {}) : module(Symbol(g), std::move(options)) {}

  // ---- names --------------------------------------------------------------------------------
  const Symbol& symbol() const { return symbol_; }
  const std::vector<std::string>& data_names() const { return options_.data_names; }
  const std::vector<std::string>& label_names() const { return options_.label_names; }
  /// The arguments that are neither data nor labels, in list_arguments order.
  const std::vector<std::string>& param_names() const { return param_names_; }
  const std::vector<std::string>& aux_names() const { return aux_names_; }
  std::vector<std::string> output_names() const { return symbol_.list_outputs(); }

  // ---- setup --------------------------------------------------------------------------------
  /// Binds the executor for batches of these shapes (the first dimension is the batch).
  void bind(std::vector<io::DataDesc> data_shapes, std::vector<io::DataDesc> label_shapes = {},
            module_bind_options options = {});
  void init_params(const init::initializer& initializer = init::uniform{0.01f}, init_params_options options = {});
  /// The optimizer, with rescale_grad = 1 / batch size and the parameter names (MXNet's
  /// Module.init_optimizer). Needs bind and init_params first.
  void init_optimizer(optim::optimizer optimizer = optim::sgd{}, bool force_init = false);
  bool binded() const { return exec_.has_value(); }
  bool params_initialized() const { return params_initialized_; }
  bool optimizer_initialized() const { return optimizer_.has_value(); }

  // ---- computation --------------------------------------------------------------------------
  /// Copies the batch in and runs forward; is_train defaults to for_training.
  void forward(const io::DataBatch& batch, std::optional<bool> is_train = {});
  /// Without head gradients when every output is a loss head (SoftmaxOutput, ...).
  void backward(const std::vector<ndarray>& out_grads = {});
  void forward_backward(const io::DataBatch& batch) {
    forward(batch, true);
    backward();
  }
  /// One optimizer step for every parameter with a gradient.
  void update();
  const std::vector<ndarray>& get_outputs() const;
  /// The data's gradients, in data_names order (bind with inputs_need_grad).
  std::vector<ndarray> get_input_grads() const;
  void update_metric(metric::EvalMetric& eval_metric, const std::vector<ndarray>& labels) const;

  // ---- high level ---------------------------------------------------------------------------
  void fit(io::DataIter& train_data, fit_options options = {});
  /// The outputs over the data, batch after batch, concatenated along the first dimension
  /// without the padding; num_batch 0: all batches. Resets the iterator first when `reset`.
  std::vector<ndarray> predict(io::DataIter& data, std::size_t num_batch = 0, bool reset = true);
  /// The metric over the data (reset first), as MXNet's score: (name, value).
  std::pair<std::string, double> score(io::DataIter& data, metric::EvalMetric& eval_metric, std::size_t num_batch = 0,
                                       bool reset = true);

  // ---- parameters ---------------------------------------------------------------------------
  /// Copies of the parameters and auxiliary states, on the CPU.
  std::pair<array_dict, array_dict> get_params() const;
  void set_params(const array_dict& arg_params, const array_dict& aux_params, bool allow_missing = false,
                  bool force_init = true);
  /// Writes prefix-symbol.json and prefix-NNNN.params (keys "arg:<name>", "aux:<name>").
  void save_checkpoint(const std::string& prefix, std::size_t epoch) const;
  /// A module over prefix-symbol.json, holding prefix-NNNN.params: bind, then predict or train.
  static module load(const std::string& prefix, std::size_t epoch, module_options options = {});
  /// MXNet's load_checkpoint: the symbol and its parameters.
  struct checkpoint {
    Symbol symbol;
    array_dict arg_params, aux_params;
  };
  static checkpoint load_checkpoint(const std::string& prefix, std::size_t epoch);

  const Executor& executor() const;
  const optim::optimizer& optimizer() const;

 private:
  void require_bound(std::string_view what) const;
  void copy_params_in(const array_dict& arg_params, const array_dict& aux_params, bool allow_missing,
                      const init::initializer* fill);
  void log(const fit_options& o, const std::string& line) const;

  Symbol symbol_;
  module_options options_;
  std::vector<std::string> param_names_, aux_names_;
  std::optional<Executor> exec_;
  std::vector<io::DataDesc> data_shapes_, label_shapes_;
  module_bind_options bind_options_;
  bool params_initialized_ = false;
  // Loaded or set before bind: copied into the executor when it is bound.
  std::optional<std::pair<array_dict, array_dict>> pending_params_;
  std::optional<optim::optimizer> optimizer_;
};

/// MXNet's Speedometer: every `frequent` batches, the speed and the metric since the last report
/// ("Epoch[0] Batch [50-100]	Speed: 41234.56 samples/sec	accuracy=0.912000"); the metric's local
/// part is then reset.
class Speedometer {
 public:
  explicit Speedometer(std::size_t batch_size, std::size_t frequent = 50,
                       std::function<void(const std::string&)> logger = {});
  void operator()(const batch_end_param& p);

 private:
  std::size_t batch_size_, frequent_;
  std::function<void(const std::string&)> logger_;
  double tic_ = 0;
  std::size_t last_ = 0;
  bool init_ = false;
};

}  // namespace xsym
