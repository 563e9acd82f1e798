// SliceChannel (split) on runtime Symbols: num_outputs equal parts of an axis, squeeze_axis, its
// outputs named as MXNet names them, every dtype forward, and gradients per output: the joint
// backward gets one head gradient per output (zeros for an output no path reaches), checked
// against plain loops and central differences; MXNet's errors; a JSON round trip.
#include <catch2/catch.hpp>

#include <cmath>
#include <map>
#include <string>
#include <vector>

#include <xsym/xsym.hpp>

#include "../support/arrays.hpp"
#include "../support/error_message.hpp"
#include "../support/symbol_gradients.hpp"

namespace {

using xsym::ndarray;
using xsym::shape;
using xsym::Symbol;
using xsym::test::as_doubles;
using xsym::test::pseudo;
using xsym::test::typed_array;

// Element (o, k, t) of data viewed as (outer, parts, part): output k's element (o, t).
double part_element(const std::vector<double>& data, std::size_t parts, std::size_t part, std::size_t k,
                    std::size_t i) {
  const std::size_t o = i / part, t = i % part;
  return data[(o * parts + k) * part + t];
}

}  // namespace

TEST_CASE("SliceChannel: equal parts of an axis, every output, every dtype, both paths") {
  const auto x = Symbol::variable("x");
  struct split_case {
    shape data;
    int axis, outputs;
    bool squeeze;
    shape part_shape;
    std::size_t outer, part;  // the data as (outer, outputs, part)
  };
  const split_case cases[] = {
      {{2, 6, 3}, 1, 3, false, {2, 2, 3}, 2, 6},
      {{2, 6, 3}, -1, 3, false, {2, 6, 1}, 12, 1},
      {{4, 5}, 0, 4, true, {5}, 1, 5},
      {{2, 3, 2}, 1, 3, true, {2, 2}, 2, 2},
  };
  for (const auto& c : cases)
    for (auto t : {xsym::dtype::float64, xsym::dtype::float32, xsym::dtype::int32, xsym::dtype::uint8})
      for (auto path : {xsym::execution_path::per_op, xsym::execution_path::blocked_fused}) {
        INFO(c.data.str() << " axis " << c.axis << " num_outputs " << c.outputs << " squeeze " << c.squeeze << " "
                          << xsym::dtype_name(t));
        const Symbol s = Symbol::create("SliceChannel", {x},
                                        {{"num_outputs", std::to_string(c.outputs)},
                                         {"axis", std::to_string(c.axis)},
                                         {"squeeze_axis", c.squeeze ? "True" : "False"}},
                                        "split0");
        REQUIRE(s.list_outputs().size() == std::size_t(c.outputs));
        CHECK(s.list_outputs()[1] == "split0_output1");
        std::vector<double> v = pseudo(c.data.size(), 3.0, 0, 100);
        for (auto& e : v) e = double(int(e));  // exact in every dtype
        const ndarray X = typed_array(v, c.data, t);
        auto inferred = s.infer_shape({{"x", c.data}});
        auto ex = s.bind(xsym::cpu(), {{"x", X}}, {.path = path});
        ex.forward();
        for (int k = 0; k < c.outputs; ++k) {
          CHECK(inferred.outputs[std::size_t(k)] == c.part_shape);
          CHECK(ex.outputs()[std::size_t(k)].shape() == c.part_shape);
          CHECK(ex.outputs()[std::size_t(k)].dtype() == t);
          const auto got = as_doubles(ex.outputs()[std::size_t(k)]);
          for (std::size_t i = 0; i < got.size(); ++i)
            CHECK(got[i] == part_element(v, std::size_t(c.outputs), c.part, std::size_t(k), i));
        }
      }
  // MXNet's alias, and the spellings with the attribute struct.
  CHECK(Symbol::create("split", {x}, {{"num_outputs", "2"}}).list_outputs().size() == 2);
  const Symbol parts = xsym::split<"parts">(x, {.num_outputs = 3, .axis = 0, .squeeze_axis = true});
  CHECK(parts.list_outputs() == std::vector<std::string>{"parts_output0", "parts_output1", "parts_output2"});
  CHECK(parts.infer_shape({{"x", {3, 4}}}).outputs.at(2) == shape{4});
  CHECK(xsym::SliceChannel(x, {.num_outputs = 2}).to_json().find("\"num_outputs\": \"2\"") != std::string::npos);
}

