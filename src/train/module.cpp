// xsym::module: MXNet 1.x's Module (python/mxnet/module/module.py, base_module.py) over one
// executor.
#include "xsym/train/module.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <iostream>
#include <cstring>

#include "xsym/ndarray/params_file.hpp"

namespace xsym {
namespace {

double seconds_now() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

std::string format(const char* fmt, auto... args) {
  char buf[256];
  std::snprintf(buf, sizeof buf, fmt, args...);
  return buf;
}

bool contains(const std::vector<std::string>& names, const std::string& n) {
  return std::find(names.begin(), names.end(), n) != names.end();
}

std::string joined(const std::vector<std::string>& names) {
  std::string s;
  for (const auto& n : names) s += (s.empty() ? "" : ", ") + n;
  return s.empty() ? "none" : s;
}

// The rows [0, rows) of a (batch, ...) array, copied.
ndarray first_rows(const ndarray& a, std::size_t rows) {
  if (a.ndim() == 0 || std::size_t(a.shape()[0]) == rows) return a.copy();
  auto dims = a.shape().dims();
  const std::size_t row_bytes = a.nbytes() / std::size_t(dims[0]);
  dims[0] = std::int64_t(rows);
  ndarray out(shape(dims), a.dtype());
  std::memcpy(out.raw_data(), a.raw_data(), rows * row_bytes);
  return out;
}

ndarray concat_rows(const std::vector<ndarray>& parts) {
  auto dims = parts.front().shape().dims();
  std::int64_t rows = 0;
  for (const auto& p : parts) rows += p.shape()[0];
  dims[0] = rows;
  ndarray out(shape(dims), parts.front().dtype());
  auto* dst = static_cast<std::byte*>(out.raw_data());
  for (const auto& p : parts) {
    std::memcpy(dst, p.raw_data(), p.nbytes());
    dst += p.nbytes();
  }
  return out;
}

}  // namespace

module::module(Symbol symbol, module_options options) : symbol_(std::move(symbol)), options_(std::move(options)) {
  const auto args = symbol_.list_arguments();
  for (const auto* names : {&options_.data_names, &options_.label_names})
    for (const auto& n : *names)
      if (!contains(args, n))
        throw error("xsym::module: '" + n + "' is not an argument of the symbol; its arguments are " + joined(args));
  for (const auto& n : options_.fixed_param_names)
    if (!contains(args, n))
      throw error("xsym::module: fixed parameter '" + n + "' is not an argument of the symbol; its arguments are " +
                  joined(args));
  for (const auto& n : args)
    if (!contains(options_.data_names, n) && !contains(options_.label_names, n)) param_names_.push_back(n);
  aux_names_ = symbol_.list_auxiliary_states();
}

void module::require_bound(std::string_view what) const {
  if (!exec_) throw error("xsym::module::" + std::string(what) + ": call bind first");
}

const Executor& module::executor() const {
  require_bound("executor");
  return *exec_;
}

const optim::optimizer& module::optimizer() const {
  if (!optimizer_) throw error("xsym::module::optimizer: call init_optimizer first");
  return *optimizer_;
}

void module::bind(std::vector<io::DataDesc> data_shapes, std::vector<io::DataDesc> label_shapes,
                  module_bind_options options) {
  if (exec_ && !options.force_rebind) return;  // MXNet warns "Already bound, ignoring bind()"
  auto check_names = [](const std::vector<io::DataDesc>& given, const std::vector<std::string>& expected,
                        const char* what) {
    std::vector<std::string> names;
    for (const auto& d : given) names.push_back(d.name);
    if (names != expected)
      throw error(std::string("xsym::module::bind: the ") + what + " shapes name " + joined(names) +
                  ", but the module's " + what + "_names are " + joined(expected));
  };
  check_names(data_shapes, options_.data_names, "data");
  check_names(label_shapes, options_.label_names, "label");
  if (data_shapes.empty() || data_shapes[0].shape.ndim() == 0)
    throw error("xsym::module::bind: the first data shape must have the batch as its first dimension");

  // Keep the parameters of a previous binding.
  std::optional<std::pair<array_dict, array_dict>> kept;
  if (exec_ && params_initialized_) kept = get_params();

  std::map<std::string, shape> shapes;
  std::map<std::string, dtype> dtypes;
  std::map<std::string, grad_req> reqs;
  for (const auto* descs : {&data_shapes, &label_shapes})
    for (const auto& d : *descs) shapes[d.name] = d.shape, dtypes[d.name] = d.dtype;
  for (const auto& n : symbol_.list_arguments()) {
    grad_req r = grad_req::null;
    if (options.for_training) {
      if (contains(options_.data_names, n)) r = options.inputs_need_grad ? grad_req::write : grad_req::null;
      else if (!contains(options_.label_names, n) && !contains(options_.fixed_param_names, n)) r = options.grad_req;
    }
    reqs[n] = r;
  }
  exec_.reset();
  exec_ = symbol_.simple_bind(options_.context, shapes, dtypes, {.grad_req = grad_requests(reqs)});
  data_shapes_ = std::move(data_shapes);
  label_shapes_ = std::move(label_shapes);
  bind_options_ = options;
  if (kept) pending_params_ = std::move(kept);
  if (pending_params_) {
    copy_params_in(pending_params_->first, pending_params_->second, false, nullptr);
    params_initialized_ = true;
    pending_params_.reset();
  }
}

void module::copy_params_in(const array_dict& arg_params, const array_dict& aux_params, bool allow_missing,
                            const init::initializer* fill) {
  const auto args = exec_->arg_dict(), aux = exec_->aux_dict();
  auto copy_group = [&](const std::vector<std::string>& names, const array_dict& target, const array_dict& given,
                        const char* what) {
    for (const auto& n : names) {
      const ndarray& dst = target.at(n);
      if (given.contains(n)) {
        const ndarray& src = given.at(n);
        if (src.shape() != dst.shape())
          throw error(std::string("xsym::module: ") + what + " '" + n + "' has shape " + src.shape().str() +
                      ", but the bound network needs " + dst.shape().str());
        if (src.dtype() != dst.dtype())
          throw error(std::string("xsym::module: ") + what + " '" + n + "' is " + std::string(dtype_name(src.dtype())) +
                      ", but the bound network needs " + std::string(dtype_name(dst.dtype())));
        dst.copy_from(src);
      } else if (allow_missing && fill) {
        (*fill)(n, dst);
      } else {
        throw error(std::string("xsym::module: ") + what + " '" + n + "' is not presented (MXNet: \"" + n +
                    " is not presented\"); pass allow_missing to initialize it");
      }
    }
  };
  copy_group(param_names_, args, arg_params, "parameter");
  copy_group(aux_names_, aux, aux_params, "auxiliary state");
}

void module::init_params(const init::initializer& initializer, init_params_options options) {
  if (params_initialized_ && !options.force_init) return;  // MXNet warns and keeps them
  require_bound("init_params");
  if (!options.arg_params && !options.aux_params) {
    const auto args = exec_->arg_dict(), aux = exec_->aux_dict();
    for (const auto& n : param_names_) initializer(n, args.at(n));
    for (const auto& n : aux_names_) initializer(n, aux.at(n));
  } else {
    copy_params_in(options.arg_params.value_or(array_dict()), options.aux_params.value_or(array_dict()),
                   options.allow_missing, &initializer);
  }
  params_initialized_ = true;
}

void module::init_optimizer(optim::optimizer optimizer, bool force_init) {
  if (optimizer_ && !force_init) return;  // MXNet warns "optimizer already initialized, ignoring..."
  require_bound("init_optimizer");
  if (!params_initialized_) throw error("xsym::module::init_optimizer: call init_params first");
  optimizer.set_rescale_grad(1.0f / float(data_shapes_[0].shape[0]));
  optimizer.set_param_names(param_names_);
  optimizer_ = std::move(optimizer);
}

void module::forward(const io::DataBatch& batch, std::optional<bool> is_train) {
  require_bound("forward");
  if (!params_initialized_) throw error("xsym::module::forward: call init_params first");
  const auto args = exec_->arg_dict();
  auto load = [&](const std::vector<ndarray>& arrays, const std::vector<io::DataDesc>& descs, const char* what) {
    if (arrays.size() != descs.size() && !(arrays.empty() && std::string_view(what) == "label"))
      throw error(std::string("xsym::module::forward: the batch has ") + std::to_string(arrays.size()) + " " + what +
                  " arrays, the module is bound with " + std::to_string(descs.size()));
    for (std::size_t i = 0; i < arrays.size(); ++i) {
      const ndarray& dst = args.at(descs[i].name);
      if (arrays[i].shape() != dst.shape())
        throw error("xsym::module::forward: " + std::string(what) + " '" + descs[i].name + "' has shape " +
                    arrays[i].shape().str() + ", the module is bound for " + dst.shape().str());
      dst.copy_from(arrays[i]);
    }
  };
  load(batch.data, data_shapes_, "data");
  load(batch.label, label_shapes_, "label");
  exec_->forward(is_train.value_or(bind_options_.for_training));
}

void module::backward(const std::vector<ndarray>& out_grads) {
  require_bound("backward");
  if (!bind_options_.for_training) throw error("xsym::module::backward: the module is bound with for_training false");
  exec_->backward(out_grads);
}

void module::update() {
  require_bound("update");
  if (!optimizer_) throw error("xsym::module::update: call init_optimizer first");
  const auto args = exec_->arg_dict(), grads = exec_->grad_dict();
  for (std::size_t i = 0; i < param_names_.size(); ++i) {
    const ndarray& g = grads.at(param_names_[i]);
    if (g.has_storage()) optimizer_->update(i, args.at(param_names_[i]), g);
  }
}

const std::vector<ndarray>& module::get_outputs() const {
  require_bound("get_outputs");
  return exec_->outputs();
}

std::vector<ndarray> module::get_input_grads() const {
  require_bound("get_input_grads");
  if (!bind_options_.inputs_need_grad)
    throw error("xsym::module::get_input_grads: bind with inputs_need_grad to get the data's gradients");
  const auto grads = exec_->grad_dict();
  std::vector<ndarray> out;
  for (const auto& n : options_.data_names) out.push_back(grads.at(n));
  return out;
}

void module::update_metric(metric::EvalMetric& eval_metric, const std::vector<ndarray>& labels) const {
  const auto& outs = get_outputs();
  // A network with more outputs than labels is scored on its first outputs (MXNet pairs them).
  eval_metric.update(labels, std::vector<ndarray>(outs.begin(), outs.begin() + std::ptrdiff_t(std::min(labels.size(), outs.size()))));
}

void module::log(const fit_options& o, const std::string& line) const {
  if (o.logger) o.logger(line);
  else std::cout << line << '\n' << std::flush;
}

void module::fit(io::DataIter& train_data, fit_options o) {
  bind(train_data.provide_data(), train_data.provide_label(), {.for_training = true, .force_rebind = o.force_rebind});
  init_params(o.initializer, {.arg_params = o.arg_params, .aux_params = o.aux_params,
                              .allow_missing = o.allow_missing, .force_init = o.force_init});
  init_optimizer(o.optimizer);
  auto eval_metric = o.eval_metric ? o.eval_metric : std::shared_ptr<metric::EvalMetric>(metric::create("acc"));
  auto validation_metric = o.validation_metric ? o.validation_metric : eval_metric;

  for (std::size_t epoch = o.begin_epoch; epoch < o.num_epoch; ++epoch) {
    const double tic = seconds_now();
    eval_metric->reset();
    std::size_t nbatch = 0;
    while (auto batch = train_data.next()) {
      forward_backward(*batch);
      update();
      update_metric(*eval_metric, batch->label);
      if (o.batch_end_callback) o.batch_end_callback({epoch, nbatch, *eval_metric});
      ++nbatch;
    }
    log(o, format("Epoch[%zu] Train-%s=%f", epoch, eval_metric->name().c_str(), eval_metric->get_global()));
    log(o, format("Epoch[%zu] Time cost=%.3f", epoch, seconds_now() - tic));
    if (o.epoch_end_callback) {
      const auto [arg_params, aux_params] = get_params();
      o.epoch_end_callback({epoch, symbol_, arg_params, aux_params});
    }
    if (o.eval_data) {
      const auto [name, value] = score(*o.eval_data, *validation_metric);
      log(o, format("Epoch[%zu] Validation-%s=%f", epoch, name.c_str(), value));
    }
    train_data.reset();
  }
}

std::vector<ndarray> module::predict(io::DataIter& data, std::size_t num_batch, bool reset) {
  require_bound("predict");
  if (reset) data.reset();
  std::vector<std::vector<ndarray>> parts;
  for (std::size_t n = 0; num_batch == 0 || n < num_batch; ++n) {
    auto batch = data.next();
    if (!batch) break;
    forward(*batch, false);
    const auto& outs = get_outputs();
    parts.resize(outs.size());
    for (std::size_t k = 0; k < outs.size(); ++k) {
      const std::size_t rows = outs[k].ndim() ? std::size_t(outs[k].shape()[0]) : 1;
      parts[k].push_back(first_rows(outs[k], rows - std::min(rows, batch->pad)));
    }
  }
  std::vector<ndarray> merged;
  for (const auto& p : parts) merged.push_back(concat_rows(p));
  return merged;
}

std::pair<std::string, double> module::score(io::DataIter& data, metric::EvalMetric& eval_metric,
                                             std::size_t num_batch, bool reset) {
  require_bound("score");
  if (reset) data.reset();
  eval_metric.reset();
  for (std::size_t n = 0; num_batch == 0 || n < num_batch; ++n) {
    auto batch = data.next();
    if (!batch) break;
    forward(*batch, false);
    update_metric(eval_metric, batch->label);
  }
  return {eval_metric.name(), eval_metric.get_global()};
}

std::pair<array_dict, array_dict> module::get_params() const {
  if (!exec_) {
    if (pending_params_) return *pending_params_;
    throw error("xsym::module::get_params: the module has no parameters yet (bind and init_params, or load)");
  }
  auto copies = [](const std::vector<std::string>& names, const array_dict& from) {
    std::vector<array_dict::value_type> out;
    for (const auto& n : names) out.emplace_back(n, from.at(n).copyto(cpu()));
    return array_dict(std::move(out));
  };
  return {copies(param_names_, exec_->arg_dict()), copies(aux_names_, exec_->aux_dict())};
}

void module::set_params(const array_dict& arg_params, const array_dict& aux_params, bool allow_missing,
                        bool force_init) {
  if (params_initialized_ && !force_init) return;
  if (!exec_) {
    pending_params_ = {arg_params, aux_params};
    return;
  }
  copy_params_in(arg_params, aux_params, allow_missing, nullptr);
  params_initialized_ = true;
}

void module::save_checkpoint(const std::string& prefix, std::size_t epoch) const {
  symbol_.save(prefix + "-symbol.json");
  const auto [arg_params, aux_params] = get_params();
  std::vector<array_dict::value_type> entries;
  for (const auto& [n, a] : arg_params) entries.emplace_back("arg:" + n, a);
  for (const auto& [n, a] : aux_params) entries.emplace_back("aux:" + n, a);
  ndarray::save(format("%s-%04zu.params", prefix.c_str(), epoch), array_dict(std::move(entries)));
}

module::checkpoint module::load_checkpoint(const std::string& prefix, std::size_t epoch) {
  const std::string params_file = format("%s-%04zu.params", prefix.c_str(), epoch);
  checkpoint c{Symbol::load(prefix + "-symbol.json"), {}, {}};
  const auto loaded = ndarray::load(params_file);
  if (!loaded.named() && !loaded.arrays.empty())
    throw error("xsym::module::load_checkpoint: " + params_file + " holds arrays without names");
  std::vector<array_dict::value_type> args, aux;
  for (std::size_t i = 0; i < loaded.names.size(); ++i) {
    const std::string& key = loaded.names[i];
    const auto colon = key.find(':');
    const std::string kind = colon == std::string::npos ? "" : key.substr(0, colon);
    if (kind != "arg" && kind != "aux")
      throw error("xsym::module::load_checkpoint: " + params_file + ": array " + std::to_string(i) + " is named '" +
                  key + "'; checkpoint names start with \"arg:\" or \"aux:\"");
    (kind == "arg" ? args : aux).emplace_back(key.substr(colon + 1), loaded.arrays[i]);
  }
  c.arg_params = array_dict(std::move(args));
  c.aux_params = array_dict(std::move(aux));
  return c;
}

module module::load(const std::string& prefix, std::size_t epoch, module_options options) {
  auto c = load_checkpoint(prefix, epoch);
  module m(std::move(c.symbol), std::move(options));
  m.pending_params_ = {std::move(c.arg_params), std::move(c.aux_params)};
  return m;
}

Speedometer::Speedometer(std::size_t batch_size, std::size_t frequent, std::function<void(const std::string&)> logger)
    : batch_size_(batch_size), frequent_(frequent ? frequent : 1), logger_(std::move(logger)) {}

void Speedometer::operator()(const batch_end_param& p) {
  const std::size_t count = p.nbatch;  // MXNet's: counted from 0, so the first report is [0-50]
  if (last_ > count) init_ = false;  // a new epoch
  last_ = count;
  if (!init_) {
    init_ = true;
    tic_ = seconds_now();
    return;
  }
  if (count % frequent_ != 0) return;
  const double speed = double(frequent_ * batch_size_) / (seconds_now() - tic_);
  std::string line = format("Epoch[%zu] Batch [%zu-%zu]\tSpeed: %.2f samples/sec\t%s=%f", p.epoch, count - frequent_,
                            count, speed, p.eval_metric.name().c_str(), p.eval_metric.get());
  p.eval_metric.reset_local();
  if (logger_) logger_(line);
  else std::cout << line << '\n' << std::flush;
  tic_ = seconds_now();
}

}  // namespace xsym
