// Symbol::bind with gradients (bind_gradients.hpp): MXNet's request rules, the checks of the
// gradient arrays, and the graph the executor binds: the symbol's outputs, then its gradients
// (gradient.cpp), each written into its array (write) or added to it (add) in the same pass.
#include "bind_gradients.hpp"

#include <algorithm>
#include <memory>

#include "gradient_pass.hpp"
#include "xsym/core/error.hpp"
#include "xsym/exec/check_gradient.hpp"
#include "xsym/ops/table.hpp"
#include "xsym/symbol/gpu_backend.hpp"

namespace xsym::detail {

namespace {

std::string joined(const std::vector<std::string>& names) {
  std::string s;
  for (const auto& n : names) s += (s.empty() ? "" : ", ") + n;
  return s;
}

bool contains(const std::vector<std::string>& v, const std::string& x) {
  return std::find(v.begin(), v.end(), x) != v.end();
}

}  // namespace

std::optional<gradient_binding> bind_gradients(const Symbol& s, context ctx, const std::map<std::string, ndarray>& args,
                                               const bind_options& options) {
  const std::string who = "xsym::Symbol::bind: ";
  const std::vector<std::string> arguments = s.list_arguments();
  for (const auto& [name, _] : options.args_grad)
    if (!contains(arguments, name))
      throw error(who + "args_grad names '" + name + "', which is not an argument of the symbol; its arguments are " +
                  joined(arguments));
  if (options.grad_req.named())
    for (const auto& [name, _] : options.grad_req.by_name())
      if (!contains(arguments, name))
        throw error(who + "grad_req names '" + name + "', which is not an argument of the symbol; its arguments are " +
                    joined(arguments));

  gradient_binding b;
  std::vector<std::string> wrt;
  for (const auto& name : arguments) {
    auto it = options.args_grad.find(name);
    grad_req r = options.grad_req.of(name, grad_req::write);
    if (it == options.args_grad.end()) r = grad_req::null;  // no array: null, as MXNet forces it
    b.reqs.push_back(r);
    b.grads.push_back(r == grad_req::null ? ndarray() : it->second);
    if (r != grad_req::null) wrt.push_back(name);
  }
  if (wrt.empty()) return std::nullopt;
  // A missing or empty argument, one on another context, or a GPU without xsym::cuda, is the
  // plain binder's error, in its words.
  for (const auto& name : arguments)
    if (auto it = args.find(name); it == args.end() || !it->second.has_storage() || it->second.context() != ctx)
      return std::nullopt;
  if (ctx.type != context::device::cpu && !detail::symbol_gpu_backend_slot()) return std::nullopt;

  for (std::size_t k = 0; k < arguments.size(); ++k) {
    if (b.reqs[k] == grad_req::null) continue;
    const std::string& name = arguments[k];
    const ndarray& arg = args.at(name);
    const ndarray& grad = b.grads[k];
    check_gradient_array(who, name, arg, grad, b.reqs[k], ctx, "symbol");
    auto what = [&] { return who + "the gradient of argument '" + name + "'"; };
    // The backward nodes read the arguments while the gradients are written.
    for (const auto& other : arguments)
      if (args.at(other).raw_data() == grad.raw_data())
        throw error(what() + " is the array of argument '" + other + "' (grad_req " +
                    std::string(grad_req_name(b.reqs[k])) + "): the gradient would overwrite the values it is "
                    "computed from; give it an array of its own");
    for (std::size_t j = 0; j < k; ++j)
      if (b.reqs[j] != grad_req::null && b.grads[j].raw_data() == grad.raw_data())
        throw error(what() + " is also the gradient array of argument '" + arguments[j] +
                    "'; give each gradient an array of its own");
  }

  Symbol both = gradient_symbol(s, wrt, true, "xsym::Symbol::bind");
  const std::size_t num_outputs = s.outputs().size();
  std::vector<std::string> names = both.list_arguments();
  for (const auto& name : arguments) b.args.emplace(name, args.at(name));

  // The head gradients' arrays, of their outputs' shapes and dtypes.
  const std::vector<std::string> outputs = s.list_outputs();
  b.head_grads.resize(num_outputs);
  std::map<std::string, shape> shapes;
  std::map<std::string, dtype> dtypes;
  for (const auto& name : arguments) {
    shapes[name] = args.at(name).shape();
    dtypes[name] = args.at(name).dtype();
  }
  shape_inference sh;
  type_inference ty;
  try {
    sh = s.infer_shape(shapes);
    ty = s.infer_type(dtypes);
  } catch (const error& e) {
    throw error(who + e.what());
  }
  for (const auto& o : s.outputs()) b.needs_head_grad.push_back(!(o.node->def && o.node->def->loss));
  for (std::size_t k = 0; k < num_outputs; ++k) {
    std::string name = outputs[k] + head_gradient_suffix;
    if (!contains(names, name) || b.args.count(name)) continue;
    b.head_grads[k] = ndarray(sh.outputs[k], ty.outputs[k], ctx);
    b.args.emplace(name, b.head_grads[k]);
    b.internal.insert(name);
  }

  // The gradient outputs: written into their arrays, or added to them by a `_plus` node that
  // reads the array it writes (element i is read before it is written).
  std::vector<node_entry> heads(both.outputs().begin(), both.outputs().begin() + std::ptrdiff_t(num_outputs));
  const op_def* plus = find_op(ops::plus::names.mxnet);
  std::size_t j = num_outputs;
  for (std::size_t k = 0; k < arguments.size(); ++k) {
    if (b.reqs[k] == grad_req::null) continue;
    node_entry g = both.outputs()[j++];
    b.gradient_outputs.push_back(b.grads[k]);
    if (b.reqs[k] == grad_req::write) {
      heads.push_back(g);
      continue;
    }
    std::string held = arguments[k] + "_grad";
    while (contains(names, held) || b.args.count(held)) held += "_";
    auto v = std::make_shared<graph_node>();
    v->name = held;
    auto sum = std::make_shared<graph_node>();
    sum->op = plus->name;
    sum->def = plus;
    sum->name = held + "_add";
    sum->inputs = {{v, 0, 0}, g};
    heads.push_back({sum, 0, 0});
    b.args.emplace(held, b.grads[k]);
    b.internal.insert(held);
  }
  b.graph = Symbol(std::move(heads));
  for (const auto& n : s.topological_nodes()) b.forward_nodes.insert(n.get());
  return b;
}

}  // namespace xsym::detail
