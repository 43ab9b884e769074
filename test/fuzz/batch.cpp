// One slice of the fuzz batch: expressions CTGRAD_FUZZ_FIRST to CTGRAD_FUZZ_LAST - 1 of the
// batch with seed CTGRAD_FUZZ_SEED (test/fuzz/CMakeLists.txt compiles this file once per slice).
#include "fuzz.hpp"

#include <cstddef>
#include <utility>

#if !defined(CTGRAD_FUZZ_SEED) || !defined(CTGRAD_FUZZ_FIRST) || !defined(CTGRAD_FUZZ_LAST)
#error "define CTGRAD_FUZZ_SEED, CTGRAD_FUZZ_FIRST and CTGRAD_FUZZ_LAST"
#endif

namespace {
template <std::size_t... I>
void run_slice(ctgrad_fuzz::run& r, std::index_sequence<I...>) {
    constexpr std::size_t first = CTGRAD_FUZZ_FIRST;
    (ctgrad_fuzz::fuzz_one<first + I, ctgrad_fuzz::expression_seed(CTGRAD_FUZZ_SEED, first + I)>(r), ...);
}

const ctgrad_fuzz::registration slice{CTGRAD_FUZZ_FIRST, [](ctgrad_fuzz::run& r) {
    run_slice(r, std::make_index_sequence<CTGRAD_FUZZ_LAST - CTGRAD_FUZZ_FIRST>{});
}};
}  // namespace
