// Symbol::from_json against malformed and hostile input: every input either loads or throws
// xsym::error with a message that says where and what; never a crash, never unbounded memory.
// Also replays the fuzzer's findings (tests/fuzz/regressions, see scripts/fuzz).
#include <catch2/catch.hpp>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <vector>
#include <xsym/xsym.hpp>

#include "../support/sanitizer.hpp"
#include "mxnet_literals.hpp"

#ifndef XSYM_TEST_DATA_DIR
#define XSYM_TEST_DATA_DIR "/work/main/tests/data"
#endif

namespace {

using xsym::Symbol;

using xsym::test::address_sanitized;

std::string read_file(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  REQUIRE(in);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}
std::string read_data(const std::string& name) {
  return read_file(std::filesystem::path(XSYM_TEST_DATA_DIR) / "mxnet" / name);
}

// Loads `text`; a loaded symbol must save, load again and save to the same bytes.
// Returns "" when it loaded, else the error message. Any other exception fails the test.
std::string outcome(std::string_view text) {
  std::string saved;
  try {
    saved = Symbol::from_json(text).to_json();
  } catch (const xsym::error& e) {
    return e.what();
  }
  Symbol again = Symbol::from_json(saved);
  REQUIRE(again.to_json() == saved);
  return "";
}

// A graph around `nodes` (JSON text of the node list's items).
std::string graph(const std::string& nodes, const std::string& rest = R"("arg_nodes": [0], "heads": [[0, 0, 0]])") {
  return "{\"nodes\": [" + nodes + "], " + rest + "}";
}
const std::string var_a = R"({"op": "null", "name": "a", "inputs": []})";

struct hostile {
  std::string text, fragment;
};

}  // namespace

