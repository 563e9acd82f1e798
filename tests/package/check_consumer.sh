#!/usr/bin/env bash
# check_consumer.sh <xsym source dir> <xsym build dir> <work dir>   (CTest test package/consumer)
# Builds and runs tests/package/consumer against xsym
#   (a) through add_subdirectory(<xsym source dir>), which configures and builds xsym as a
#       subproject (tests and examples off by default there).
#   (b) through find_package(xsym CONFIG REQUIRED) after `cmake --install <xsym build dir>`, the
#       build under test, into <work dir>/prefix. (Installing the tested build rather than
#       building xsym twice more keeps CI's time down; (a) already builds it from scratch.)
#   (d) a consumer built with -O3 -Wall -Wextra -Werror by g++ and by clang++, from (b)'s install.
#   (c) with XSYM_CUDA_COMPILER set (the build under test has CUDA on): a consumer .cu file
#       linking xsym::cuda from find_package(xsym COMPONENTS cuda), from the same install.
# Environment (set by tests/CMakeLists.txt): XSYM_CMAKE, XSYM_GENERATOR, XSYM_CXX,
# XSYM_PREFIX_PATH (':'-separated, e.g. .device-deps on the GPU machine), XSYM_CUDA_COMPILER.
set -euo pipefail

src=$(cd "$1" && pwd)
build=$(cd "$2" && pwd)
work=$3
cmake=${XSYM_CMAKE:-cmake}
gen=${XSYM_GENERATOR:-Ninja}
consumer="$src/tests/package/consumer"

common=(-G "$gen" -DCMAKE_BUILD_TYPE=Release)
[[ -n "${XSYM_CXX:-}" ]] && common+=("-DCMAKE_CXX_COMPILER=$XSYM_CXX")
prefix_path=${XSYM_PREFIX_PATH:-}

rm -rf "$work"
mkdir -p "$work"

step() { printf '\n== package/consumer: %s\n' "$*"; }

step "(a) add_subdirectory"
"$cmake" -S "$consumer" -B "$work/subdir" "${common[@]}" \
  ${prefix_path:+"-DCMAKE_PREFIX_PATH=${prefix_path//:/;}"} \
  -DXSYM_SOURCE_DIR="$src" -DXSYM_ENABLE_CUDA=OFF
"$cmake" --build "$work/subdir"
"$work/subdir/consumer"
"$work/subdir/consumer_runtime"
echo "add_subdirectory consumer: OK"

step "(b) cmake --install of the build under test, then find_package"
"$cmake" --install "$build" --prefix "$work/prefix"
"$cmake" -S "$consumer" -B "$work/installed" "${common[@]}" \
  "-DCMAKE_PREFIX_PATH=$work/prefix${prefix_path:+;${prefix_path//:/;}}"
"$cmake" --build "$work/installed"
"$work/installed/consumer"
"$work/installed/consumer_runtime"
echo "find_package consumer: OK"

step "(d) -O3 -Wall -Wextra -Werror consumers, g++ and clang++"
for cxx in g++ clang++; do
  if ! command -v "$cxx" >/dev/null; then echo "($cxx not found: skipped)"; continue; fi
  "$cmake" -S "$consumer" -B "$work/werror-$cxx" -G "$gen" -DCMAKE_BUILD_TYPE=Release \
    "-DCMAKE_CXX_COMPILER=$cxx" -DCONSUMER_WERROR=ON \
    "-DCMAKE_PREFIX_PATH=$work/prefix${prefix_path:+;${prefix_path//:/;}}"
  "$cmake" --build "$work/werror-$cxx" --target consumer_werror
  "$work/werror-$cxx/consumer_werror"
done
echo "-Werror consumers: OK"

if [[ -n "${XSYM_CUDA_COMPILER:-}" ]]; then
  step "(c) find_package(xsym COMPONENTS cuda) from a .cu file, from (b)'s install"
  cuda=("-DCMAKE_CUDA_COMPILER=$XSYM_CUDA_COMPILER" -DCMAKE_CUDA_ARCHITECTURES=90)
  "$cmake" -S "$consumer" -B "$work/installed-cuda" "${common[@]}" "${cuda[@]}" -DCONSUMER_CUDA=ON \
    "-DCMAKE_PREFIX_PATH=$work/prefix${prefix_path:+;${prefix_path//:/;}}"
  "$cmake" --build "$work/installed-cuda"
  "$work/installed-cuda/consumer_cuda"
  echo "find_package(xsym COMPONENTS cuda) consumer: OK"
fi
