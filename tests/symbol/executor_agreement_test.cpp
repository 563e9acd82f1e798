// Every op of the operator table, for every element type, through every way a graph runs: the
// static executor (xsym::bind), and a Symbol converted from the same graph bound on each path
// (static_fused, per_op, blocked_fused, and after a JSON round trip, where no compiled loop
// is kept). Each result is checked against a plain scalar loop over the op's element function.
//
// Bound: bitwise equal (NaN equal to NaN) for integer dtypes and for ops whose result is
// exact by construction (+ - * / %, comparisons, maximum/minimum, rounding, clip, cast, ...:
// integers::exact in the table) and for smooth_l1 (plain arithmetic, in one order on every
// path); within 2 ulp for the libm functions (vectorized and scalar
// calls may round differently).
#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include <catch2/catch.hpp>
#include <xsym/xsym.hpp>

#include "../support/sample_values.hpp"
#include "../support/sanitizer.hpp"
#include "../support/ulps.hpp"

namespace {

using xsym::ndarray;
using xsym::execution_path;

// The largest is above the OpenMP threshold (32768); under ASan, where each element costs more,
// just above it.
constexpr std::size_t sizes[] = {0, 1, 1001, xsym::test::address_sanitized ? 33001 : 100003};

using xsym_test::sample;

template <class T>
ndarray make(const std::vector<T>& v) {
  return ndarray::array<T>(v, xsym::shape{std::int64_t(v.size())});
}

using xsym_test::ulps;

template <class T>
void compare_as(const ndarray& got, const ndarray& want, bool exact, const std::string& what) {
  auto g = got.to_vector<T>(), w = want.to_vector<T>();
  for (std::size_t i = 0; i < w.size(); ++i) {
    bool same;
    if constexpr (std::is_floating_point_v<T>) {
      if (std::isnan(w[i]) || std::isnan(g[i]))
        same = std::isnan(w[i]) && std::isnan(g[i]);
      else if (exact || std::isinf(w[i]) || std::isinf(g[i]))
        same = std::bit_cast<std::conditional_t<sizeof(T) == 4, std::uint32_t, std::uint64_t>>(g[i]) ==
                   std::bit_cast<std::conditional_t<sizeof(T) == 4, std::uint32_t, std::uint64_t>>(w[i]);
      else
        same = ulps(g[i], w[i]) <= 2;
    } else {
      same = g[i] == w[i];
    }
    if (!same) {
      INFO(what << ": element " << i << " is " << +g[i] << ", expected " << +w[i]);
      REQUIRE(same);
    }
  }
}

void compare(const ndarray& got, const ndarray& want, bool exact, const std::string& what) {
  INFO(what);
  REQUIRE(got.dtype() == want.dtype());
  REQUIRE(got.shape() == want.shape());
  xsym::visit_element_type(want.dtype(), [&]<class T>(T) { compare_as<T>(got, want, exact, what); });
}

// Runs static graph g every way and compares each output with `want`.
template <class G>
void check_every_path(const G& g, const std::map<std::string, ndarray>& args, const std::vector<ndarray>& want,
                      const std::vector<bool>& exact) {
  struct run {
    std::string how;
    std::vector<ndarray> outputs;
  };
  std::vector<run> runs;
  {
    auto ex = xsym::bind(g, xsym::cpu(0), args);
    ex.forward();
    runs.push_back({"static executor", ex.outputs()});
  }
  xsym::Symbol s = g;
  auto loaded = xsym::Symbol::from_json(s.to_json());
  auto through = [&](const xsym::Symbol& sym, const std::string& how, xsym::bind_options options,
                     execution_path expected) {
    auto ex = sym.bind(xsym::cpu(0), args, options);
    REQUIRE(ex.path() == expected);
    ex.forward();
    runs.push_back({how + " (" + ex.path_description() + ")", ex.outputs()});
  };
  through(s, "converted, automatic", {}, execution_path::static_fused);
  through(s, "converted, per_op", {.path = execution_path::per_op}, execution_path::per_op);
  through(s, "converted, blocked_fused", {.path = execution_path::blocked_fused}, execution_path::blocked_fused);
  through(loaded, "loaded, automatic", {}, execution_path::blocked_fused);
  through(loaded, "loaded, per_op", {.path = execution_path::per_op}, execution_path::per_op);
  through(loaded, "loaded, blocked_fused with blocks of 64",
          {.path = execution_path::blocked_fused, .block_size = 64}, execution_path::blocked_fused);

  auto names = s.list_outputs();
  REQUIRE(names.size() == want.size());
  for (const auto& r : runs) {
    REQUIRE(r.outputs.size() == want.size());
    for (std::size_t k = 0; k < want.size(); ++k) compare(r.outputs[k], want[k], exact[k], r.how + ", " + names[k]);
  }
}

template <class Op>
constexpr bool exact_op = Op::integer_rule == xsym::ops::integers::exact;

// The plain loop: Op's element function, one element at a time.
template <class Op, class T, class P, class... In>
ndarray reference(P param, const std::vector<In>&... in) {
  std::vector<T> out(std::get<0>(std::tie(in...)).size());
  for (std::size_t i = 0; i < out.size(); ++i) out[i] = Op::eval(param, in[i]...);
  return make(out);
}

template <class T, class... U>
void check_unary(xsym::type_list<U...>, std::size_t n) {
  auto a = xsym::variable<"A", T>();
  auto g = xsym::group(xsym::detail::make_node<U>({}, a)...);
  auto A = sample<T>(n, 1);
  check_every_path(g, {{"A", make(A)}}, {reference<U, T>(xsym::ops::no_param{}, A)...}, {exact_op<U>...});
}

template <class T, class... B>
void check_binary(xsym::type_list<B...>, std::size_t n) {
  auto a = xsym::variable<"A", T>();
  auto b = xsym::variable<"B", T>();
  auto g = xsym::group(xsym::detail::make_node<B>({}, a, b)...);
  auto A = sample<T>(n, 1), Bv = sample<T>(n, 2);
  check_every_path(g, {{"A", make(A)}, {"B", make(Bv)}}, {reference<B, T>(xsym::ops::no_param{}, A, Bv)...},
                   {exact_op<B>...});
}

template <class T, class... B>
void check_scalar(xsym::type_list<B...>, std::size_t n) {
  // A fraction for floats; an integer for integers (a fraction would be cut to one anyway).
  const xsym::ops::scalar_value s = std::is_integral_v<T> ? xsym::ops::scalar_value(3) : xsym::ops::scalar_value(1.5);
  auto a = xsym::variable<"A", T>();
  auto g = xsym::group(xsym::detail::make_node<xsym::ops::scalar<B, false>>(s, a)...,
                       xsym::detail::make_node<xsym::ops::scalar<B, true>>(s, a)...);
  auto A = sample<T>(n, 1);
  T st = xsym::ops::scalar<xsym::ops::plus, false>::lower<T>(s);
  check_every_path(g, {{"A", make(A)}},
                   {reference<xsym::ops::scalar<B, false>, T>(st, A)..., reference<xsym::ops::scalar<B, true>, T>(st, A)...},
                   {exact_op<B>..., exact_op<B>...});
}

template <class T, class... To>
void check_parameterized_and_cast(std::size_t n) {
  auto a = xsym::variable<"A", T>();
  auto g = xsym::group(xsym::clip(a, -1.5, 2), xsym::smooth_l1(a, 0.5), xsym::cast<To>(a)...);
  auto A = sample<T>(n, 1);
  check_every_path(g, {{"A", make(A)}},
                   {reference<xsym::ops::clip, T>(xsym::ops::clip::lower<T>({-1.5, 2}), A),
                    reference<xsym::ops::smooth_l1, T>(xsym::ops::smooth_l1::lower<T>({0.5}), A),
                    reference<xsym::ops::cast<To>, To>(xsym::ops::no_param{}, A)...},
                   {true, true, std::is_same_v<To, To>...});
}

template <class T>
void check_all(std::size_t n) {
  check_unary<T>(xsym::ops::unary_ops{}, n);
  check_binary<T>(xsym::ops::binary_ops{}, n);
  check_scalar<T>(xsym::ops::binary_ops{}, n);
  check_parameterized_and_cast<T, float, double, std::uint8_t, std::int8_t, std::int32_t, std::int64_t>(n);
}

}  // namespace