TEST_CASE("hostile json: malformed inputs are errors that say where and what") {
  const std::string ok_rest = R"("arg_nodes": [0], "heads": [[1, 0, 0]])";
  auto op = [&](const std::string& fields) {  // node 1, an op after variable a
    return graph(var_a + R"(, {"op": "exp", "name": "e", )" + fields + "}", ok_rest);
  };
  auto with_inputs = [&](const std::string& inputs) { return op("\"inputs\": " + inputs); };
  auto graph_attrs = [&](const std::string& attrs) {
    return graph(var_a, R"("arg_nodes": [0], "heads": [[0, 0, 0]], "attrs": )" + attrs);
  };
  const std::vector<hostile> cases = {
      // not JSON
      {"", "invalid JSON at line 1, column 1 (byte 0): incomplete JSON"},
      {"x", "invalid JSON at line 1, column 1"},
      {"{\"nodes\": [],\n  \"heads\": [] oops", "invalid JSON at line 2, column 15 (byte 28): syntax error"},
      {"{\"nodes\": [], \"arg_nodes\": [], \"heads\": []} {}", "extra data"},
      {"{\"nodes\": [], \"arg_nodes\": [], \"heads\": [],}", "invalid JSON"},
      {"/* c */ {\"nodes\": [], \"arg_nodes\": [], \"heads\": []}", "invalid JSON"},
      {"{\"nodes\": [], \"arg_nodes\": [], \"heads\": [], \"attrs\": {\"a\": [\"str\", \"\x01\"]}}", "invalid JSON"},
      // the top level
      {"[]", "the top level: expected an object, got an array"},
      {"null", "the top level: expected an object, got null"},
      {"\"nodes\"", "the top level: expected an object, got a string"},
      {R"({"nodes": [], "arg_nodes": [], "heads": [], "extra": 1})",
       R"(the top level: JSONReader: Unknown field 'extra', candidates are: "arg_nodes", "attrs", "heads", "node_row_ptr", "nodes")"},
      {R"({"arg_nodes": [], "heads": []})", R"(the top level: JSONReader: Missing field "nodes")"},
      {R"({"nodes": [], "heads": []})", R"(Missing field "arg_nodes")"},
      {R"({"nodes": [], "arg_nodes": []})", R"(Missing field "heads")"},
      {R"({"nodes": {}, "arg_nodes": [], "heads": []})", "nodes: expected an array, got an object"},
      {R"({"nodes": [], "arg_nodes": 0, "heads": []})", "arg_nodes: expected an array, got an integer"},
      {R"({"nodes": [], "arg_nodes": [], "heads": "h"})", "heads: expected an array, got a string"},
      // nodes: fields
      {graph("1"), "node 0: expected an object, got an integer"},
      {graph(R"({"op": "null", "name": "a", "inputs": [], "wat": 1})"),
       R"(node 0: JSONReader: Unknown field 'wat', candidates are: "attr", "attrs", "backward_source_id", "control_deps", "inputs", "name", "op", "param", "subgraphs")"},
      {graph(R"({"name": "a", "inputs": []})"), R"(node 0: JSONReader: Missing field "op")"},
      {graph(R"({"op": "null", "inputs": []})"), R"(node 0: JSONReader: Missing field "name")"},
      {graph(R"({"op": "null", "name": "a"})"), R"(node 0: JSONReader: Missing field "inputs")"},
      {graph(R"({"op": 1, "name": "a", "inputs": []})"), "node 0 ('a'): \"op\": expected a string, got an integer"},
      {graph(R"({"op": "null", "name": null, "inputs": []})"), "node 0: \"name\": expected a string, got null"},
      {graph(R"({"op": "null", "name": "a", "inputs": {}})"), "node 0 ('a'): \"inputs\": expected an array"},
      {graph(R"({"op": "null", "name": "a", "inputs": [], "attrs": []})"),
       "node 0 ('a'): \"attrs\": expected an object, got an array"},
      {graph(R"({"op": "null", "name": "a", "inputs": [], "attr": {"k": 1}})"),
       "node 0 ('a'): \"attr\"['k']: expected a string, got an integer"},
      {graph(R"({"op": "null", "name": "a", "inputs": [], "param": {"k": ["v"]}})"),
       "node 0 ('a'): \"param\"['k']: expected a string, got an array"},
      {graph(R"({"op": "null", "name": "a", "inputs": [], "param": "p"})"), "\"param\": expected an object"},
      {graph(R"({"op": "null", "name": "a", "inputs": [], "backward_source_id": "x"})"),
       "\"backward_source_id\": expected an integer, got a string"},
      {graph(R"({"op": "null", "name": "a", "inputs": [], "backward_source_id": 1.5})"),
       "\"backward_source_id\": expected an integer, got a non-integer number"},
      {graph(R"({"op": "null", "name": "a", "inputs": [], "backward_source_id": 9999999999})"),
       "\"backward_source_id\": 9999999999 does not fit in a 32-bit int"},
      {graph(R"({"op": "null", "name": "a", "inputs": [], "subgraphs": {}})"), "\"subgraphs\": expected an array"},
      {graph(R"({"op": "null", "name": "a", "inputs": [], "subgraphs": [{}]})"),
       "\"subgraphs\" (control-flow operators) are not supported"},
      {graph(R"({"op": "null", "name": "a", "inputs": [], "control_deps": 0})"),
       "node 0 ('a'): \"control_deps\": expected an array"},
      // entries: wrong types, lengths, numbers
      {with_inputs("[0]"), "node 1 ('e'): inputs[0]: expected an array, got an integer"},
      {with_inputs("[[0]]"), "node 1 ('e'): inputs[0]: invalid json format: an entry is [node, index] or [node, index, version], got 1 elements"},
      {with_inputs("[[0, 0, 0, 0]]"), "got 4 elements"},
      {with_inputs("[[\"0\", 0, 0]]"), "node 1 ('e'): inputs[0][0]: expected a non-negative integer, got a string"},
      {with_inputs("[[0, null, 0]]"), "inputs[0][1]: expected a non-negative integer, got null"},
      {with_inputs("[[0, 0, true]]"), "inputs[0][2]: expected a non-negative integer, got a boolean"},
      {with_inputs("[[-1, 0, 0]]"), "inputs[0][0]: expected a non-negative integer, got -1"},
      {with_inputs("[[0.5, 0, 0]]"), "inputs[0][0]: expected a non-negative integer, got a non-integer"},
      {with_inputs("[[0e0, 0, 0]]"), "inputs[0][0]: expected a non-negative integer, got a non-integer"},
      {with_inputs("[[0, 0, 4294967296]]"), "inputs[0][2]: 4294967296 is out of range (at most 4294967295)"},
      {with_inputs("[[18446744073709551615, 0, 0]]"), "is out of range (at most 4294967295)"},
      {with_inputs("[[1e400, 0, 0]]"), "inputs[0][0]: expected a non-negative integer, got a non-integer or out-of-range number"},
      {with_inputs("[[123456789012345678901234567890, 0, 0]]"), "expected a non-negative integer, got a non-integer or out-of-range number"},
      // references: forward, self, out of range
      {with_inputs("[[1, 0, 0]]"), "node 1 ('e'): inputs[0]: node id 1 is the node itself; inputs must refer to earlier nodes"},
      {graph(var_a + R"(, {"op": "exp", "name": "e", "inputs": [[2, 0, 0]]}, {"op": "exp", "name": "f", "inputs": [[1, 0, 0]]})",
             R"("arg_nodes": [0], "heads": [[2, 0, 0]])"),
       "node 1 ('e'): inputs[0]: node id 2 is a later node; inputs must refer to earlier nodes (a cycle"},
      {with_inputs("[[7, 0, 0]]"), "node 1 ('e'): inputs[0]: node id 7 is out of range; the graph has 2 nodes"},
      {with_inputs("[[0, 1, 0]]"), "node 1 ('e'): inputs[0]: output index 1 is out of range; node 0 ('a') has 1 output"},
      {op(R"("inputs": [[0, 0, 0]], "control_deps": [1])"), "node 1 ('e'): control_deps[0]: node id 1 is not an earlier node"},
      {op(R"("inputs": [[0, 0, 0]], "control_deps": ["0"])"), "control_deps[0]: expected a non-negative integer"},
      {graph(var_a, R"("arg_nodes": [0], "heads": [[1, 0, 0]])"), "heads[0]: node id 1 is out of range; the graph has 1 nodes"},
      {graph(var_a, R"("arg_nodes": [0], "heads": [[0, 1]])"), "heads[0]: output index 1 is out of range"},
      {graph(var_a, R"("arg_nodes": [0], "heads": [0])"), "heads[0]: expected an array, got an integer"},
      {graph(var_a, R"("arg_nodes": [1], "heads": [[0, 0]])"), "arg_nodes[0]: node id 1 is out of range; the graph has 1 nodes"},
      {graph(var_a, R"("arg_nodes": [-3], "heads": [[0, 0]])"), "arg_nodes[0]: expected a non-negative integer, got -3"},
      {graph(var_a + R"(, {"op": "exp", "name": "e", "inputs": [[0, 0, 0]]})", R"("arg_nodes": [1], "heads": [[1, 0, 0]])"),
       "arg_nodes[0]: node 1 ('e') is op 'exp', not a variable"},
      {graph(R"({"op": "null", "name": "v", "inputs": [[0, 0, 0]]})"), "node 0 ('v'): a variable (op \"null\") cannot have inputs"},
      {graph(var_a + R"(, {"op": "null", "name": "v", "inputs": [[0, 0, 0]]})"),
       "node 1 ('v'): a variable (op \"null\") cannot have inputs"},
      // node_row_ptr
      {graph(var_a, R"("arg_nodes": [0], "node_row_ptr": [0], "heads": [[0, 0]])"),
       "node_row_ptr: expected 2 entries (nodes + 1), got 1"},
      {graph(var_a, R"("arg_nodes": [0], "node_row_ptr": [1, 2], "heads": [[0, 0]])"), "node_row_ptr[0]: expected 0, got 1"},
      {graph(var_a, R"("arg_nodes": [0], "node_row_ptr": [0, "1"], "heads": [[0, 0]])"),
       "node_row_ptr[1]: expected a non-negative integer, got a string"},
      {graph(var_a, R"("arg_nodes": [0], "node_row_ptr": {}, "heads": [[0, 0]])"), "node_row_ptr: expected an array"},
      {graph(var_a, R"("arg_nodes": [0], "node_row_ptr": [0, 2], "heads": [[0, 0]])"),
       "node 0 ('a'): node_row_ptr gives the variable 2 outputs; a variable has exactly one"},
      {graph(var_a + R"(, {"op": "exp", "name": "e", "inputs": [[0, 0, 0]]})",
             R"("arg_nodes": [0], "node_row_ptr": [0, 1, 1], "heads": [[0, 0]])"),
       "node 1 ('e'): node_row_ptr gives op 'exp' 0 outputs; it has at least 1"},
      {graph(var_a + R"(, {"op": "exp", "name": "e", "inputs": [[0, 0, 0]]})",
             R"("arg_nodes": [0], "node_row_ptr": [0, 2, 1], "heads": [[0, 0]])"),
       "node_row_ptr[2]: 1 is less than the entry before it (2); node_row_ptr must not decrease"},
      {graph(var_a + R"(, {"op": "exp", "name": "e", "inputs": [[0, 0, 0]]})",
             R"("arg_nodes": [0], "node_row_ptr": [0, 1, 1152921504606846976], "heads": [[1, 0]])"),
       "node_row_ptr[2]: 1152921504606846976 is out of range (at most 4294967295)"},
      {graph(var_a + R"(, {"op": "Custom", "name": "c", "inputs": [[0, 0, 0]]})",
             R"("arg_nodes": [0], "node_row_ptr": [0, 1, 4294967295], "heads": [[1, 4294967293]])"),
       "node_row_ptr: the nodes have 4294967295 outputs in all; at most 65568 are accepted for a graph of 2 nodes"},
      // graph attributes
      {graph_attrs("[]"), "attrs: expected an object, got an array"},
      {graph_attrs(R"({"mxnet_version": 10901})"), "attrs['mxnet_version']: expected an array, got an integer"},
      {graph_attrs(R"({"mxnet_version": ["int"]})"), "attrs['mxnet_version']: invalid any json format"},
      {graph_attrs(R"({"mxnet_version": ["int", 1, 2]})"), "invalid any json format"},
      {graph_attrs(R"({"mxnet_version": [1, 10901]})"), "attrs['mxnet_version'][0]: expected a string, got an integer"},
      {graph_attrs(R"({"mxnet_version": ["int", "10901"]})"), "attrs['mxnet_version'][1]: expected an integer, got a string"},
      {graph_attrs(R"({"mxnet_version": ["int", 1.0901e4]})"), "expected an integer, got a non-integer number"},
      {graph_attrs(R"({"mxnet_version": ["int", 1e300]})"), "expected an integer, got a non-integer number"},
      {graph_attrs(R"({"mxnet_version": ["int", 2147483648]})"), "2147483648 does not fit in a 32-bit int"},
      {graph_attrs(R"({"mxnet_version": ["str", "10901"]})"), "attrs['mxnet_version']: expected type \"int\""},
      {graph_attrs(R"({"x": ["str", 1]})"), "attrs['x'][1]: expected a string, got an integer"},
      {graph_attrs(R"({"x": ["list_int", 1]})"), "attrs['x'][1]: expected an array"},
      {graph_attrs(R"({"x": ["list_int", [1, "2"]]})"), "attrs['x'][1][1]: expected an integer, got a string"},
      {graph_attrs(R"({"x": ["list_str", ["a", 2]]})"), "attrs['x'][1][1]: expected a string, got an integer"},
      {graph_attrs(R"({"x": ["list_shape", []]})"), "Typename 'list_shape' has not been registered via DMLC_JSON_ENABLE_ANY"},
  };
  for (const auto& c : cases) {
    INFO("input: " << c.text);
    std::string got = outcome(c.text);
    CHECK_THAT(got, Catch::StartsWith("xsym::Symbol::from_json: ") && Catch::Contains(c.fragment));
  }
}

