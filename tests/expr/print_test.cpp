// Printing static graphs (expr/print.hpp): MXNet's repr through operator<<, and the expression
// form of to_string, checked against hand-written strings; the same graphs converted to Symbols
// print the same (tests/symbol/print_test.cpp checks Symbols built at run time and loaded).
#include <sstream>
#include <string>

#include <catch2/catch.hpp>
#include <xsym/xsym.hpp>

namespace {

template <class T>
std::string streamed(const T& x) {
  std::ostringstream os;
  os << x;
  return os.str();
}

constexpr auto A = xsym::variable<"A">();
constexpr auto B = xsym::variable<"B">();
constexpr auto C = xsym::variable<"C">();
constexpr auto D = xsym::variable<"D">();

}  // namespace

TEST_CASE("print: operator<< gives MXNet's repr of a static graph", "[expr][print]") {
  CHECK(streamed((A * B) + (C * D)) == "<Symbol _plus0>");
  CHECK(streamed(A * 2 + 1) == "<Symbol _plusscalar0>");
  CHECK(streamed(A) == "<Symbol A>");
  CHECK(streamed(xsym::group(A * B, xsym::exp(C))) == "<Symbol group [_mul0, exp0]>");
  CHECK(streamed(xsym::Group(A * B, xsym::exp(C))) == "<Symbol group [_mul0, exp0]>");
  // The converted Symbol prints the same.
  CHECK(streamed(xsym::Symbol((A * B) + (C * D))) == "<Symbol _plus0>");
  CHECK(streamed(xsym::Symbol(xsym::group(A * B, xsym::exp(C)))) == "<Symbol group [_mul0, exp0]>");
}

TEST_CASE("print: to_string writes a static graph as an expression", "[expr][print]") {
  CHECK(xsym::to_string((A * B) + (C * D)) == "(A * B) + (C * D)");
  CHECK(xsym::to_string(A) == "A");
  // Scalars on either side, as written; a unary minus is MXNet's multiplication by -1.0.
  CHECK(xsym::to_string(A + 1.5) == "A + 1.5");
  CHECK(xsym::to_string(2 - A) == "2 - A");
  CHECK(xsym::to_string(1 / (A * 4)) == "1 / (A * 4)");
  CHECK(xsym::to_string(-A) == "A * -1.0");
  CHECK(xsym::to_string(2 > A) == "A < 2");  // MXNet has no reversed comparison: `2 > A` is `A < 2`
  CHECK(xsym::to_string(A % B == C) == "(A % B) == C");
  // Functions by name, with their scalars and parameters.
  CHECK(xsym::to_string(xsym::exp(A) * xsym::tanh(B - 1)) == "exp(A) * tanh(B - 1)");
  // A commutative op keeps no record of which side its scalar was on (MXNet's _minimum_scalar).
  CHECK(xsym::to_string(xsym::maximum(A, 2) + xsym::minimum(3, B)) == "maximum(A, 2) + minimum(B, 3)");
  CHECK(xsym::to_string(xsym::power(A, B) + xsym::pow(2, A) + xsym::power(A, 0.5)) ==
        "(power(A, B) + power(2, A)) + power(A, 0.5)");
  CHECK(xsym::to_string(xsym::clip(A, -1, 1)) == "clip(A, -1, 1)");
  CHECK(xsym::to_string(xsym::identity(A)) == "identity(A)");
  CHECK(xsym::to_string(xsym::cast<double>(A) * 2) == "Cast(A, dtype=float64) * 2");
  // A shared node is printed where it is used; a group lists its outputs.
  auto t = xsym::exp(A);
  CHECK(xsym::to_string(t * t + t) == "(exp(A) * exp(A)) + exp(A)");
  CHECK(xsym::to_string(xsym::group(A * B, C)) == "[A * B, C]");
  // The Symbol of a static graph prints the same expression.
  CHECK(xsym::to_string(xsym::Symbol((A * B) + (C * D))) == "(A * B) + (C * D)");
  CHECK(xsym::to_string(xsym::Symbol(2 - xsym::clip(A, 0, 1))) == "2 - clip(A, 0, 1)");
}
