// ctgrad's runtime autograd layer: Tensor, no_grad, manual_seed/randn and Python-style print.
#ifndef CTGRAD_TENSOR_HPP
#define CTGRAD_TENSOR_HPP

#include <ctgrad/autograd/grad_mode.hpp>
#include <ctgrad/autograd/print.hpp>
#include <ctgrad/autograd/random.hpp>
#include <ctgrad/autograd/tensor.hpp>

#endif
