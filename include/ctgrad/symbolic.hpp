// ctgrad without the Tensor layer: expressions, d, grad, jacobian, hessian, printing,
// evaluation, and the fused loops (value_and_grad, value_grad_and_hessian, hvp). A program that
// uses no ctgrad::Tensor includes this and compiles in about half the time of
// <ctgrad/ctgrad.hpp>, which includes this and the Tensor layer.
#ifndef CTGRAD_SYMBOLIC_HPP
#define CTGRAD_SYMBOLIC_HPP

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

#endif
