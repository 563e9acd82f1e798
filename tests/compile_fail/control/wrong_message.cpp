// expect: this text is not in the diagnostic
// Control for the compile-fail wrapper: rejected, but with another message, so the wrapper must
// report a failure (the CTest test is WILL_FAIL).
static_assert(false && sizeof(int), "xsym-control: some other reason");
