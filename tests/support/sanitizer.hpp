#pragma once
// Whether this test binary runs under AddressSanitizer (scripts/test's clang build): the few
// tests whose cost is in sheer volume run a smaller sample there, where each step is slower.
namespace xsym::test {

#if defined(__SANITIZE_ADDRESS__)
inline constexpr bool address_sanitized = true;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
inline constexpr bool address_sanitized = true;
#else
inline constexpr bool address_sanitized = false;
#endif
#else
inline constexpr bool address_sanitized = false;
#endif

}  // namespace xsym::test
