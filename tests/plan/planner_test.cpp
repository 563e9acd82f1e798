// The planner (include/xsym/plan/planner.hpp) on graphs written out by hand, in a constant
// expression (as static graphs use it) and at run time (as bind does): which nodes fuse, where a
// stage ends (another size, a materialized node, a fold, backward), which entries live in memory
// and which stage reads each last. The expectations are worked out by hand from the rules.
#include <catch2/catch.hpp>

#include <array>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include <xsym/plan/planner.hpp>

namespace {

using xsym::plan::node_record;
using xsym::plan::node_role;
using xsym::plan::stage_kind;

// A graph of single-output nodes written as (role, size, inputs); entry i is node i's output.
struct test_graph {
  std::vector<node_record> nodes;
  std::vector<int> inputs, heads, node_of_entry;
  void add(node_role role, std::size_t size, std::vector<int> in, bool backward = false) {
    const int i = int(nodes.size());
    nodes.push_back({role, backward, size, int(inputs.size()), int(in.size()), i, 1});
    inputs.insert(inputs.end(), in.begin(), in.end());
    node_of_entry.push_back(i);
  }
  xsym::plan::graph_view view() const { return {nodes, inputs, heads, node_of_entry}; }
};

struct planned {
  std::vector<int> order, stage_of, readers, last_use;
  std::vector<xsym::plan::stage_record> stages;
  std::vector<char> stored;
  xsym::plan::plan_size size;
  std::string text;
};

planned plan(const test_graph& g, bool fuse) {
  const std::size_t n = g.nodes.size();
  planned p{std::vector<int>(n), std::vector<int>(n), std::vector<int>(n), std::vector<int>(n),
            std::vector<xsym::plan::stage_record>(n), {}, {}, {}};
  auto stored = std::make_unique<bool[]>(n);
  p.size = xsym::plan::plan_graph(g.view(), {p.order, p.stages, p.stage_of, p.readers, p.last_use, {stored.get(), n}},
                                  fuse);
  p.stored.assign(stored.get(), stored.get() + n);
  const xsym::plan::plan_view v{p.order, std::span(p.stages).first(std::size_t(p.size.num_stages)), p.stage_of,
                                p.readers, p.last_use, std::span<const bool>(stored.get(), n)};
  auto name = [](int i) { return "n" + std::to_string(i); };
  p.text = xsym::plan::describe(g.view(), v, name, name, [&](int k) { return "out" + std::to_string(k); });
  return p;
}

constexpr auto v = node_role::variable;
constexpr auto ew = node_role::elementwise;
constexpr auto fold = node_role::row_fold;
constexpr auto mat = node_role::materialized;

}  // namespace

TEST_CASE("planner: elementwise nodes of one size fuse, and a materialized node and a new size end a stage", "[plan]") {
  test_graph g;
  g.add(v, 100, {});         // 0
  g.add(ew, 100, {0});       // 1
  g.add(ew, 100, {1, 0});    // 2
  g.add(mat, 10, {2});       // 3  (a FullyConnected, say)
  g.add(ew, 10, {3});        // 4
  g.add(ew, 10, {4, 3});     // 5
  g.add(v, 7, {});           // 6
  g.add(ew, 7, {6});         // 7  another size: a stage of its own
  g.heads = {5, 7};
  const planned p = plan(g, true);
  REQUIRE(p.size.num_stages == 4);
  CHECK(p.stage_of == std::vector<int>{-1, 0, 0, 1, 2, 2, -1, 3});
  CHECK(p.stages[0].kind == stage_kind::fused_elementwise);
  CHECK(p.stages[1].kind == stage_kind::materialized);
  CHECK(p.stages[3].kind == stage_kind::fused_elementwise);
  // In memory: variables, heads, a materialized output, what a later stage reads (node 2).
  CHECK(p.stored == std::vector<char>{1, 0, 1, 1, 0, 1, 1, 1});
  CHECK(p.last_use == std::vector<int>{0, 0, 1, 2, 2, -1, 3, -1});
  CHECK(p.readers == std::vector<int>{2, 1, 1, 2, 1, 0, 1, 0});
  CHECK(p.text ==
        "stage 0 (fused elementwise): n1 <- n0; n2 <- n1, n0 -> stores n2\n"
        "stage 1 (materialized): n3 <- n2 -> stores n3\n"
        "stage 2 (fused elementwise): n4 <- n3; n5 <- n4, n3 -> outputs out0\n"
        "stage 3 (fused elementwise): n7 <- n6 -> outputs out1");
}

TEST_CASE("planner: without fusion every op node is a materialized stage, in memory", "[plan]") {
  test_graph g;
  g.add(v, 8, {});
  g.add(ew, 8, {0});
  g.add(ew, 8, {1});
  g.heads = {2};
  const planned p = plan(g, false);
  REQUIRE(p.size.num_stages == 2);
  CHECK(p.stages[0].kind == stage_kind::materialized);
  CHECK(p.stages[1].kind == stage_kind::materialized);
  CHECK(p.stored == std::vector<char>{1, 1, 1});
  CHECK(p.last_use == std::vector<int>{0, 1, -1});
}

