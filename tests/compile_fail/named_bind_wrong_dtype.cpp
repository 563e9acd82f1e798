// expect: this typed variable is bound to a typed_ndarray of another element type
// max lines: 20
// A float variable bound to an int32 array through the typed form.
#include <cstdint>
#include <xsym/xsym.hpp>
int main() {
  auto a = xsym::variable<"A", float>();
  auto A = xsym::ndarray::array<std::int32_t>({1}, {1});
  auto ex = xsym::bind(a + 1, a = A);
}
