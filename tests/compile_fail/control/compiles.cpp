// expect: .*
// Control for the compile-fail wrapper: this compiles, so the wrapper must report a failure
// (the CTest test is WILL_FAIL).
int main() { return 0; }