TEST_CASE("planner: a fused stage folds the row reduction of a value only it computes and only the reduction reads",
          "[plan]") {
  SECTION("folded") {
    test_graph g;
    g.add(v, 64, {});
    g.add(ew, 64, {0});
    g.add(fold, 8, {1});
    g.heads = {2};
    const planned p = plan(g, true);
    REQUIRE(p.size.num_stages == 1);
    CHECK(p.stages[0].fold == 2);
    CHECK(p.stored == std::vector<char>{1, 0, 1});  // the folded value never reaches memory
    CHECK(p.text == "stage 0 (fused elementwise): n1 <- n0; n2 (folded) <- n1 -> outputs out0");
  }
  SECTION("not folded: the value has another reader, is an output, or comes from another stage") {
    test_graph two_readers;
    two_readers.add(v, 64, {});
    two_readers.add(ew, 64, {0});
    two_readers.add(fold, 8, {1});
    two_readers.add(ew, 64, {1});
    two_readers.heads = {2, 3};
    test_graph head = two_readers;
    head.nodes.pop_back(), head.inputs.pop_back(), head.node_of_entry.pop_back();
    head.heads = {2, 1};
    test_graph variable_input;
    variable_input.add(v, 64, {});
    variable_input.add(fold, 8, {0});
    variable_input.heads = {1};
    for (const test_graph* g : {&two_readers, &head, &variable_input}) {
      const planned p = plan(*g, true);
      INFO(p.text);
      for (int s = 0; s < p.size.num_stages; ++s) CHECK(p.stages[std::size_t(s)].fold == -1);
      CHECK(p.stages[std::size_t(p.stage_of[2 - (g == &variable_input)])].kind == stage_kind::materialized);
    }
  }
  SECTION("a folding stage takes no further node") {
    test_graph g;
    g.add(v, 64, {});
    g.add(ew, 64, {0});
    g.add(fold, 8, {1});
    g.add(ew, 64, {0});
    g.heads = {2, 3};
    const planned p = plan(g, true);
    CHECK(p.stage_of == std::vector<int>{-1, 0, 0, 1});
  }
}

TEST_CASE("planner: backward nodes run after every forward node, in stages of their own", "[plan]") {
  test_graph g;
  g.add(v, 16, {});                // 0 x
  g.add(ew, 16, {0});              // 1 y = f(x)
  g.add(v, 16, {});                // 2 head gradient
  g.add(ew, 16, {2, 1, 0}, true);  // 3 dx
  g.add(ew, 16, {1});              // 4 a second forward output, after a backward node in node order
  g.heads = {1, 4, 3};
  const planned p = plan(g, true);
  REQUIRE(p.size.num_stages == 2);
  CHECK(p.order == std::vector<int>{1, 4, 3, 0, 0});
  CHECK_FALSE(p.stages[0].backward);
  CHECK(p.stages[1].backward);
  CHECK(p.stage_of == std::vector<int>{-1, 0, -1, 1, 0});
  CHECK(p.text.ends_with("stage 1 (fused elementwise, backward): n3 <- n2, n1, n0 -> outputs out2"));
}

TEST_CASE("planner: nodes no head needs are left out", "[plan]") {
  test_graph g;
  g.add(v, 4, {});
  g.add(ew, 4, {0});
  g.add(ew, 4, {0});  // read by nothing
  g.heads = {1};
  const planned p = plan(g, true);
  CHECK(p.size.num_nodes == 1);
  CHECK(p.stage_of == std::vector<int>{-1, 0, -1});
  CHECK(p.readers[0] == 1);
}

TEST_CASE("planner: runs in a constant expression", "[plan]") {
  constexpr auto stages = [] {
    constexpr std::array<node_record, 4> nodes{{{v, false, 32, 0, 0, 0, 1},
                                                {ew, false, 32, 0, 1, 1, 1},
                                                {mat, false, 4, 1, 1, 2, 1},
                                                {ew, false, 4, 2, 1, 3, 1}}};
    constexpr std::array<int, 3> inputs{0, 1, 2};
    constexpr std::array<int, 1> heads{3};
    constexpr std::array<int, 4> node_of_entry{0, 1, 2, 3};
    std::array<int, 4> order{}, stage_of{}, readers{}, last_use{};
    std::array<xsym::plan::stage_record, 4> st{};
    std::array<bool, 4> stored{};
    auto size = xsym::plan::plan_graph({nodes, inputs, heads, node_of_entry},
                                       {order, st, stage_of, readers, last_use, stored}, true);
    return std::array<int, 4>{size.num_stages, stage_of[1], stage_of[2], stored[1]};
  }();
  STATIC_REQUIRE(stages == std::array<int, 4>{3, 0, 1, 1});
}
