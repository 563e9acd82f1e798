#pragma once
// operator<< for ndarray, in the layout of MXNet's NDArray repr (NumPy's array printing
// followed by `<NDArray 2x3 @cpu(0)>`).
#include <ostream>

#include "ndarray.hpp"

namespace xsym {

std::ostream& operator<<(std::ostream& os, const ndarray& a);  // TODO(helper): implement

}  // namespace xsym
