#pragma once
// The gradient check of the runtime Symbol's op tests: backward() on the per_op and
// blocked_fused paths against central finite differences of Σ head·output (float64 arguments).
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <map>
#include <numeric>
#include <string>
#include <vector>

#include <xsym/symbol/executor.hpp>
#include <xsym/symbol/symbol.hpp>

#include "arrays.hpp"

namespace xsym::test {

/// Gradients of Σ head·output 0 with respect to the arguments `wrt` (float64 arrays in `args`),
/// from backward() on both interpreter paths and from central differences, element by element,
/// with a pseudo-random head. An argument element that is NaN must get a zero gradient.
inline void check_against_differences(const Symbol& s, const std::map<std::string, ndarray>& args,
                                      const std::vector<std::string>& wrt, double tolerance = 1e-6) {
  auto run_forward = [&](const std::map<std::string, ndarray>& a) {
    auto ex = s.bind(cpu(), a);
    ex.forward();
    return ex.outputs()[0].to_vector<double>();
  };
  for (auto path : {execution_path::per_op, execution_path::blocked_fused}) {
    INFO(execution_path_name(path));
    std::map<std::string, ndarray> grads;
    for (const auto& name : wrt) grads[name] = ndarray::zeros(args.at(name).shape(), dtype::float64);
    auto ex = s.bind(cpu(), args, {.path = path, .args_grad = grads});
    ex.forward(true);
    const shape out_shape = ex.outputs()[0].shape();
    const auto head = pseudo(out_shape.size(), 7.0, 0.5, 1.5);
    ex.backward({ndarray::array<double>(head, out_shape)});
    for (const auto& name : wrt) {
      const auto got = grads.at(name).to_vector<double>();
      const auto x = args.at(name).to_vector<double>();
      for (std::size_t i = 0; i < x.size(); ++i) {
        INFO(name << "[" << i << "] = " << x[i]);
        if (std::isnan(x[i])) {
          CHECK(got[i] == 0.0);
          continue;
        }
        const double h = 1e-6 * std::max(1.0, std::fabs(x[i]));
        auto moved = [&](double by) {
          auto a = args;
          auto v = x;
          v[i] += by;
          a[name] = ndarray::array<double>(v, args.at(name).shape());
          auto y = run_forward(a);
          return std::inner_product(y.begin(), y.end(), head.begin(), 0.0);
        };
        const double fd = (moved(h) - moved(-h)) / (2 * h);
        CHECK(got[i] == Approx(fd).epsilon(tolerance).margin(1e-7));
      }
    }
  }
}

}  // namespace xsym::test
