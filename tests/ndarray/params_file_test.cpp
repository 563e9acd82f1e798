// .params files (ndarray::save/load, params_file.hpp): the exact bytes MXNet writes, built here
// by hand from the format; round trips of every dtype; the older formats (V1, the magic-less one,
// V3 and a file written by MXNet); and hostile files, each an xsym::error naming the byte offset.
// Also loads the fuzzer's seeds and replays its findings (tests/fuzz, see scripts/fuzz).
#include <catch2/catch.hpp>

#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <map>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include <xsym/ndarray/array_dict.hpp>
#include <xsym/ndarray/ndarray.hpp>

using Catch::Contains;
using xsym::ndarray;

namespace {

constexpr std::uint32_t v1 = 0xF993FAC8, v2 = 0xF993FAC9, v3 = 0xF993FACA;

// A little-endian byte writer, independent of the one under test.
struct le {
  std::string b;
  le& u32(std::uint32_t v) { return put(v, 4); }
  le& i32(std::int32_t v) { return put(std::uint32_t(v), 4); }
  le& u64(std::uint64_t v) { return put(v, 8); }
  le& i64(std::int64_t v) { return put(std::uint64_t(v), 8); }
  le& f32(float f) {
    std::uint32_t v;
    std::memcpy(&v, &f, 4);
    return u32(v);
  }
  le& text(const std::string& s) {
    u64(s.size());
    b += s;
    return *this;
  }
  le& header(std::uint64_t count) { return u64(0x112).u64(0).u64(count); }
  le& put(std::uint64_t v, int n) {
    for (int i = 0; i < n; ++i) b += char((v >> (8 * i)) & 0xFF);
    return *this;
  }
};

// float32 [2,3] = 1..6 as "arg:w" and int32 [4] as "aux:m". Offsets: the arrays start at 24
// and 88, the names at 136; 170 bytes in all.
std::string two_arrays_file() {
  le f;
  f.header(2);
  f.u32(v2).i32(0).i32(2).i64(2).i64(3).i32(1).i32(0).i32(0);
  for (int i = 1; i <= 6; ++i) f.f32(float(i));
  f.u32(v2).i32(0).i32(1).i64(4).i32(1).i32(0).i32(4);
  for (std::int32_t v : {10, -20, 30, -40}) f.i32(v);
  f.u64(2).text("arg:w").text("aux:m");
  return f.b;
}

xsym::array_dict two_arrays() {
  return xsym::array_dict({{"arg:w", ndarray::array<float>({1, 2, 3, 4, 5, 6}, {2, 3})},
                           {"aux:m", ndarray::array<std::int32_t>({10, -20, 30, -40}, {4})}});
}

std::string patch(std::string bytes, std::size_t at, std::uint64_t v, int n) {
  for (int i = 0; i < n; ++i) bytes[at + i] = char((v >> (8 * i)) & 0xFF);
  return bytes;
}

std::string read_file(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

// A fresh directory under the system's temp dir, removed at the end of the test.
struct temp_dir {
  std::filesystem::path path;
  temp_dir() {
    path = std::filesystem::temp_directory_path() / ("xsym_params_" + std::to_string(std::random_device{}()));
    std::filesystem::create_directories(path);
  }
  ~temp_dir() { std::filesystem::remove_all(path); }
  std::string operator/(const std::string& name) const { return (path / name).string(); }
};

xsym::loaded_arrays load(const std::string& bytes) { return xsym::load_params_bytes(bytes, "evil.params"); }

// What a loaded file saves as: with its names if it has them, duplicates included.
std::string resave(const xsym::loaded_arrays& l) {
  if (!l.named()) return xsym::save_params_bytes(l.arrays);
  std::vector<std::pair<std::string, ndarray>> entries;
  for (std::size_t i = 0; i < l.arrays.size(); ++i) entries.emplace_back(l.names[i], l.arrays[i]);
  return xsym::save_params_bytes(entries);
}

}  // namespace

TEST_CASE("params: save writes the bytes of the format and load reads them back", "[ndarray][params]") {
  const std::string expected = two_arrays_file();
  REQUIRE(expected.size() == 170);
  CHECK(xsym::save_params_bytes(two_arrays()) == expected);

  temp_dir dir;
  ndarray::save(dir / "model-0001.params", two_arrays());
  CHECK(read_file(dir / "model-0001.params") == expected);

  for (const auto& loaded : {ndarray::load(dir / "model-0001.params"), xsym::load_params_bytes(expected)}) {
    REQUIRE(loaded.named());
    CHECK(loaded.names == std::vector<std::string>{"arg:w", "aux:m"});
    REQUIRE(loaded.arrays.size() == 2);
    const ndarray& w = loaded.arrays[0];
    CHECK(w.dtype() == xsym::dtype::float32);
    CHECK(w.shape() == xsym::shape{2, 3});
    CHECK(w.context() == xsym::cpu());
    CHECK(w.to_vector<float>() == std::vector<float>{1, 2, 3, 4, 5, 6});
    auto d = loaded.dict();
    CHECK(d.keys() == std::vector<std::string>{"arg:w", "aux:m"});
    CHECK(d.at("aux:m").dtype() == xsym::dtype::int32);
    CHECK(d.at("aux:m").shape() == xsym::shape{4});
    CHECK(d.at("aux:m").to_vector<std::int32_t>() == std::vector<std::int32_t>{10, -20, 30, -40});
  }
}

TEST_CASE("params: the list form has no names", "[ndarray][params]") {
  le f;
  f.header(1).u32(v2).i32(0).i32(1).i64(2).i32(1).i32(0).i32(6).i64(-1).i64(1LL << 40).u64(0);
  auto a = ndarray::array<std::int64_t>({-1, 1LL << 40}, {2});
  CHECK(xsym::save_params_bytes({a}) == f.b);
  auto loaded = load(f.b);
  CHECK_FALSE(loaded.named());
  REQUIRE(loaded.arrays.size() == 1);
  CHECK(loaded.arrays[0].to_vector<std::int64_t>() == std::vector<std::int64_t>{-1, 1LL << 40});
  REQUIRE_THROWS_WITH(loaded.dict(), Contains("1 arrays without names"));

  // An empty file of either form is an empty list, as in MXNet.
  CHECK(xsym::save_params_bytes(std::vector<ndarray>{}) == le().header(0).u64(0).b);
  CHECK(xsym::save_params_bytes(xsym::array_dict{}) == le().header(0).u64(0).b);
  CHECK(load(le().header(0).u64(0).b).dict().empty());
}

TEMPLATE_TEST_CASE("params: every dtype round-trips, as a list and with names", "[ndarray][params]", float, double,
                   std::uint8_t, std::int8_t, std::int32_t, std::int64_t) {
  using T = TestType;
  const std::vector<T> v{std::numeric_limits<T>::lowest(), T(0), T(1), std::numeric_limits<T>::max(), T(7), T(9)};
  auto a = ndarray::array<T>(v, {3, 1, 2});
  temp_dir dir;
  ndarray::save(dir / "list.params", {a, a});
  auto list = ndarray::load(dir / "list.params");
  REQUIRE(list.arrays.size() == 2);
  CHECK_FALSE(list.named());
  for (const auto& b : list.arrays) {
    CHECK(b.dtype() == xsym::dtype_of<T>);
    CHECK(b.shape() == xsym::shape{3, 1, 2});
    CHECK(b.to_vector<T>() == v);
  }
  ndarray::save(dir / "dict.params", std::map<std::string, ndarray>{{"b", a}, {"a", a.copy()}});
  auto dict = ndarray::load(dir / "dict.params");
  CHECK(dict.names == std::vector<std::string>{"a", "b"});  // the map's order
  CHECK(dict.dict().at("b").to_vector<T>() == v);
}

TEST_CASE("params: float16 is stored bit for bit", "[ndarray][params]") {
  ndarray h({3}, xsym::dtype::float16);
  const std::uint16_t bits[3] = {0x3C00, 0x8001, 0x7E00};  // 1.0, the smallest negative subnormal, a NaN
  std::memcpy(h.raw_data(), bits, sizeof bits);
  std::string bytes = xsym::save_params_bytes({h});
  CHECK(bytes.substr(24 + 4 + 4 + 4 + 8 + 8, 4) == le().i32(2).b);  // type flag 2
  auto back = load(bytes).arrays.at(0);
  CHECK(back.dtype() == xsym::dtype::float16);
  CHECK(std::memcmp(back.raw_data(), bits, sizeof bits) == 0);
  CHECK(xsym::save_params_bytes({back}) == bytes);
}

TEST_CASE("params: empty arrays, 0-d arrays (V3) and empty handles", "[ndarray][params]") {
  SECTION("a zero dimension is an array of no elements") {
    auto e = ndarray::zeros({0, 3}, xsym::dtype::float64);
    auto back = load(xsym::save_params_bytes({e})).arrays.at(0);
    CHECK(back.shape() == xsym::shape{0, 3});
    CHECK(back.has_storage());
  }
  SECTION("0-d arrays make the file V3: numpy shape semantics, where ndim 0 is a scalar") {
    auto s = ndarray::array<double>({2.5}, xsym::shape{});
    auto w = ndarray::array<float>({1}, {1});
    le f;
    f.header(2).u32(v3).i32(0).i32(0).i32(1).i32(0).i32(1).i64(0x4004000000000000);
    f.u32(v3).i32(0).i32(1).i64(1).i32(1).i32(0).i32(0).f32(1).u64(0);
    CHECK(xsym::save_params_bytes({s, w}) == f.b);
    auto back = load(f.b).arrays;
    CHECK(back.at(0).shape() == xsym::shape{});
    CHECK(back.at(0).to_vector<double>() == std::vector<double>{2.5});
    CHECK(back.at(1).shape() == xsym::shape{1});
  }
  SECTION("an empty handle is MXNet's none array: a V2 shape of ndim 0 and nothing after it") {
    const std::string bytes = le().header(2).u32(v2).i32(0).i32(0).u32(v2).i32(0).i32(1).i64(1).i32(1).i32(0).i32(3)
                                  .put(0xAB, 1).u64(2).text("none").text("u8").b;
    CHECK(xsym::save_params_bytes(std::vector<std::pair<std::string, ndarray>>{
              {"none", ndarray()}, {"u8", ndarray::array<std::uint8_t>({0xAB}, {1})}}) == bytes);
    auto back = load(bytes);
    CHECK_FALSE(back.arrays.at(0).has_storage());
    CHECK(back.arrays.at(1).to_vector<std::uint8_t>() == std::vector<std::uint8_t>{0xAB});
  }
  SECTION("V3 cannot hold an empty handle") {
    REQUIRE_THROWS_WITH(xsym::save_params_bytes({ndarray::zeros({}), ndarray()}),
                        Contains("array 1 is empty") && Contains("array 0 is 0-d"));
  }
}

TEST_CASE("params: the older formats load", "[ndarray][params]") {
  SECTION("V1: no storage type") {
    le f;
    f.header(1).u32(v1).i32(2).i64(1).i64(2).i32(1).i32(0).i32(5).put(0xFF, 1).put(0x7F, 1).u64(1).text("arg:x");
    auto back = load(f.b);
    CHECK(back.names == std::vector<std::string>{"arg:x"});
    CHECK(back.arrays.at(0).shape() == xsym::shape{1, 2});
    CHECK(back.arrays.at(0).to_vector<std::int8_t>() == std::vector<std::int8_t>{-1, 127});
    // re-saved as V2
    CHECK(xsym::save_params_bytes(back.dict()).substr(24, 4) == le().u32(v2).b);
  }
  SECTION("the first format: no magic, the u32 ndim and u32 dims; ndim 0 is none") {
    le f;
    f.header(2).u32(2).u32(2).u32(1).i32(2).i32(1).i32(4).i32(7).i32(-8).u32(0).u64(0);
    auto back = load(f.b).arrays;
    CHECK(back.at(0).shape() == xsym::shape{2, 1});
    CHECK(back.at(0).context() == xsym::cpu());  // saved on gpu(1), loaded on the host
    CHECK(back.at(0).to_vector<std::int32_t>() == std::vector<std::int32_t>{7, -8});
    CHECK_FALSE(back.at(1).has_storage());
  }
  SECTION("a file MXNet wrote: six times arange(128), in the first format (MXNet's legacy_ndarray.v0)") {
    auto back = ndarray::load(std::string(XSYM_TEST_DATA_DIR) + "/mxnet/legacy_ndarray.v0");
    CHECK_FALSE(back.named());
    REQUIRE(back.arrays.size() == 6);
    std::vector<float> arange(128);
    for (int i = 0; i < 128; ++i) arange[i] = float(i);
    for (const auto& a : back.arrays) {
      CHECK(a.shape() == xsym::shape{128});
      CHECK(a.to_vector<float>() == arange);
    }
  }
}

TEST_CASE("params: hostile files are errors that name the file, the byte and the fault", "[ndarray][params]") {
  const std::string good = two_arrays_file();
  auto at = [](int byte) { return Contains("xsym::ndarray::load: evil.params: byte " + std::to_string(byte) + ": "); };

  SECTION("truncated anywhere") {
    for (std::size_t n = 0; n < good.size(); ++n) {
      INFO("the first " << n << " bytes");
      REQUIRE_THROWS_WITH(load(good.substr(0, n)), Contains("xsym::ndarray::load: evil.params: byte "));
    }
    REQUIRE_THROWS_WITH(load(good.substr(0, 61)),
                        at(60) && Contains("array 0: truncated: the type flag needs 4 bytes, but the file has 1 left"));
    REQUIRE_THROWS_WITH(load(good.substr(0, 80)),
                        at(64) && Contains("the data of float32 [2,3] needs 24 bytes, but the file has 16 left"));
    REQUIRE_THROWS_WITH(load(good.substr(0, 140)), at(136) && Contains("names: truncated: the name count"));
    REQUIRE_THROWS_WITH(load(good.substr(0, 167)),
                        at(157) && Contains("name 1: the name length 5 runs past the end of the file (2 bytes left)"));
  }
  SECTION("the header") {
    REQUIRE_THROWS_WITH(load(patch(good, 0, 0x113, 8)),
                        at(0) && Contains("not an MXNet .params file: the header magic is 0x113, expected 0x112"));
    REQUIRE_THROWS_WITH(load(patch(good, 16, 1'000'000, 8)),
                        at(16) && Contains("the array count 1000000 cannot fit in the 146 bytes left"));
    REQUIRE_THROWS_WITH(load(patch(good, 16, ~0ull, 8)), at(16) && Contains("array count 18446744073709551615"));
  }
  SECTION("an array") {
    REQUIRE_THROWS_WITH(load(patch(good, 88, 0x12345678, 4)),
                        at(88) && Contains("array 1: bad magic 0x12345678: neither an NDArray magic"));
    REQUIRE_THROWS_WITH(load(patch(good, 92, 1, 4)),
                        at(92) && Contains("array 1: sparse storage (row_sparse) is not supported"));
    REQUIRE_THROWS_WITH(load(patch(good, 28, 2, 4)), at(28) && Contains("array 0: sparse storage (csr)"));
    REQUIRE_THROWS_WITH(load(patch(good, 28, 0xFFFFFFFF, 4)), at(28) && Contains("unknown storage type -1"));
    REQUIRE_THROWS_WITH(load(patch(good, 96, 33, 4)), at(96) && Contains("array 1: ndim 33 is not between 0 and 32"));
    REQUIRE_THROWS_WITH(load(patch(good, 96, 0x7FFFFFFF, 4)), at(96) && Contains("ndim 2147483647"));
    REQUIRE_THROWS_WITH(load(patch(good, 32, 0xFFFFFFFF, 4)), at(32) && Contains("ndim -1 is not between"));
    REQUIRE_THROWS_WITH(load(patch(good, 44, std::uint64_t(-3), 8)), at(44) && Contains("dimension -3 is negative"));
    REQUIRE_THROWS_WITH(load(patch(good, 108, 7, 4)), at(108) && Contains("unknown device type 7"));
    REQUIRE_THROWS_WITH(load(patch(good, 116, 99, 4)),
                        at(116) && Contains("array 1: unknown type flag 99 (MXNet's are 0 to 12)"));
    REQUIRE_THROWS_WITH(load(patch(good, 116, 0xFFFFFFFF, 4)), at(116) && Contains("unknown type flag -1"));
    REQUIRE_THROWS_WITH(load(patch(good, 116, 7, 4)),
                        at(116) && Contains("type flag 7 (bool) is an MXNet type that xsym's ndarray cannot hold"));
    REQUIRE_THROWS_WITH(load(patch(good, 60, 12, 4)), at(60) && Contains("type flag 12 (bfloat16)"));
    REQUIRE_THROWS_WITH(load(patch(good, 100, 1000, 8)),
                        at(120) && Contains("the data of int32 [1000] needs 4000 bytes, but the file has 50 left"));
    REQUIRE_THROWS_WITH(load(patch(good, 88, v3, 4)),
                        at(88) && Contains("a V3 array after a pre-V3 array 0; MXNet loads no file that mixes"));
  }
  SECTION("sizes that overflow") {
    le products;
    products.header(1).u32(v2).i32(0).i32(3).i64(1LL << 40).i64(1LL << 40).i64(1).i32(1).i32(0).i32(0).u64(0);
    REQUIRE_THROWS_WITH(load(products.b),
                        at(72) && Contains("shape [1099511627776,1099511627776,1] has more elements than an int64"));
    le bytes;
    bytes.header(1).u32(v2).i32(0).i32(1).i64(1LL << 62).i32(1).i32(0).i32(1).u64(0);
    REQUIRE_THROWS_WITH(load(bytes.b), at(56) && Contains("the data of float64 [4611686018427387904] is more bytes"));
    le huge;
    huge.header(1).u32(v2).i32(0).i32(1).i64(std::numeric_limits<std::int64_t>::max()).i32(1).i32(0).i32(3).u64(0);
    REQUIRE_THROWS_WITH(load(huge.b), at(56) && Contains("needs 9223372036854775807 bytes, but the file has 8 left"));
    // A zero dimension makes the size 0 whatever the others are.
    le zero;
    zero.header(1).u32(v2).i32(0).i32(3).i64(1LL << 40).i64(0).i64(1LL << 40).i32(1).i32(0).i32(0).u64(0);
    CHECK(load(zero.b).arrays.at(0).size() == 0);
  }
  SECTION("the names") {
    REQUIRE_THROWS_WITH(load(patch(good, 136, 1, 8)),
                        at(136) && Contains("names: 1 names for 2 arrays; MXNet requires none or one per array"));
    REQUIRE_THROWS_WITH(load(patch(good, 157, 100, 8)),
                        at(157) && Contains("name 1: the name length 100 runs past the end of the file") &&
                            Contains("(5 bytes left)"));
    REQUIRE_THROWS_WITH(load(patch(good, 144, ~0ull, 8)), at(144) && Contains("the name length 18446744073709551615"));
    REQUIRE_THROWS_WITH(load(good + "xyz"), at(170) && Contains("end: 3 unexpected bytes after the last name"));
    std::string twice = good;
    twice.replace(165, 5, "arg:w");  // MXNet loads a name twice; a dict cannot hold it
    REQUIRE(load(twice).names == std::vector<std::string>{"arg:w", "arg:w"});
    REQUIRE_THROWS_WITH(load(twice).dict(), Contains("arrays 0 and 1 are both named 'arg:w'"));
  }
}

TEST_CASE("params: file errors name the path", "[ndarray][params]") {
  temp_dir dir;
  const std::string missing = dir / "no/such/dir/x.params";
  REQUIRE_THROWS_WITH(ndarray::save(missing, two_arrays()), Contains("xsym::ndarray::save: cannot write '" + missing));
  REQUIRE_THROWS_WITH(ndarray::load(missing), Contains("xsym::ndarray::load: cannot open '" + missing));
  std::ofstream(dir / "bad.params") << "not a params file";
  REQUIRE_THROWS_WITH(ndarray::load(dir / "bad.params"), Contains(dir / "bad.params") && Contains("header magic"));
}

TEST_CASE("params: the fuzzer's seeds load and its findings replay (tests/fuzz)", "[ndarray][params]") {
  const auto fuzz = std::filesystem::path(XSYM_TEST_DATA_DIR).parent_path() / "fuzz";
  int seeds = 0, replayed = 0;
  for (const auto& f : std::filesystem::directory_iterator(fuzz / "params_seeds")) {
    INFO(f.path().string());
    const std::string saved = resave(ndarray::load(f.path().string()));
    CHECK(resave(load(saved)) == saved);
    ++seeds;
  }
  CHECK(seeds >= 4);
  if (std::filesystem::is_directory(fuzz / "regressions_params"))
    for (const auto& f : std::filesystem::directory_iterator(fuzz / "regressions_params")) {
      INFO(f.path().string());
      try {
        ndarray::load(f.path().string());
      } catch (const xsym::error& e) {
        CHECK_THAT(e.what(), Contains("xsym::ndarray::load: "));
      }
      ++replayed;
    }
  SUCCEED("replayed " << replayed << " inputs");
}
