// ctgrad: compile-time symbolic differentiation. The one header to include.
//
// Every header is included here directly, in the order of their dependencies: a compiler
// prints the chain of includes that led to an error's header, and this keeps that chain at
// two lines for every header.
#ifndef CTGRAD_CTGRAD_HPP
#define CTGRAD_CTGRAD_HPP

#include <ctgrad/detail/config.hpp>
#include <ctgrad/core/fixed_string.hpp>
#include <ctgrad/core/expr.hpp>
#include <ctgrad/core/build.hpp>
#include <ctgrad/core/ops.hpp>
#include <ctgrad/core/operators.hpp>
#include <ctgrad/core/reductions.hpp>
#include <ctgrad/core/shaped.hpp>
#include <ctgrad/diff/derivative.hpp>
#include <ctgrad/eval/simd.hpp>
#include <ctgrad/eval/loop.hpp>
#include <ctgrad/eval/context.hpp>
#include <ctgrad/eval/dag.hpp>
#include <ctgrad/eval/fused.hpp>
#include <ctgrad/eval/evaluate.hpp>
#include <ctgrad/io/to_string.hpp>
#include <ctgrad/diff/reverse.hpp>
#include <ctgrad/eval/second_order.hpp>
#include <ctgrad/eval/gradcheck.hpp>
#include <ctgrad/eval/shaped.hpp>
#include <ctgrad/diff/shaped.hpp>
#include <ctgrad/io/python_repr.hpp>
#include <ctgrad/io/dot.hpp>
#include <ctgrad/autograd/format.hpp>
#include <ctgrad/autograd/grad_mode.hpp>
#include <ctgrad/autograd/random.hpp>
#include <ctgrad/autograd/errors.hpp>
#include <ctgrad/autograd/shape.hpp>
#include <ctgrad/autograd/grad_fn.hpp>
#include <ctgrad/autograd/storage.hpp>
#include <ctgrad/autograd/slots.hpp>
#include <ctgrad/autograd/torch_names.hpp>
#include <ctgrad/autograd/statement_eval.hpp>
#include <ctgrad/autograd/statement.hpp>
#include <ctgrad/autograd/eager.hpp>
#include <ctgrad/autograd/tensor.hpp>
#include <ctgrad/autograd/shape_ops.hpp>
#include <ctgrad/autograd/dtypes.hpp>
#include <ctgrad/autograd/function.hpp>
#include <ctgrad/autograd/print.hpp>
#include <ctgrad/autograd/dot.hpp>
#include <ctgrad/autograd/misuse.hpp>
#include <ctgrad/autograd/gradcheck.hpp>
#include <ctgrad/tensor.hpp>
#include <ctgrad/nn/functional.hpp>
#include <ctgrad/optim.hpp>

#endif
