// Graphviz export: a formula drawn with each distinct node once, its derivative, a tensor
// statement with shapes and marked leaves, and the backward graph down to AccumulateGrad.
#include <boost/test/unit_test.hpp>

#include <ctgrad/ctgrad.hpp>
#include <ctgrad/io/dot.hpp>

#include <cstddef>
#include <string>

namespace {

std::size_t count(const std::string& text, const std::string& what) {
    std::size_t n = 0;
    for (std::size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + what.size())) ++n;
    return n;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(dot)

BOOST_AUTO_TEST_CASE(a_formula_draws_each_distinct_node_once) {
    constexpr auto x = ctgrad::var<"x">;
    constexpr auto y = ctgrad::var<"y">;
    const auto s = x * y + sin(x);
    const auto f = sin(s) * x + s * y;  // s twice in the tree, once in the picture
    const std::string g = ctgrad::to_dot(f);
    BOOST_TEST(g.starts_with("digraph expression {"));
    BOOST_TEST(count(g, "[label=\"x\", shape=ellipse]") == 1u);
    BOOST_TEST(count(g, "[label=\"y\", shape=ellipse]") == 1u);
    BOOST_TEST(count(g, "[label=\"sin\"]") == 2u);  // sin(x) and sin(s)
    BOOST_TEST(count(g, "[label=\"+\"]") == 2u);    // s and f
    BOOST_TEST(count(g, "[label=\"*\"]") == 3u);    // x * y, sin(s) * x, s * y
    BOOST_TEST(count(g, " -> ") == 12u);            // two operands for each of 5 binary nodes, one for each sin
}

BOOST_AUTO_TEST_CASE(a_derivative_is_drawn_like_any_formula) {
    using namespace ctgrad::literals;
    constexpr auto w = ctgrad::var<"w">;
    constexpr auto x = ctgrad::var<"x">;
    const std::string g = ctgrad::to_dot(ctgrad::d(pow(w * x, 2_c), w));  // 2 * x * (w * x)
    BOOST_TEST(count(g, "[label=\"2\", shape=plaintext, style=\"\"]") == 1u);
    BOOST_TEST(count(g, "[label=\"x\", shape=ellipse]") == 1u);
    BOOST_TEST(count(g, "[label=\"w\", shape=ellipse]") == 1u);
}

BOOST_AUTO_TEST_CASE(a_statement_shows_shapes_names_and_leaves_that_require_grad) {
    ctgrad::Tensor w = ctgrad::tensor({{0.5}}, {.requires_grad = true});
    ctgrad::Tensor xs = ctgrad::tensor({{1.0}, {2.0}, {3.0}});
    const auto loss = ctgrad::mean(pow(w * xs + 1.0, ctgrad::constant<2>{}));
    const std::string g = ctgrad::to_dot(loss, {{"w", w}, {"x", xs}});
    BOOST_TEST(g.starts_with("digraph statement {"));
    BOOST_TEST(count(g, "[label=\"w\\n[1, 1]\\nrequires_grad\", fillcolor=lightblue]") == 1u);
    BOOST_TEST(count(g, "[label=\"x\\n[3, 1]\"]") == 1u);
    BOOST_TEST(count(g, "[label=\"1.0\", shape=plaintext, style=\"\"]") == 1u);
    BOOST_TEST(count(g, "[label=\"*\\n[3, 1]\"]") == 1u);  // broadcast to the larger shape
    BOOST_TEST(count(g, "[label=\"^2\\n[3, 1]\"]") == 1u);
    BOOST_TEST(count(g, "[label=\"mean\\n[]\"]") == 1u);
}

BOOST_AUTO_TEST_CASE(the_backward_graph_ends_at_the_leaves) {
    ctgrad::Tensor x = ctgrad::tensor({1.0, 2.0, 3.0}, {.requires_grad = true});
    ctgrad::Tensor y = ctgrad::tensor({4.0, 5.0, 6.0});
    ctgrad::Tensor z = ctgrad::tensor({7.0, 8.0, 9.0}, {.requires_grad = true});
    ctgrad::Tensor a = x * y;  // materialised: its node is reached through the next statement
    const auto c = (a + z).sum();
    const std::string g = ctgrad::to_dot_backward(c, {{"x", x}, {"z", z}});
    BOOST_TEST(g.starts_with("digraph backward {"));
    for (const char* name : {"SumBackward0", "AddBackward0", "MulBackward0"}) BOOST_TEST(count(g, name) == 1u);
    BOOST_TEST(count(g, "AccumulateGrad\\nx [3]") == 1u);
    BOOST_TEST(count(g, "AccumulateGrad\\nz [3]") == 1u);
    BOOST_TEST(count(g, "AccumulateGrad") == 2u);  // y does not require grad: no node
    BOOST_TEST(count(g, " -> ") == 4u);
}

BOOST_AUTO_TEST_CASE(distinct_nodes_of_one_statement_stay_distinct) {
    ctgrad::Tensor a = ctgrad::tensor({1.0, 2.0}, {.requires_grad = true});
    ctgrad::Tensor b = ctgrad::tensor({3.0, 4.0}, {.requires_grad = true});
    const auto s = (((a * b) * b) * (b * a)).sum();  // four products at three depths
    const std::string g = ctgrad::to_dot_backward(s, {{"a", a}, {"b", b}});
    BOOST_TEST(count(g, "MulBackward0") == 4u);
    BOOST_TEST(count(g, "AccumulateGrad") == 2u);
    BOOST_TEST(count(g, " -> ") == 9u);  // sum <- mul; 3 edges between products; 5 edges to leaves
}

BOOST_AUTO_TEST_SUITE_END()
