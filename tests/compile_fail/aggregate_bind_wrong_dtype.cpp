// expect: an aggregate field of typed_ndarray<T> is bound to a typed variable of another element type
#include <xsym/xsym.hpp>
struct args {
  xsym::typed_ndarray<double> A;
};
int main() {
  auto e = xsym::exp(xsym::variable<"A", float>());
  auto ex = xsym::bind(e, args{xsym::ndarray::zeros<double>({1})});
}
