// ctgrad's runtime autograd layer: Tensor, no_grad, manual_seed/randn, Python-style print and
// Graphviz pictures (of tensor statements, and of expressions: io/dot.hpp).
//
// The headers are included directly, in the order of their dependencies, so that the chain of
// includes a compiler prints before an error stays short (see ctgrad.hpp).
#ifndef CTGRAD_TENSOR_HPP
#define CTGRAD_TENSOR_HPP

#include <ctgrad/detail/config.hpp>
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
#include <ctgrad/io/python_repr.hpp>
#include <ctgrad/autograd/print.hpp>
#include <ctgrad/io/to_string.hpp>
#include <ctgrad/io/dot.hpp>
#include <ctgrad/autograd/dot.hpp>
#include <ctgrad/autograd/misuse.hpp>
#include <ctgrad/autograd/gradcheck.hpp>

#endif