TEST_CASE("SliceChannel: each output's head gradient goes back to its part, zeros where none") {
  const auto x = Symbol::variable("x");
  const Symbol s = Symbol::create("SliceChannel", {x}, {{"num_outputs", "3"}}, "split0");
  const shape ds{2, 6, 2};
  const auto v = pseudo(ds.size(), 1.0);
  ndarray gx = ndarray::zeros(ds, xsym::dtype::float64);
  auto ex = s.bind(xsym::cpu(), {{"x", typed_array(v, ds)}}, {.args_grad = {{"x", gx}}});
  ex.forward(true);
  std::vector<ndarray> heads;
  std::vector<std::vector<double>> hv;
  for (int k = 0; k < 3; ++k) {
    hv.push_back(pseudo(8, 10.0 + k));
    heads.push_back(typed_array(hv.back(), {2, 2, 2}));
  }
  ex.backward(heads);
  const auto g = gx.to_vector<double>();
  for (std::size_t i = 0; i < g.size(); ++i) {
    const std::size_t o = i / 12, k = i % 12 / 4, t = i % 4;
    CHECK(g[i] == hv[k][o * 4 + t]);
  }

  // Through a graph that reads outputs 0 and 2 only: output 1's part gets zeros.
  const Symbol parts = Symbol::create("SliceChannel", {x}, {{"num_outputs", "3"}});
  const Symbol y = parts[0] * 2.0 + xsym::exp(parts[2]);
  xsym::test::check_against_differences(y, {{"x", typed_array(v, ds)}}, {"x"});
  ndarray g2 = ndarray::zeros(ds, xsym::dtype::float64);
  auto ey = y.bind(xsym::cpu(), {{"x", typed_array(v, ds)}}, {.args_grad = {{"x", g2}}});
  ey.forward(true);
  ey.backward({ndarray::ones({2, 2, 2}, xsym::dtype::float64)});
  const auto gy = g2.to_vector<double>();
  for (std::size_t i = 0; i < gy.size(); ++i) {
    const std::size_t k = i % 12 / 4;
    CHECK(gy[i] == Approx(k == 0 ? 2.0 : k == 1 ? 0.0 : std::exp(v[i])).epsilon(1e-15));
  }
}

TEST_CASE("SliceChannel: MXNet's errors, and a JSON round trip") {
  const auto x = Symbol::variable("x");
  const auto message = [&](xsym::attr_map a, shape ds) {
    return xsym::test::message_of([&] { (void)Symbol::create("SliceChannel", {x}, a, "sc").infer_shape({{"x", ds}}); });
  };
  CHECK_THAT(message({{"num_outputs", "4"}}, {2, 6}),
             Catch::Contains("You are trying to split the 1-th axis of input tensor with shape [2,6] into "
                             "num_outputs=4 evenly sized chunks") &&
                 Catch::Contains("sc"));
  CHECK_THAT(message({{"num_outputs", "2"}, {"squeeze_axis", "True"}}, {2, 6}),
             Catch::Contains("If squeeze axis is True"));
  CHECK_THAT(message({{"num_outputs", "0"}}, {2, 6}), Catch::Contains("num_outputs"));
  // A count no graph could hold makes one output, and inference says what is wrong: nothing
  // allocates by the number in the attribute.
  const Symbol huge = Symbol::create("SliceChannel", {x}, {{"num_outputs", "4000000000"}}, "huge");
  CHECK(huge.list_outputs().size() == 1);
  CHECK_THAT(xsym::test::message_of([&] { (void)huge.infer_shape({{"x", {2, 6}}}); }),
             Catch::Contains("num_outputs") && Catch::Contains("4096"));

  const Symbol s = Symbol::create("SliceChannel", {x}, {{"num_outputs", "2"}, {"axis", "0"}}, "sc");
  const Symbol back = Symbol::from_json(s.to_json());
  CHECK(back.list_outputs() == s.list_outputs());
  CHECK(back.to_json() == s.to_json());
}