TEST_CASE("hostile json: every prefix of a real file is an error, never a crash") {
  std::string lenet = read_data("lenet-symbol.json");
  for (std::size_t n = 0; n < lenet.size(); ++n) {
    std::string got = outcome(std::string_view(lenet).substr(0, n));
    if (got.empty()) FAIL("prefix of " << n << " bytes loaded");
    CHECK_THAT(got, Catch::Contains("invalid JSON at line"));
  }
  // Other files at many offsets.
  for (const char* name : {"model-symbol.json", "save_000800.json", "go_test-symbol.json"}) {
    std::string text = read_data(name);
    for (std::size_t n = 0; n < text.size(); n += 1 + n / 50) {
      INFO(name << " prefix " << n);
      CHECK_THAT(outcome(std::string_view(text).substr(0, n)), Catch::Contains("incomplete JSON") ||
                                                                    Catch::Contains("invalid JSON"));
    }
  }
}

TEST_CASE("hostile json: absurd structure and sizes") {
  SECTION("10000-deep nesting") {
    std::string deep = std::string(10000, '[') + std::string(10000, ']');
    CHECK_THAT(outcome(deep), Catch::Contains("invalid JSON") && Catch::Contains("too deep"));
    std::string in_node = graph(R"({"op": "null", "name": "a", "inputs": [], "attrs": {"k": )" +
                                std::string(10000, '[') + std::string(10000, ']') + "}}");
    CHECK_THAT(outcome(in_node), Catch::Contains("too deep"));
    std::string objects;
    for (int i = 0; i < 10000; ++i) objects += "{\"a\": ";
    objects += "1" + std::string(10000, '}');
    CHECK_THAT(outcome(objects), Catch::Contains("too deep"));
  }
  SECTION("a chain of a million nodes loads, saves and is freed without deep recursion") {
    // 200000 under AddressSanitizer, whose frames are larger (a recursion that deep would still
    // overflow the 8 MB stack), so that this section does not cost the sanitizer build minutes.
    constexpr int n = address_sanitized ? 200000 : 1000000;
    std::string text = R"({"nodes":[{"op":"null","name":"x","inputs":[]})";
    text.reserve(std::size_t(n) * 48);
    for (int i = 1; i < n; ++i)
      text += R"(,{"op":"exp","name":"e)" + std::to_string(i) + R"(","inputs":[[)" + std::to_string(i - 1) + ",0]]}";
    text += R"(],"arg_nodes":[0],"heads":[[)" + std::to_string(n - 1) + R"(,0]]})";
    {
      Symbol s = Symbol::from_json(text);
      CHECK(s.list_arguments() == std::vector<std::string>{"x"});
      CHECK(s.list_outputs() == std::vector<std::string>{"e" + std::to_string(n - 1) + "_output"});
      std::string saved = s.to_json();
      CHECK(saved.size() > text.size());
      CHECK_THAT(saved, Catch::Contains("\"inputs\": [[" + std::to_string(n - 2) + ", 0, 0]]"));
    }  // freed here: graph_node releases its inputs iteratively
    // A long chain whose last node is bad fails after building n - 1 nodes; they are freed too.
    const std::string last = std::to_string(n - 1);
    std::string bad = text;
    bad.replace(bad.rfind("[[" + std::to_string(n - 2) + ","), last.size() + 3, "[[" + last + ",");
    CHECK_THAT(outcome(bad), Catch::Contains("node " + last + " ('e" + last + "'): inputs[0]: node id " + last +
                                             " is the node itself"));
  }
  SECTION("huge strings") {
    std::string big(std::size_t(16) << 20, 'n');
    Symbol s = Symbol::from_json(graph(R"({"op": "null", "name": ")" + big + R"(", "attrs": {")" + big + R"(": ")" +
                                       big + R"("}, "inputs": []})"));
    CHECK(s.list_arguments()[0].size() == big.size());
    CHECK(Symbol::from_json(s.to_json()).to_json() == s.to_json());
    // A message names such a node briefly.
    std::string msg = outcome(graph(R"({"op": "null", "name": ")" + big + R"(", "inputs": [[5, 0]]})"));
    CHECK_THAT(msg, Catch::Contains("node 0 ('nnnnnnnn") && Catch::Contains("...' (16777216 bytes)"));
    CHECK(msg.size() < 400);
  }
  SECTION("many heads and arg_nodes are checked one by one") {
    std::string heads = "[[0, 0]";
    for (int i = 0; i < 100000; ++i) heads += ", [0, 0, 0]";
    heads += "]";
    Symbol s = Symbol::from_json(graph(var_a, R"("arg_nodes": [0, 0, 0], "heads": )" + heads));
    CHECK(s.size() == 100001);
  }
  SECTION("a pre-0.9 file cannot make the upgrade create unbounded variables") {
    std::string concat = graph(R"({"op": "Concat", "name": "c", "param": {"num_args": "100000"}, "inputs": []})",
                               R"("arg_nodes": [], "heads": [[0, 0]])");
    CHECK_THAT(outcome(concat), Catch::Contains("node 'c' (Concat): the legacy upgrade would create 100000 missing "
                                                "input variables, more than a file of this size can justify"));
    // A few are fine.
    Symbol s = Symbol::from_json(graph(R"({"op": "Concat", "name": "c", "param": {"num_args": "3"}, "inputs": []})",
                                       R"("arg_nodes": [], "heads": [[0, 0]])"));
    CHECK(s.list_arguments() == std::vector<std::string>{"c_arg0", "c_arg1", "c_arg2"});
  }
  SECTION("output counts are bounded by the graph, not by the numbers in the file") {
    // 2^32 - 1 outputs on one unknown op would make get_internals allocate 100 GB.
    CHECK_THAT(outcome(graph(R"({"op": "Custom", "name": "c", "inputs": []})",
                             R"("arg_nodes": [], "node_row_ptr": [0, 4294967295], "heads": [[0, 0]])")),
               Catch::Contains("the nodes have 4294967295 outputs in all"));
    // A node no head reaches is dropped, so its count allocates nothing either.
    Symbol s = Symbol::from_json(graph(var_a + R"(, {"op": "Custom", "name": "c", "inputs": []})",
                                       R"("arg_nodes": [0], "node_row_ptr": [0, 1, 4294967295], "heads": [[0, 0]])"));
    CHECK(s.topological_nodes().size() == 1);
    // A split into 1000 outputs is fine.
    Symbol split = Symbol::from_json(graph(var_a + R"(, {"op": "SliceChannel", "name": "s", "attrs": {"num_outputs": "1000"},
                                           "inputs": [[0, 0]]})",
                                           R"("arg_nodes": [0], "node_row_ptr": [0, 1, 1001], "heads": [[1, 999]])"));
    CHECK(split.get_internals().size() == 1001);
  }
}

