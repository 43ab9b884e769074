// ctgrad::runtime: the part of the Tensor layer that depends on no statement's type (printing,
// storage, the backward engine across statements, the factories, random numbers, the matrix
// product kernel, Eigen's when CMake found Eigen: CTGRAD_USE_EIGEN), compiled once for float
// and double. Programs that link it get CTGRAD_SEPARATE_RUNTIME, and the
// headers then only declare this part (see detail/config.hpp).
#ifndef CTGRAD_SEPARATE_RUNTIME
#error "ctgrad's runtime library is compiled with CTGRAD_SEPARATE_RUNTIME defined"
#endif
#define CTGRAD_BUILDING_RUNTIME

#include <ctgrad/tensor.hpp>

namespace ctgrad {

#define CTGRAD_RUNTIME_INSTANTIATE(T)                                                                                  \
    template class basic_tensor<T>;                                                                                    \
    template basic_tensor<T> tensor<T>(const tensor_data&, tensor_options);                                           \
    template basic_tensor<T> from_values<T>(std::span<const T>, tensor_size, tensor_options);                         \
    template basic_tensor<T> full<T>(tensor_size, double, tensor_options);                                            \
    template basic_tensor<T> randn<T>(tensor_size, tensor_options);                                                   \
    template basic_tensor<T> arange<T>(std::size_t, tensor_options);                                                  \
    template void tensor_data::flatten<T>(T*&) const;                                                                  \
    namespace detail {                                                                                                 \
    template struct tensor_impl<T>;                                                                                    \
    template std::shared_ptr<tensor_impl<T>> new_impl<T>(const tensor_size&, T);                                      \
    template void check_saved_versions<T>(std::span<const targ<T>>);                                                  \
    template void throw_modified_result<T>(const tensor_size&, const std::string&, std::uint64_t, std::uint64_t);      \
    template std::string statement_name<T>(std::span<const statement_node>, std::span<const targ<T>>, std::size_t);   \
    template grad_fn describe_statement<T>(std::span<const statement_node>, std::span<const targ<T>>, const void*,     \
                                           std::size_t);                                                               \
    template grad_fn describe_tensor<T>(const targ<T>&);                                                               \
    template class engine<T>;                                                                                          \
    template std::vector<std::shared_ptr<tensor_impl<T>>> graph_backward<T>(                                           \
        std::span<const std::shared_ptr<tensor_impl<T>>>, std::span<const std::shared_ptr<tensor_impl<T>>>,            \
        std::span<const tensor_impl<T>* const>, bool);                                                                 \
    template std::string format_tensor<T>(std::span<const T>, std::span<const std::size_t>, const format_suffix&,     \
                                          const print_options&);                                                       \
    template std::string format_values<T>(std::span<const T>, std::span<const std::size_t>, bool,                     \
                                          const std::string&);                                                         \
    template void randn_into<T>(std::span<T>, generator&, randn_path);                                                 \
    template void matmul_kernel<T>(bool, bool, std::size_t, std::size_t, std::size_t, const T*, const T*, T*);         \
    template void randn_into_default<T>(std::span<T>, randn_path);                                                     \
    template std::string tensor_label<T>(const targ<T>&, const dot_names<T>&);                                         \
    template std::string backward_dot_text<T>(const grad_fn&, const dot_names<T>&);                                    \
    }

CTGRAD_RUNTIME_INSTANTIATE(float)
CTGRAD_RUNTIME_INSTANTIATE(double)

#undef CTGRAD_RUNTIME_INSTANTIATE

namespace detail {
// torch.int64 and torch.bool tensors (autograd/dtypes.hpp) print through the integer formatter.
template std::string format_tensor<std::int64_t>(std::span<const std::int64_t>, std::span<const std::size_t>,
                                                 const format_suffix&, const print_options&);
}  // namespace detail

}  // namespace ctgrad
