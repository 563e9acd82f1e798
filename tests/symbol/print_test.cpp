// Printing runtime Symbols: MXNet's repr through operator<< and the expression form of
// to_string (expr/print.hpp), for Symbols built at run time and loaded from MXNet files.
#include <sstream>
#include <string>

#include <catch2/catch.hpp>
#include <xsym/xsym.hpp>

using xsym::Symbol;

namespace {
std::string streamed(const Symbol& s) {
  std::ostringstream os;
  os << s;
  return os.str();
}
}  // namespace

TEST_CASE("print: a Symbol prints MXNet's repr", "[symbol][print]") {
  xsym::name_scope scope;
  auto x = Symbol::variable("x");
  CHECK(streamed(x) == "<Symbol x>");
  Symbol e = x * 2.0f + 1;
  CHECK(streamed(e) == "<Symbol _plusscalar0>");
  CHECK(streamed(xsym::group(e, xsym::exp(x))) == "<Symbol group [_plusscalar0, exp0]>");
}

TEST_CASE("print: to_string writes a Symbol as an expression", "[symbol][print]") {
  xsym::name_scope scope;
  auto x = Symbol::variable("x");
  auto y = Symbol::variable("y");
  CHECK(xsym::to_string((x * y) + xsym::sqrt(x)) == "(x * y) + sqrt(x)");
  CHECK(xsym::to_string(3 - xsym::clip(x, 0, 1)) == "3 - clip(x, 0, 1)");
  CHECK(xsym::to_string(xsym::smooth_l1(x, 2) * 2) == "smooth_l1(x, 2) * 2");
  CHECK(xsym::to_string(xsym::cast(x, xsym::dtype::int32)) == "Cast(x, dtype=int32)");
  // Network ops MXNet's way: inputs, then the attributes in MXNet's (sorted) order.
  auto fc = Symbol::create("FullyConnected", {Symbol::variable("data")}, {{"num_hidden", "128"}}, "fc1");
  auto act = Symbol::create("Activation", {fc}, {{"act_type", "relu"}}, "relu1");
  CHECK(xsym::to_string(act) == "Activation(FullyConnected(data, fc1_weight, fc1_bias, num_hidden=128), act_type=relu)");
}

TEST_CASE("print: a loaded MXNet model prints", "[symbol][print]") {
  auto lenet = Symbol::load(std::string(XSYM_TEST_DATA_DIR) + "/mxnet/lenet-symbol.json");
  std::string text = xsym::to_string(lenet);
  CHECK(text.starts_with("FullyConnected(Activation(FullyConnected(Flatten(Pooling(Activation(Convolution("));
  CHECK(text.find("Convolution(data, hybridsequential0_conv0_weight, hybridsequential0_conv0_bias, ") !=
        std::string::npos);
  CHECK(streamed(lenet) == "<Symbol hybridsequential0_dense1_fwd>");
}