TEMPLATE_TEST_CASE("every op and dtype agrees on every execution path", "[executor][agreement]", float, double,
                   std::uint8_t, std::int8_t, std::int32_t, std::int64_t) {
  for (std::size_t n : sizes) {
    INFO("size " << n);
    check_all<TestType>(n);
  }
}

TEST_CASE("W1 agrees on every path for untyped variables of each bindable dtype", "[executor][agreement]") {
  auto a = xsym::variable<"A">();
  auto b = xsym::variable<"B">();
  auto c = xsym::variable<"C">();
  auto d = xsym::variable<"D">();
  auto e = a * b + c * d;
  for (std::size_t n : sizes) {
    auto A = sample<std::int64_t>(n, 1), B = sample<std::int64_t>(n, 2), C = sample<std::int64_t>(n, 3),
         D = sample<std::int64_t>(n, 4);
    std::vector<std::int64_t> E(n);
    for (std::size_t i = 0; i < n; ++i)  // wrapping, as xsym's integer arithmetic
      E[i] = std::int64_t(std::uint64_t(A[i]) * std::uint64_t(B[i]) + std::uint64_t(C[i]) * std::uint64_t(D[i]));
    check_every_path(e, {{"A", make(A)}, {"B", make(B)}, {"C", make(C)}, {"D", make(D)}}, {make(E)}, {true});
    auto F = [](const std::vector<std::int64_t>& v) { return std::vector<double>(v.begin(), v.end()); };
    std::vector<double> Ed(n);
    for (std::size_t i = 0; i < n; ++i) Ed[i] = double(A[i]) * double(B[i]) + double(C[i]) * double(D[i]);
    check_every_path(e, {{"A", make(F(A))}, {"B", make(F(B))}, {"C", make(F(C))}, {"D", make(F(D))}}, {make(Ed)},
                     {true});
  }
}
