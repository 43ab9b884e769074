// The exceptions of the Tensor layer, PyTorch's RuntimeError, ValueError and IndexError.
#ifndef CTGRAD_AUTOGRAD_ERRORS_HPP
#define CTGRAD_AUTOGRAD_ERRORS_HPP

#include <stdexcept>

namespace ctgrad {

/// PyTorch's RuntimeError: the message is PyTorch's wherever PyTorch has one.
class error : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

/// PyTorch's ValueError (item() of a tensor with several elements).
class value_error : public std::invalid_argument {
public:
    using std::invalid_argument::invalid_argument;
};

/// PyTorch's IndexError (a dimension out of range).
class index_error : public std::out_of_range {
public:
    using std::out_of_range::out_of_range;
};

}  // namespace ctgrad

#endif
