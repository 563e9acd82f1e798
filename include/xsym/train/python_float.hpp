#pragma once
// Python's double for an xsym float hyper-parameter, and the float that MXNet's kernel parameter
// holds for a Python double.
//
// MXNet's training code computes in Python doubles from the user's decimal literals (a schedule's
// products, Adam's bias correction, Xavier's scale) and hands the kernels float fields. xsym's
// hyper-parameters are floats, so the Python-side arithmetic reads each one back as the double
// that Python would hold: 0.9f is Python's 0.9, not 0.89999997615814209.
#include <charconv>

namespace xsym::optim {

/// The shortest decimal that reads back as `f`, read as a double (0.1f gives 0.1, 1e-8f gives
/// 1e-08): the double Python holds when the user wrote that literal.
inline double python_float(float f) {
  char buf[64];
  auto end = std::to_chars(buf, buf + sizeof buf, f).ptr;
  double d = f;
  std::from_chars(buf, end, d);
  return d;
}

/// What an MXNet kernel receives for Python's double `v`: a float field (dmlc::Parameter), cast
/// to the element type T: T(float(v)).
///
/// The empty asm keeps the float rounding: g++ 12.2 at -O2 miscompiles two neighbouring
/// `double(float(x))` stores (SLP vectorization packs them and drops the truncation; observed with
/// Debian's 12.2.0, `out[0] = double(float(a)); out[1] = double(float(b));`).
template <class T>
inline T kernel_param(double v) {
  float f = float(v);
#if defined(__GNUC__) || defined(__clang__)
  __asm__("" : "+g"(f));
#endif
  return T(f);
}

}  // namespace xsym::optim
