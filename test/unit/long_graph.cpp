// Graphs of many statements (autograd/tensor.hpp): built, named, back-propagated and destroyed
// without recursion, so that a chain of 200 000 statements fits the default stack (also
// under AddressSanitizer, whose frames are larger) and takes time linear in its length.
#include <boost/test/unit_test.hpp>

#include <ctgrad/tensor.hpp>

#include <cstddef>
#include <sstream>
#include <string>

BOOST_AUTO_TEST_SUITE(long_graph)

BOOST_AUTO_TEST_CASE(chain_of_statements) {
    constexpr std::size_t n = 200000;
    auto x = ctgrad::tensor<double>(1., {.requires_grad = true});
    auto w = ctgrad::tensor<double>(1., {.requires_grad = true});
    auto b = ctgrad::tensor<double>(1., {.requires_grad = true});
    {
        ctgrad::DoubleTensor t = x * 1.;
        for (std::size_t k = 0; k != n; ++k) t = t * w + b;  // t_k = 1 + k while w = 1
        BOOST_TEST(t.item() == double(n + 1));
        // Naming and printing the end of the chain describes one statement, not the chain.
        BOOST_TEST(t.grad_fn().name() == "AddBackward0");
        const ctgrad::grad_fn fn = t.grad_fn();
        const auto& next = fn.next_functions();
        BOOST_TEST(next.size() == 2u);
        BOOST_TEST(next[0].function.name() == "MulBackward0");
        BOOST_TEST(next[0].function.next_functions()[0].function.name() == "AddBackward0");
        std::ostringstream os;
        os << t;
        BOOST_TEST(os.str() == "tensor(200001., dtype=torch.float64, grad_fn=<AddBackward0>)");
        t.backward();
    }  // the graph goes here
    BOOST_TEST(x.grad().item() == 1.);
    BOOST_TEST(b.grad().item() == double(n));
    BOOST_TEST(w.grad().item() == double(n) + double(n) * double(n - 1) / 2);  // sum of t_0..t_{n-1}
}

BOOST_AUTO_TEST_CASE(chain_destroyed_without_backward) {
    ctgrad::Tensor t = ctgrad::tensor({1., 2.}, {.requires_grad = true});
    for (int k = 0; k != 200000; ++k) t = t + 1.;
    BOOST_TEST(t.values()[1] == 200002.f);
    t = ctgrad::Tensor();  // the whole chain, freed in a loop
    BOOST_TEST(!t.defined());
}

BOOST_AUTO_TEST_CASE(shared_node_consumed_many_times) {
    // A non-leaf read by many later statements: its gradient waits for all of them.
    auto w = ctgrad::tensor<double>({1., 2.}, {.requires_grad = true});
    ctgrad::DoubleTensor a = w * 3.;
    ctgrad::DoubleTensor s = a * 0.;
    for (int k = 0; k != 1000; ++k) s = s + a;
    s.sum().backward();
    BOOST_TEST(w.grad().values()[0] == 3000.);
    BOOST_TEST(w.grad().values()[1] == 3000.);
}

BOOST_AUTO_TEST_SUITE_END()
