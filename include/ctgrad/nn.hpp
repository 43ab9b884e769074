// torch.nn.functional and torch.optim for ctgrad's Tensor: `#include <ctgrad/nn.hpp>`, then
// `namespace F = ctgrad::nn::functional;` and `ctgrad::optim::SGD`, `ctgrad::optim::Adam`.
#ifndef CTGRAD_NN_HPP
#define CTGRAD_NN_HPP

#include <ctgrad/tensor.hpp>
#include <ctgrad/nn/functional.hpp>
#include <ctgrad/optim.hpp>

#endif