TEST_CASE("hostile json: random mutations of real files load or throw xsym::error") {
  std::vector<std::string> seeds;
  for (const char* name : {"lenet-symbol.json", "go_test-symbol.json", "save_000800.json", "test-symbol.json.ref",
                           "test_mkldnn_test_mkldnn_model_model1.json"})
    seeds.push_back(read_data(name));
  namespace lit = xsym_test::mxnet_literal;
  for (const char* t : {lit::e, lit::plus_scalar_mul, lit::neg_group}) seeds.emplace_back(t);
  const std::vector<std::string> tokens = {"-1", "0", "1", "2", "3", "4294967295", "4294967296", "1e3", "1.5", "[",
                                           "]", "{", "}", ",", "\"", "null", "\"null\"", "[0, 0]", "[[0, 0, 0]]",
                                           "\"BatchNorm\"", "\"lr_mult\"", "\"attr\"", "\"param\"", "\\u0001"};
  std::mt19937 rng(20240611);
  auto pick = [&](std::size_t n) { return std::uniform_int_distribution<std::size_t>(0, n - 1)(rng); };
  int loaded = 0, rejected = 0;
  for (int round = 0; round < 4000; ++round) {
    std::string text = seeds[pick(seeds.size())];
    int edits = 1 + int(pick(3));
    for (int e = 0; e < edits && !text.empty(); ++e) {
      std::size_t at = pick(text.size());
      switch (pick(6)) {
        case 0: text[at] = char(pick(256)); break;                                   // byte flip
        case 1: text.erase(at, 1 + pick(std::min<std::size_t>(64, text.size() - at))); break;  // deletion
        case 2: text.insert(at, tokens[pick(tokens.size())]); break;                  // token
        case 3: text.insert(at, text.substr(pick(text.size()), 1 + pick(32))); break; // duplication
        case 4:
          if (std::isdigit(static_cast<unsigned char>(text[at]))) text[at] = char('0' + pick(10));
          break;
        default: text[at] ^= char(1 << pick(8));  // bit flip
      }
    }
    INFO("round " << round << ": " << text);
    std::string got = outcome(text);
    if (got.empty())
      ++loaded;
    else {
      ++rejected;
      REQUIRE_THAT(got, Catch::StartsWith("xsym::Symbol::from_json: "));
    }
  }
  CHECK(loaded > 100);
  CHECK(rejected > 100);
}

TEST_CASE("hostile json: the fuzzer's findings replay (tests/fuzz/regressions)") {
  std::filesystem::path dir = std::filesystem::path(XSYM_TEST_DATA_DIR).parent_path() / "fuzz" / "regressions";
  int replayed = 0;
  if (std::filesystem::is_directory(dir))
    for (const auto& f : std::filesystem::directory_iterator(dir)) {
      if (!f.is_regular_file()) continue;
      INFO(f.path().string());
      std::string got = outcome(read_file(f.path()));
      if (!got.empty()) CHECK_THAT(got, Catch::StartsWith("xsym::Symbol::from_json: "));
      ++replayed;
    }
  SUCCEED("replayed " << replayed << " inputs");
}
