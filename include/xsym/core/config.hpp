#pragma once
// Build-wide macros. XSYM_HD marks functions that run on the host and, under nvcc, on the device:
// the element functions of the operator table and the lowered programs and functors.

#if defined(__CUDACC__)
#define XSYM_HD __host__ __device__
#else
#define XSYM_HD
#endif

#if defined(__GNUC__) || defined(__clang__)
#define XSYM_INLINE inline __attribute__((always_inline))
#else
#define XSYM_INLINE inline
#endif
