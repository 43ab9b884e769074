// ctgrad: compile-time symbolic differentiation. The one header to include.
#ifndef CTGRAD_CTGRAD_HPP
#define CTGRAD_CTGRAD_HPP

#include <ctgrad/core/operators.hpp>
#include <ctgrad/diff/derivative.hpp>
#include <ctgrad/eval/evaluate.hpp>
#include <ctgrad/eval/fused.hpp>
#include <ctgrad/core/reductions.hpp>
#include <ctgrad/io/to_string.hpp>
#include <ctgrad/tensor.hpp>

#endif
