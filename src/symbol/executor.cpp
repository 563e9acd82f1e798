// The Executor of a runtime Symbol (executor.hpp): forward, backward and the dicts over the
// state that executor_builder.cpp built, and Symbol::bind and simple_bind, which build it.
#include <algorithm>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "bind_gradients.hpp"
#include "executor_impl.hpp"
#include "xsym/core/error.hpp"

namespace xsym {

namespace {
std::string joined(const std::vector<std::string>& names) {
  std::string s;
  for (const auto& n : names) s += (s.empty() ? "" : ", ") + n;
  return s;
}
}  // namespace


Executor::Executor(std::unique_ptr<impl> p) : impl_(std::move(p)) {}
Executor::Executor(Executor&&) noexcept = default;
Executor& Executor::operator=(Executor&&) noexcept = default;
Executor::~Executor() = default;

namespace {
// Steps [begin, end): on a GPU asynchronously, each enqueuing a kernel on the executor's stream,
// ordered against the device's storage stream.
void run_steps(Executor::impl& ex, std::size_t begin, std::size_t end) {
  if (!ex.gpu) {
    for (std::size_t k = begin; k < end; ++k) ex.steps[k]();
    return;
  }
  struct range {
    Executor::impl* ex;
    std::size_t begin, end;
  } r{&ex, begin, end};
  ex.gpu->run_on_stream(
      ex.ctx.id, ex.stream,
      [](void* p) {
        const auto& [e, b, en] = *static_cast<range*>(p);
        for (std::size_t k = b; k < en; ++k) e->steps[k]();
      },
      &r);
}
}  // namespace

void Executor::forward(bool is_train) {
  impl_->forwarded = true;
  impl_->state.is_train = is_train;  // what backward() reads stays in its planned buffers either way
  if (is_train) ++impl_->state.passes;
  run_steps(*impl_, 0, impl_->forward_steps);
}

void Executor::backward(const std::vector<ndarray>& out_grads) {
  impl& ex = *impl_;
  const std::string who = "xsym::Executor::backward: ";
  if (!ex.has_gradients)
    throw error(who + "the executor was bound without gradients; bind with args_grad and grad_req "
                "(s.bind(ctx, args, {.args_grad = ..., .grad_req = ...})), or simple_bind with grad_req");
  // None at all is fine when every output is a loss head's; otherwise one per output.
  for (std::size_t k = out_grads.size(); k < ex.outputs.size(); ++k)
    if (!out_grads.empty() || ex.needs_head_grad[k])
      throw error(who + "output '" + ex.out_names[k] +
                  "' has no head gradient: because the last operator is not Loss function, head_gradient is "
                  "required when calling backward (give one array per output)");
  if (out_grads.size() > ex.outputs.size())
    throw error(who + "got " + std::to_string(out_grads.size()) + " head gradients for " +
                std::to_string(ex.outputs.size()) + " outputs");
  for (std::size_t k = 0; k < out_grads.size(); ++k) {
    const ndarray& h = out_grads[k];
    const ndarray& o = ex.outputs[k];
    if (!h.has_storage() && !ex.needs_head_grad[k]) continue;  // a loss head ignores it
    auto what = [&] { return who + "the head gradient of output '" + ex.out_names[k] + "'"; };
    if (!h.has_storage()) throw error(what() + " is an empty ndarray");
    if (h.shape() != o.shape())
      throw error(what() + " has shape " + h.shape().str() + ", but the output has shape " + o.shape().str());
    if (h.dtype() != o.dtype())
      throw error(what() + " is " + std::string(dtype_name(h.dtype())) + ", but the output is " +
                  std::string(dtype_name(o.dtype())));
    if (h.context() != ex.ctx)
      throw error(what() + " is on " + h.context().str() + ", but the executor is on " + ex.ctx.str());
  }
  if (!ex.forwarded)
    throw error(who + "backward() reads what forward() computed; call forward(true) first");
  for (std::size_t k = 0; k < out_grads.size(); ++k)  // on a GPU, ordered on the storage stream
    if (ex.head_grads[k].has_storage() && out_grads[k].has_storage()) ex.head_grads[k].copy_from(out_grads[k]);
  run_steps(ex, ex.forward_steps, ex.steps.size());
}

void Executor::backward(const std::map<std::string, ndarray>& out_grads) {
  for (const auto& [name, _] : out_grads)
    if (std::find(impl_->out_names.begin(), impl_->out_names.end(), name) == impl_->out_names.end())
      throw error("xsym::Executor::backward: '" + name + "' is not an output of the symbol; its outputs are " +
                  joined(impl_->out_names));
  std::vector<ndarray> heads;
  for (const auto& name : impl_->out_names) {
    auto it = out_grads.find(name);
    if (it == out_grads.end()) {
      if (impl_->needs_head_grad.empty() || impl_->needs_head_grad[heads.size()]) break;  // named by backward(heads)
      heads.emplace_back();  // a loss head's output needs none
      continue;
    }
    heads.push_back(it->second);
  }
  backward(heads);
}

const std::vector<ndarray>& Executor::grad_arrays() const { return impl_->grads; }
std::vector<grad_req> Executor::grad_reqs() const {
  return impl_->has_gradients ? impl_->reqs : std::vector<grad_req>(impl_->args.size(), grad_req::null);
}

const std::vector<ndarray>& Executor::outputs() const { return impl_->outputs; }
namespace {
array_dict dict_of(const std::vector<std::string>& names, const std::vector<ndarray>& arrays) {
  std::vector<array_dict::value_type> d;
  for (std::size_t k = 0; k < arrays.size() && k < names.size(); ++k) d.emplace_back(names[k], arrays[k]);
  return array_dict(std::move(d));
}
}  // namespace
array_dict Executor::arg_dict() const { return dict_of(impl_->arg_names, impl_->args); }
array_dict Executor::aux_dict() const { return dict_of(impl_->aux_names, impl_->aux); }
array_dict Executor::output_dict() const { return dict_of(impl_->out_names, impl_->outputs); }
array_dict Executor::grad_dict() const { return dict_of(impl_->arg_names, grad_arrays()); }
xsym::context Executor::context() const { return impl_->ctx; }
execution_path Executor::path() const { return impl_->path; }
const std::string& Executor::path_description() const { return impl_->description; }
const std::string& Executor::plan_description() const { return impl_->plan; }
std::size_t Executor::intermediate_bytes() const { return impl_->intermediate_bytes; }
void* Executor::stream() const { return impl_->stream; }
void Executor::set_stream(void* stream) {
  if (!impl_->gpu)
    throw error("xsym::Executor::set_stream: the executor runs on " + impl_->ctx.str() + ", which has no streams");
  impl_->stream = stream ? stream : impl_->own_stream.get();
}

Executor Symbol::bind(context ctx, const std::map<std::string, ndarray>& args, bind_options options) const {
  auto ex = std::make_unique<Executor::impl>();
  if (auto gradients = detail::bind_gradients(*this, ctx, args, options))
    detail::build_executor(gradients->graph, ctx, options, *ex, gradients->args, &*gradients);
  else
    detail::build_executor(*this, ctx, options, *ex, args, nullptr);
  if (!ex->has_gradients) {  // every request null: MXNet's None for each argument
    ex->grads.resize(ex->args.size());
    ex->reqs.assign(ex->args.size(), grad_req::null);
  }
  return Executor(std::move(ex));
}

Executor Symbol::simple_bind(context ctx, const std::map<std::string, shape>& shapes,
                             const std::map<std::string, dtype>& dtypes, bind_options options) const {
  const char* who = "xsym::Symbol::simple_bind: ";
  if (!options.args_grad.empty())
    throw error(who + std::string("simple_bind allocates the gradient arrays; give grad_req only (args_grad is bind's)"));
  // An op xsym does not know stops inference; name it, not the shapes it left unknown.
  for (const auto& n : topological_nodes())
    if (!n->is_variable() && !n->def) throw error(who + unknown_op_message(n->op, n->name));
  // dtypes: the given ones, what they imply, then float32 for the rest (MXNet's default).
  std::map<std::string, dtype> types = dtypes;
  partial_type_inference t;
  try {
    t = infer_type_partial(types);
  } catch (const error& e) {
    throw error(who + std::string(e.what()));
  }
  auto arg_names = list_arguments(), aux_names = list_auxiliary_states();
  for (std::size_t k = 0; k < arg_names.size(); ++k)
    types.emplace(arg_names[k], t.arguments[k].value_or(dtype::float32));
  for (std::size_t k = 0; k < aux_names.size(); ++k)
    types.emplace(aux_names[k], t.auxiliary_states[k].value_or(dtype::float32));
  try {
    t = infer_type_partial(types);
  } catch (const error& e) {
    throw error(who + std::string(e.what()));
  }
  shape_inference s;
  try {
    s = infer_shape_partial(shapes);
  } catch (const error& e) {
    throw error(who + std::string(e.what()));
  }
  auto known = [](const shape& x) {
    return x.ndim() > 0 && std::none_of(x.begin(), x.end(), [](std::int64_t d) { return d == 0; });
  };
  auto make = [&](const std::string& n, const shape& x, const std::optional<dtype>& d) {
    if (!known(x))
      throw error(who + std::string("the shape of '") + n + "' cannot be inferred (got " + x.str() +
                  "); give it in the shapes");
    return ndarray(x, d.value_or(dtype::float32), ctx);
  };
  std::map<std::string, ndarray> args;
  for (std::size_t k = 0; k < arg_names.size(); ++k)
    args.emplace(arg_names[k], make(arg_names[k], s.arguments[k], t.arguments[k]));
  for (std::size_t k = 0; k < aux_names.size(); ++k)
    options.aux_states.emplace(aux_names[k], make(aux_names[k], s.auxiliary_states[k], t.auxiliary_states[k]));
  // Zero-filled gradients for the requests that are not null; a request for every argument
  // passes over the integer ones (they have none), a request by name is checked by bind.
  for (const auto& [name, a] : args) {
    grad_req r = options.grad_req.of(name, grad_req::null);
    if (r == grad_req::null || (!options.grad_req.named() && !is_floating(a.dtype()))) continue;
    options.args_grad.emplace(name, ndarray(a.shape(), a.dtype(), ctx));
  }
  return bind(ctx, args, std::move(options));
}

}  // namespace xsym
