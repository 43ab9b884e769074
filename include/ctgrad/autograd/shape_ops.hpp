// Tensor operations that change shapes or combine rows: reshape / view, unsqueeze / squeeze,
// expand, transpose / t() / T(), sum and mean over a dimension, matmul / mm. They run eagerly
// (autograd/eager.hpp) with PyTorch's names, grad_fn names and error messages.
#ifndef CTGRAD_AUTOGRAD_SHAPE_OPS_HPP
#define CTGRAD_AUTOGRAD_SHAPE_OPS_HPP

#include <ctgrad/detail/config.hpp>
#include <ctgrad/autograd/eager.hpp>
#include <ctgrad/autograd/errors.hpp>
#include <ctgrad/autograd/shape.hpp>
#include <ctgrad/autograd/tensor.hpp>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <limits>
#include <memory>
#include <span>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#if CTGRAD_RUNTIME_DEFINITIONS && defined(CTGRAD_USE_EIGEN)
#include <Eigen/Core>
#endif

namespace ctgrad {

namespace detail {

/// PyTorch's wrapping of a dimension index: -1 is the last; a 0-d tensor takes -1 and 0.
inline std::size_t wrap_dim(std::int64_t dim, std::size_t rank) {
    const std::int64_t r = rank == 0 ? 1 : static_cast<std::int64_t>(rank);
    if (dim < -r || dim >= r)
        throw index_error("Dimension out of range (expected to be in range of [" + std::to_string(-r) + ", " +
                          std::to_string(r - 1) + "], but got " + std::to_string(dim) + ")");
    return static_cast<std::size_t>(dim < 0 ? dim + r : dim);
}

/// The tensor behind an operand: a statement is evaluated into a new one.
template <class X>
auto impl_of(const X& x) {
    using D = std::remove_cvref_t<X>;
    using T = typename D::value_type;
    if constexpr (is_tensor_v<D>) {
        if (!x.defined()) throw error("ctgrad: an operand is None (an undefined tensor)");
        return x.impl_ptr();
    } else {
        return basic_tensor<T>(x).impl_ptr();
    }
}

inline std::string dims_str(std::span<const std::int64_t> dims) {
    std::string s = "[";
    for (std::size_t i = 0; i != dims.size(); ++i) s += (i ? ", " : "") + std::to_string(dims[i]);
    return s + "]";
}

/// The shape `dims` asks for of a tensor of n elements, -1 inferred.
inline tensor_size infer_shape(std::span<const std::int64_t> dims, std::size_t n) {
    std::array<std::size_t, tensor_size::max_rank> out{};
    if (dims.size() > out.size()) throw error("ctgrad: tensors of rank 0 to 4 are supported");
    std::size_t known = 1;
    std::size_t inferred = dims.size();
    for (std::size_t i = 0; i != dims.size(); ++i) {
        if (dims[i] == -1) {
            if (inferred != dims.size()) throw error("only one dimension can be inferred");
            inferred = i;
        } else if (dims[i] < 0) {
            throw error("invalid shape dimension " + std::to_string(dims[i]));
        } else {
            out[i] = static_cast<std::size_t>(dims[i]);
            known *= out[i];
        }
    }
    const bool ok = inferred == dims.size() ? known == n : known != 0 && n % known == 0;
    if (!ok) throw error("shape '" + dims_str(dims) + "' is invalid for input of size " + std::to_string(n));
    if (inferred != dims.size()) out[inferred] = n / known;
    return tensor_size(std::span<const std::size_t>(out.data(), dims.size()));
}

/// Copies (or, with Add, adds) `in` of shape `shape` into `out` with its dimensions permuted:
/// output dimension j is input dimension perm[j].
template <bool Add, class T>
void permute_copy(const T* in, const tensor_size& shape, std::span<const std::size_t> perm, T* out) {
    constexpr std::size_t R = tensor_size::max_rank;
    const std::size_t rank = shape.size();
    std::array<std::size_t, R> in_strides{};
    std::size_t stride = 1;
    for (std::size_t j = rank; j-- != 0;) {
        in_strides[j] = stride;
        stride *= shape[j];
    }
    std::array<std::size_t, R> dims{1, 1, 1, 1}, st{};
    const std::size_t pad = R - rank;
    for (std::size_t j = 0; j != rank; ++j) {
        dims[pad + j] = shape[perm[j]];
        st[pad + j] = in_strides[perm[j]];
    }
    std::size_t i = 0;
    for (std::size_t a = 0; a != dims[0]; ++a)
        for (std::size_t b = 0; b != dims[1]; ++b)
            for (std::size_t c = 0; c != dims[2]; ++c)
                for (std::size_t e = 0; e != dims[3]; ++e, ++i) {
                    const T v = in[a * st[0] + b * st[1] + c * st[2] + e * st[3]];
                    if constexpr (Add) out[i] += v;
                    else out[i] = v;
                }
}

/// t itself, or a view of it with `shape` (the same number of elements).
template <class T>
std::shared_ptr<tensor_impl<T>> as_shape(const std::shared_ptr<tensor_impl<T>>& t, const tensor_size& shape) {
    return t->shape == shape ? t : make_view<T>("ViewBackward0", t, shape);
}

template <class T>
std::shared_ptr<tensor_impl<T>> make_batched_matmul(const std::shared_ptr<tensor_impl<T>>& a,
                                                    const std::shared_ptr<tensor_impl<T>>& b);
template <class T>
std::shared_ptr<tensor_impl<T>> make_permuted(std::string name, const std::shared_ptr<tensor_impl<T>>& t,
                                              std::array<std::size_t, tensor_size::max_rank> perm);
template <class T>
std::shared_ptr<tensor_impl<T>> make_mm(const std::shared_ptr<tensor_impl<T>>& a, const std::shared_ptr<tensor_impl<T>>& b);

/// t (of rank 2 or more) with its last two dimensions swapped.
template <class T>
std::shared_ptr<tensor_impl<T>> transpose_last(const std::shared_ptr<tensor_impl<T>>& t) {
    std::array<std::size_t, tensor_size::max_rank> perm{0, 1, 2, 3};
    const std::size_t r = t->shape.size();
    std::swap(perm[r - 2], perm[r - 1]);
    return make_permuted<T>("TransposeBackward0", t, perm);
}

/// The gradients of a and b in a @ b (batched, broadcast, 1-D operands as a row and a
/// column) from the product's gradient g, as products: g @ b^T and a^T @ g, summed over the
/// batches each operand was broadcast to.
template <class T>
std::vector<std::shared_ptr<tensor_impl<T>>> matmul_graph_backward(const std::shared_ptr<tensor_impl<T>>& g,
                                                                   const targ<T>& ta, const targ<T>& tb) {
    const auto& a = ta.t;
    const auto& b = tb.t;
    const tensor_size sa = a->shape, sb = b->shape;
    const std::size_t ra = sa.size(), rb = sb.size();
    const std::size_t k = sa[ra - 1];
    const auto a2 = ra == 1 ? as_shape<T>(a, tensor_size{1, k}) : a;
    const auto b2 = rb == 1 ? as_shape<T>(b, tensor_size{k, 1}) : b;
    const std::size_t m = a2->shape[a2->shape.size() - 2], n = b2->shape[b2->shape.size() - 1];
    const tensor_size ba = ra > 2 ? tensor_size(sa.dims().first(ra - 2)) : tensor_size{};
    const tensor_size bb = rb > 2 ? tensor_size(sb.dims().first(rb - 2)) : tensor_size{};
    const tensor_size batch = broadcast_shapes(ba, bb);
    std::array<std::size_t, tensor_size::max_rank> dims{};
    std::size_t rank = 0;
    for (const std::size_t d : batch.dims()) dims[rank++] = d;
    dims[rank++] = m;
    dims[rank++] = n;
    const auto g2 = as_shape<T>(g, tensor_size(std::span<const std::size_t>(dims.data(), rank)));
    std::vector<std::shared_ptr<tensor_impl<T>>> out(2);
    if (rank == 2 && a2->shape.size() == 2 && b2->shape.size() == 2) {  // matrices: mm, as PyTorch
        if (ta.grad) out[0] = as_shape<T>(make_mm<T>(g2, transpose_last<T>(b2)), sa);
        if (tb.grad) out[1] = as_shape<T>(make_mm<T>(transpose_last<T>(a2), g2), sb);
        return out;
    }
    if (ta.grad) out[0] = as_shape<T>(make_sum_to<T>(make_batched_matmul<T>(g2, transpose_last<T>(b2)), a2->shape), sa);
    if (tb.grad) out[1] = as_shape<T>(make_sum_to<T>(make_batched_matmul<T>(transpose_last<T>(a2), g2), b2->shape), sb);
    return out;
}

/// t with its dimensions permuted (a copy), grad_fn `name`.
template <class T>
std::shared_ptr<tensor_impl<T>> make_permuted(std::string name, const std::shared_ptr<tensor_impl<T>>& t,
                                              std::array<std::size_t, tensor_size::max_rank> perm) {
    const tensor_size from = t->shape;
    const std::size_t rank = from.size();
    std::array<std::size_t, tensor_size::max_rank> dims{}, inverse{};
    for (std::size_t j = 0; j != rank; ++j) {
        dims[j] = from[perm[j]];
        inverse[perm[j]] = j;
    }
    const tensor_size to(std::span<const std::size_t>(dims.data(), rank));
    auto out = make_eager<T>(
        name, to, {t},
        [&](std::span<T> out) { permute_copy<false>(t->data(), from, std::span(perm.data(), rank), out.data()); },
        [to, inverse, rank](std::span<const T> g, std::span<T* const> in) {
            permute_copy<true>(g.data(), to, std::span(inverse.data(), rank), in[0]);
        },
        false);
    return with_graph<T>(std::move(out), [inverse, name](const std::shared_ptr<tensor_impl<T>>& g, std::span<const targ<T>>) {
        return std::vector<std::shared_ptr<tensor_impl<T>>>{make_permuted<T>(name, g, inverse)};
    });
}

/// The sizes of the dimensions before `dim`, of `dim` and after it.
inline std::array<std::size_t, 3> split_at_dim(const tensor_size& s, std::size_t dim) {
    std::array<std::size_t, 3> r{1, s.size() ? s[dim] : 1, 1};
    for (std::size_t j = 0; j < dim; ++j) r[0] *= s[j];
    for (std::size_t j = dim + 1; j < s.size(); ++j) r[2] *= s[j];
    return r;
}

/// The shape without dimension `dim` (or with it as 1 when keepdim).
inline tensor_size reduced_shape(const tensor_size& s, std::size_t dim, bool keepdim) {
    std::array<std::size_t, tensor_size::max_rank> dims{};
    std::size_t n = 0;
    for (std::size_t j = 0; j != s.size(); ++j) {
        if (j != dim) dims[n++] = s[j];
        else if (keepdim) dims[n++] = 1;
    }
    return tensor_size(std::span<const std::size_t>(dims.data(), n));
}

/// sum (Mean = false) or mean over dimension `dim`.
template <bool Mean, class T>
std::shared_ptr<tensor_impl<T>> make_dim_reduction(const std::shared_ptr<tensor_impl<T>>& t, std::int64_t dim, bool keepdim) {
    const std::size_t d = wrap_dim(dim, t->shape.size());
    const auto parts = split_at_dim(t->shape, d);
    const std::size_t outer = parts[0], n = parts[1], inner = parts[2];
    auto out = make_eager<T>(
        Mean ? "MeanBackward1" : "SumBackward1", reduced_shape(t->shape, d, keepdim), {t},
        [&](std::span<T> out) {
            const T* x = t->data();
            for (std::size_t o = 0; o != outer; ++o) {
                T* row = out.data() + o * inner;
                for (std::size_t i = 0; i != inner; ++i) row[i] = x[o * n * inner + i];
                for (std::size_t k = 1; k < n; ++k)
                    for (std::size_t i = 0; i != inner; ++i) row[i] += x[(o * n + k) * inner + i];
                if constexpr (Mean)
                    for (std::size_t i = 0; i != inner; ++i) row[i] /= static_cast<T>(n);
            }
        },
        [outer, n, inner](std::span<const T> g, std::span<T* const> in) {
            for (std::size_t o = 0; o != outer; ++o)
                for (std::size_t k = 0; k != n; ++k)
                    for (std::size_t i = 0; i != inner; ++i) {
                        const T v = g[o * inner + i];
                        in[0][(o * n + k) * inner + i] += Mean ? v / static_cast<T>(n) : v;
                    }
        },
        false);
    const tensor_size from = t->shape, kept = reduced_shape(t->shape, d, true);
    const T count = static_cast<T>(n);
    return with_graph<T>(std::move(out), [from, kept, count](const std::shared_ptr<tensor_impl<T>>& g, std::span<const targ<T>>) {
        auto e = make_expand<T>(as_shape<T>(g, kept), from, false);
        if (Mean) e = basic_tensor<T>(basic_tensor<T>(e) / count).impl_ptr();
        return std::vector<std::shared_ptr<tensor_impl<T>>>{e};
    });
}

/// C (m x n) += A (m x k) B (k x n), all row-major: the rows of B are added with the weights
/// of A's row, so the innermost loop runs along contiguous rows and vectorises.
template <class T>
void gemm_add(std::size_t m, std::size_t k, std::size_t n, const T* a, const T* b, T* c) {
    if (n == 1) {  // a matrix times a vector: each row's dot product, in 8 independent partial sums
        for (std::size_t i = 0; i != m; ++i) {
            const T* __restrict row = a + i * k;
            T part[8] = {};
            std::size_t p = 0;
            for (; p + 8 <= k; p += 8)
                for (std::size_t l = 0; l != 8; ++l) part[l] += row[p + l] * b[p + l];
            T sum = ((part[0] + part[1]) + (part[2] + part[3])) + ((part[4] + part[5]) + (part[6] + part[7]));
            for (; p != k; ++p) sum += row[p] * b[p];
            c[i] += sum;
        }
        return;
    }
    for (std::size_t i = 0; i != m; ++i) {
        T* __restrict crow = c + i * n;
        for (std::size_t p = 0; p != k; ++p) {
            const T w = a[i * k + p];
            const T* __restrict brow = b + p * n;
            for (std::size_t j = 0; j != n; ++j) crow[j] += w * brow[j];
        }
    }
}

/// The transpose of a row-major m x n matrix.
template <class T>
std::vector<T> transposed(const T* a, std::size_t m, std::size_t n) {
    std::vector<T> t(m * n);
    for (std::size_t i = 0; i != m; ++i)
        for (std::size_t j = 0; j != n; ++j) t[j * m + i] = a[i * n + j];
    return t;
}

/// The product kernel of matmul, mm, bmm and linear: C (m x n) += op(A) op(B), row-major, where
/// op(A) is A (m x k) or, with `ta`, the transpose of A stored k x m (the same for B, n x k).
/// Eigen's product when CTGRAD_USE_EIGEN is defined (ctgrad::runtime is compiled so when CMake
/// finds Eigen; a header-only program may define it and add Eigen's include directory): it was
/// 1.1 to 12 times faster than gemm_add at the MLP's shapes and at 32 to 256 (bench/README.md,
/// "The matrix-product kernel"). gemm_add, on transposed copies, otherwise.
template <class T>
void matmul_kernel(bool ta, bool tb, std::size_t m, std::size_t k, std::size_t n, const T* a, const T* b, T* c);

#if CTGRAD_RUNTIME_DEFINITIONS
template <class T>
void matmul_kernel(bool ta, bool tb, std::size_t m, std::size_t k, std::size_t n, const T* a, const T* b, T* c) {
    if (m == 0 || n == 0 || k == 0) return;
#if defined(CTGRAD_USE_EIGEN)
    using matrix = Eigen::Matrix<T, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
    const auto rows = [](std::size_t r) { return static_cast<Eigen::Index>(r); };
    Eigen::Map<matrix> C(c, rows(m), rows(n));
    const Eigen::Map<const matrix> A(a, rows(ta ? k : m), rows(ta ? m : k));
    const Eigen::Map<const matrix> B(b, rows(tb ? n : k), rows(tb ? k : n));
    if (!ta && !tb) C.noalias() += A * B;
    else if (ta && !tb) C.noalias() += A.transpose() * B;
    else if (!ta && tb) C.noalias() += A * B.transpose();
    else C.noalias() += A.transpose() * B.transpose();
#else
    std::vector<T> at, bt;
    if (ta) at = transposed(a, k, m);
    if (tb) bt = transposed(b, n, k);
    gemm_add(m, k, n, ta ? at.data() : a, tb ? bt.data() : b, c);
#endif
}
#endif

/// A (m x k) times B (k x n), with `bias` (n values, or empty) added to every row: mm, mv and
/// addmm. Its backward: dA = G B^T, dB = A^T G, dbias = the sum of G's rows.
template <class T>
std::shared_ptr<tensor_impl<T>> make_product(std::string name, const tensor_size& out_shape,
                                             const std::shared_ptr<tensor_impl<T>>& bias,
                                             const std::shared_ptr<tensor_impl<T>>& a,
                                             const std::shared_ptr<tensor_impl<T>>& b, std::size_t m, std::size_t k,
                                             std::size_t n) {
    std::vector<std::shared_ptr<tensor_impl<T>>> inputs;
    if (bias) inputs.push_back(bias);
    inputs.push_back(a);
    inputs.push_back(b);
    const bool has_bias = bias != nullptr;
    auto out = make_eager<T>(
        std::move(name), out_shape, std::move(inputs),
        [&](std::span<T> out) {
            if (has_bias) {
                const T* bv = bias->data();
                const std::size_t bn = bias->numel();
                for (std::size_t i = 0; i != m; ++i)
                    for (std::size_t j = 0; j != n; ++j) out[i * n + j] = bn == 1 ? bv[0] : bv[j];
            }
            matmul_kernel(false, false, m, k, n, a->data(), b->data(), out.data());
        },
        [a, b, m, k, n, has_bias, bias_one = bias && bias->numel() == 1](std::span<const T> g, std::span<T* const> in) {
            const std::size_t first = has_bias ? 1 : 0;
            if (has_bias && in[0]) {  // the bias (n values or one): the sum over the rows
                T* db = in[0];
                for (std::size_t i = 0; i != m; ++i)
                    for (std::size_t j = 0; j != n; ++j) db[bias_one ? 0 : j] += g[i * n + j];
            }
            if (in[first]) matmul_kernel(false, true, m, n, k, g.data(), b->data(), in[first]);
            if (in[first + 1]) matmul_kernel(true, false, k, m, n, a->data(), g.data(), in[first + 1]);
        },
        true);
    return with_graph<T>(std::move(out), [has_bias, m, k, n](const std::shared_ptr<tensor_impl<T>>& g, std::span<const targ<T>> args) {
        const std::size_t first = has_bias ? 1 : 0;
        const targ<T> a{as_shape<T>(args[first].t, tensor_size{m, k}), T(0), 0, args[first].grad};
        const targ<T> b{as_shape<T>(args[first + 1].t, tensor_size{k, n}), T(0), 0, args[first + 1].grad};
        const auto ab = matmul_graph_backward<T>(as_shape<T>(g, tensor_size{m, n}), a, b);
        std::vector<std::shared_ptr<tensor_impl<T>>> out(args.size());
        if (has_bias && args[0].grad) out[0] = make_sum_to<T>(as_shape<T>(g, tensor_size{m, n}), args[0].t->shape);
        if (ab[0]) out[first] = as_shape<T>(ab[0], args[first].t->shape);
        if (ab[1]) out[first + 1] = as_shape<T>(ab[1], args[first + 1].t->shape);
        return out;
    });
}

template <class T>
[[noreturn]] inline void throw_mm_mismatch(const tensor_size& a, const tensor_size& b) {
    const auto dim = [](const tensor_size& s, std::size_t i) { return std::to_string(s[i]); };
    throw error("mat1 and mat2 shapes cannot be multiplied (" + dim(a, 0) + "x" + dim(a, 1) + " and " + dim(b, 0) + "x" +
                dim(b, 1) + ")");
}

template <class T>
std::shared_ptr<tensor_impl<T>> make_mm(const std::shared_ptr<tensor_impl<T>>& a, const std::shared_ptr<tensor_impl<T>>& b) {
    if (a->shape.size() != 2) throw error("self must be a matrix");
    if (b->shape.size() != 2) throw error("mat2 must be a matrix");
    if (a->shape[1] != b->shape[0]) throw_mm_mismatch<T>(a->shape, b->shape);
    const std::size_t m = a->shape[0], k = a->shape[1], n = b->shape[1];
    return make_product<T>("MmBackward0", tensor_size{m, n}, nullptr, a, b, m, k, n);
}

/// matmul with batch dimensions: a [..., m, k] (a 1-D a is a row [1, k]) times b [..., k, n] (a
/// 1-D b is a column [k, 1]), the batch dimensions broadcast as in PyTorch; the dimensions a
/// vector added are dropped from the result. One node, named after PyTorch's top node
/// (UnsafeViewBackward0, or CloneBackward0 for a matrix times batches); its gradient sums over the batches an operand was broadcast to.
template <class T>
std::shared_ptr<tensor_impl<T>> make_batched_matmul(const std::shared_ptr<tensor_impl<T>>& a,
                                                    const std::shared_ptr<tensor_impl<T>>& b) {
    const tensor_size sa = a->shape, sb = b->shape;
    const std::size_t ra = sa.size(), rb = sb.size();
    const std::size_t m = ra == 1 ? 1 : sa[ra - 2], k = sa[ra - 1];
    const std::size_t kb = rb == 1 ? sb[0] : sb[rb - 2], n = rb == 1 ? 1 : sb[rb - 1];
    const tensor_size ba = ra > 2 ? tensor_size(sa.dims().first(ra - 2)) : tensor_size{};
    const tensor_size bb = rb > 2 ? tensor_size(sb.dims().first(rb - 2)) : tensor_size{};
    const tensor_size batch = broadcast_shapes(ba, bb);
    if (k != kb) {
        const std::string bs = std::to_string(batch.numel());
        if (ra <= 2 && rb >= 3) {  // PyTorch computes (b^T a^T)^T: b's batches and columns folded
            const std::string rows = std::to_string(bb.numel() * n);
            if (ra == 1) throw error("size mismatch, got " + rows + ", " + rows + "x" + std::to_string(kb) + "," + std::to_string(k));
            throw error("mat1 and mat2 shapes cannot be multiplied (" + rows + "x" + std::to_string(kb) + " and " +
                        std::to_string(k) + "x" + std::to_string(m) + ")");
        }
        if (rb == 1)
            throw error("size mismatch, got " + std::to_string(ba.numel() * m) + ", " + std::to_string(ba.numel() * m) +
                        "x" + std::to_string(k) + "," + std::to_string(kb));
        if (rb == 2)
            throw error("mat1 and mat2 shapes cannot be multiplied (" + std::to_string(ba.numel() * m) + "x" +
                        std::to_string(k) + " and " + std::to_string(kb) + "x" + std::to_string(n) + ")");
        throw error("Expected size for first two dimensions of batch2 tensor to be: [" + bs + ", " + std::to_string(k) +
                    "] but got: [" + bs + ", " + std::to_string(kb) + "].");
    }
    std::array<std::size_t, tensor_size::max_rank + 2> dims{};
    std::size_t rank = 0;
    for (const std::size_t d : batch.dims()) dims[rank++] = d;
    if (ra != 1) dims[rank++] = m;
    if (rb != 1) dims[rank++] = n;
    if (rank > tensor_size::max_rank)
        throw error("ctgrad: tensors of rank 0 to " + std::to_string(tensor_size::max_rank) + " are supported; matmul would give rank " +
                    std::to_string(rank));
    const std::vector<std::size_t> ia = broadcast_index(ba, batch), ib = broadcast_index(bb, batch);
    // PyTorch's top node: a clone when it computed a matrix times batches transposed
    auto out = make_eager<T>(
        ra == 2 && rb >= 3 ? "CloneBackward0" : "UnsafeViewBackward0", tensor_size(std::span<const std::size_t>(dims.data(), rank)), {a, b},
        [&](std::span<T> out) {
            for (std::size_t p = 0; p != ia.size(); ++p)
                matmul_kernel(false, false, m, k, n, a->data() + ia[p] * m * k, b->data() + ib[p] * k * n, out.data() + p * m * n);
        },
        [a, b, ia, ib, m, k, n](std::span<const T> g, std::span<T* const> in) {
            for (std::size_t p = 0; p != ia.size(); ++p) {
                const T* gp = g.data() + p * m * n;
                if (in[0]) matmul_kernel(false, true, m, n, k, gp, b->data() + ib[p] * k * n, in[0] + ia[p] * m * k);
                if (in[1]) matmul_kernel(true, false, k, m, n, a->data() + ia[p] * m * k, gp, in[1] + ib[p] * k * n);
            }
        },
        true);
    return with_graph<T>(std::move(out), [](const std::shared_ptr<tensor_impl<T>>& g, std::span<const targ<T>> args) {
        return matmul_graph_backward<T>(g, args[0], args[1]);
    });
}

template <class T>
std::shared_ptr<tensor_impl<T>> make_matmul(const std::shared_ptr<tensor_impl<T>>& a, const std::shared_ptr<tensor_impl<T>>& b) {
    const std::size_t ra = a->shape.size(), rb = b->shape.size();
    if (ra == 0 || rb == 0)
        throw error("both arguments to matmul need to be at least 1D, but they are " + std::to_string(ra) + "D and " +
                    std::to_string(rb) + "D");
    if (ra == 1 && rb == 1) {
        const std::size_t n = a->shape[0];
        if (b->shape[0] != n)
            throw error("inconsistent tensor size, expected tensor [" + std::to_string(n) + "] and src [" +
                        std::to_string(b->shape[0]) + "] to have the same number of elements, but got " +
                        std::to_string(n) + " and " + std::to_string(b->shape[0]) + " elements respectively");
        return make_product<T>("DotBackward0", tensor_size{}, nullptr, a, b, 1, n, 1);
    }
    if (ra == 2 && rb == 1) {
        const std::size_t m = a->shape[0], k = a->shape[1];
        if (b->shape[0] != k)
            throw error("size mismatch, got " + std::to_string(m) + ", " + std::to_string(m) + "x" + std::to_string(k) +
                        "," + std::to_string(b->shape[0]));
        return make_product<T>("MvBackward0", tensor_size{m}, nullptr, a, b, m, k, 1);
    }
    if (ra == 1 && rb == 2) {  // as PyTorch: unsqueeze(0), mm, squeeze(0)
        const auto row = make_view<T>("UnsqueezeBackward0", a, tensor_size{1, a->shape[0]});
        if (row->shape[1] != b->shape[0]) throw_mm_mismatch<T>(row->shape, b->shape);
        const auto p = make_mm<T>(row, b);
        return make_view<T>("SqueezeBackward3", p, tensor_size{b->shape[1]});
    }
    if (ra == 2 && rb == 2) return make_mm<T>(a, b);
    if (ra == 3 && rb == 3 && a->shape[0] == b->shape[0]) {
        if (a->shape[2] != b->shape[1])
            throw error("Expected size for first two dimensions of batch2 tensor to be: [" + std::to_string(a->shape[0]) +
                        ", " + std::to_string(a->shape[2]) + "] but got: [" + std::to_string(b->shape[0]) + ", " +
                        std::to_string(b->shape[1]) + "].");
        auto out = make_bmm<T>(a, b);
        if (out->grad_fn) static_cast<eager_node<T>&>(*out->grad_fn).op_name = "UnsafeViewBackward0";  // PyTorch's name
        return out;
    }
    return make_batched_matmul<T>(a, b);
}

/// The tensors joined along dimension d (all of the same rank, equal in the other
/// dimensions): cat, and stack after each gained a dimension of 1.
template <class T>
std::shared_ptr<tensor_impl<T>> make_cat(std::string name, std::vector<std::shared_ptr<tensor_impl<T>>> parts,
                                         std::size_t d) {
    const tensor_size& first = parts.front()->shape;
    std::array<std::size_t, tensor_size::max_rank> dims{};
    for (std::size_t j = 0; j != first.size(); ++j) dims[j] = first[j];
    dims[d] = 0;
    std::vector<std::size_t> widths;  // each part's extent along d times the inner size
    for (std::size_t k = 0; k != parts.size(); ++k) {
        const tensor_size& s = parts[k]->shape;
        if (s.size() != first.size())
            throw error("Tensors must have same number of dimensions: got " + std::to_string(first.size()) + " and " +
                        std::to_string(s.size()));
        for (std::size_t j = 0; j != s.size(); ++j)
            if (j != d && s[j] != first[j])
                throw error("Sizes of tensors must match except in dimension " + std::to_string(d) + ". Expected size " +
                            std::to_string(first[j]) + " but got size " + std::to_string(s[j]) + " for tensor number " +
                            std::to_string(k) + " in the list.");
        dims[d] += s[d];
    }
    const tensor_size out_shape(std::span<const std::size_t>(dims.data(), first.size()));
    const std::size_t outer = split_at_dim(first, d)[0], inner = split_at_dim(first, d)[2];
    for (const auto& p : parts) widths.push_back(p->shape[d] * inner);
    const std::size_t row = dims[d] * inner;
    auto out = make_eager<T>(
        std::move(name), out_shape, parts,
        [&](std::span<T> out) {
            std::size_t offset = 0;
            for (std::size_t k = 0; k != parts.size(); ++k) {
                const T* in = parts[k]->data();
                for (std::size_t o = 0; o != outer; ++o)
                    std::copy(in + o * widths[k], in + (o + 1) * widths[k], out.data() + o * row + offset);
                offset += widths[k];
            }
        },
        [widths, outer, row](std::span<const T> g, std::span<T* const> in) {
            std::size_t offset = 0;
            for (std::size_t k = 0; k != widths.size(); ++k) {
                if (in[k])
                    for (std::size_t o = 0; o != outer; ++o)
                        for (std::size_t i = 0; i != widths[k]; ++i) in[k][o * widths[k] + i] += g[o * row + offset + i];
                offset += widths[k];
            }
        },
        false);
    std::vector<std::size_t> lengths;
    for (const auto& p : parts) lengths.push_back(p->shape[d]);
    return with_graph<T>(std::move(out), [lengths, d](const std::shared_ptr<tensor_impl<T>>& g, std::span<const targ<T>> args) {
        std::vector<std::shared_ptr<tensor_impl<T>>> grads(lengths.size());
        std::size_t start = 0;
        for (std::size_t k = 0; k != lengths.size(); ++k) {
            if (args[k].grad) grads[k] = make_slice<T>("SliceBackward0", g, d, start, lengths[k], false);
            start += lengths[k];
        }
        return grads;
    });
}

template <class T>
std::shared_ptr<tensor_impl<T>> make_slice_scatter(const std::string& name, const std::shared_ptr<tensor_impl<T>>& g,
                                                   const tensor_size& from, std::size_t d, std::size_t start,
                                                   std::size_t length, bool drop, std::size_t step);

/// The slice [start, start + length) of dimension d, without that dimension when `drop`
/// (select) or with it (narrow): a copy.
template <class T>
std::shared_ptr<tensor_impl<T>> make_slice(std::string name, const std::shared_ptr<tensor_impl<T>>& t, std::size_t d,
                                           std::size_t start, std::size_t length, bool drop, std::size_t step = 1) {
    const auto parts = split_at_dim(t->shape, d);
    const std::size_t outer = parts[0], n = parts[1], inner = parts[2];
    std::array<std::size_t, tensor_size::max_rank> dims{};
    std::size_t rank = 0;
    for (std::size_t j = 0; j != t->shape.size(); ++j) {
        if (j != d) dims[rank++] = t->shape[j];
        else if (!drop) dims[rank++] = length;
    }
    const std::size_t width = length * inner;
    // element i of row o of the result: (o * n + start + (i / inner) * step) * inner + i % inner
    const auto at = [=](std::size_t o, std::size_t i) { return (o * n + start + (i / inner) * step) * inner + i % inner; };
    auto out = make_eager<T>(
        name, tensor_size(std::span<const std::size_t>(dims.data(), rank)), {t},
        [&](std::span<T> out) {
            for (std::size_t o = 0; o != outer; ++o) {
                if (step == 1) {
                    const T* from = t->data() + (o * n + start) * inner;
                    std::copy(from, from + width, out.data() + o * width);
                } else {
                    for (std::size_t i = 0; i != width; ++i) out[o * width + i] = t->data()[at(o, i)];
                }
            }
        },
        [outer, n, inner, width, at](std::span<const T> g, std::span<T* const> in) {
            // PyTorch's gradient is zeros outside the slice: +0 added turns an untouched -0 to +0
            for (std::size_t k = 0, all = outer * n * inner; k != all; ++k) in[0][k] += T(0);
            for (std::size_t o = 0; o != outer; ++o)
                for (std::size_t i = 0; i != width; ++i) in[0][at(o, i)] += g[o * width + i];
        },
        false);
    return with_graph<T>(std::move(out), [name, from = t->shape, d, start, length, drop, step](
                                              const std::shared_ptr<tensor_impl<T>>& g, std::span<const targ<T>>) {
        return std::vector<std::shared_ptr<tensor_impl<T>>>{make_slice_scatter<T>(name, g, from, d, start, length, drop, step)};
    });
}

/// The gradient of make_slice as an operation (create_graph): zeros of shape `from` with g in
/// the slice; its own gradient is the slice again.
template <class T>
std::shared_ptr<tensor_impl<T>> make_slice_scatter(const std::string& name, const std::shared_ptr<tensor_impl<T>>& g,
                                                   const tensor_size& from, std::size_t d, std::size_t start,
                                                   std::size_t length, bool drop, std::size_t step) {
    const auto parts = split_at_dim(from, d);
    const std::size_t outer = parts[0], n = parts[1], inner = parts[2];
    const std::size_t width = length * inner;
    const auto at = [=](std::size_t o, std::size_t i) { return (o * n + start + (i / inner) * step) * inner + i % inner; };
    auto out = make_eager<T>(
        name.substr(0, name.size() - 1) + "Backward0", from, {g},
        [&](std::span<T> o) {
            for (std::size_t a = 0; a != outer; ++a)
                for (std::size_t i = 0; i != width; ++i) o[at(a, i)] = g->data()[a * width + i];
        },
        [outer, width, at](std::span<const T> gg, std::span<T* const> in) {
            for (std::size_t a = 0; a != outer; ++a)
                for (std::size_t i = 0; i != width; ++i) in[0][a * width + i] += gg[at(a, i)];
        },
        false);
    return with_graph<T>(std::move(out), [name, d, start, length, drop, step](const std::shared_ptr<tensor_impl<T>>& gg,
                                                                               std::span<const targ<T>>) {
        return std::vector<std::shared_ptr<tensor_impl<T>>>{make_slice<T>(name, gg, d, start, length, drop, step)};
    });
}

/// t indexed along `count` dimensions from `d` on by `positions` (row-major positions within
/// those dimensions): the result has shape t.shape[:d] + `middle` + t.shape[d + count:]
/// (IndexBackward0; the gradient adds back into the positions read, repeated ones summed).
template <class T>
std::shared_ptr<tensor_impl<T>> make_gather(const std::shared_ptr<tensor_impl<T>>& t, std::size_t d, std::size_t count,
                                            std::vector<std::size_t> positions, std::span<const std::size_t> middle) {
    const tensor_size s = t->shape;
    std::size_t outer = 1, extent = 1, inner = 1;
    for (std::size_t j = 0; j < d; ++j) outer *= s[j];
    for (std::size_t j = d; j < d + count; ++j) extent *= s[j];
    for (std::size_t j = d + count; j < s.size(); ++j) inner *= s[j];
    std::array<std::size_t, tensor_size::max_rank + 4> dims{};
    std::size_t rank = 0;
    for (std::size_t j = 0; j < d; ++j) dims[rank++] = s[j];
    for (const std::size_t m : middle) dims[rank++] = m;
    for (std::size_t j = d + count; j < s.size(); ++j) dims[rank++] = s[j];
    if (rank > tensor_size::max_rank) throw error("ctgrad: tensors of rank 0 to 4 are supported; the index would give rank " + std::to_string(rank));
    const std::size_t k = positions.size();
    auto out = make_eager<T>(
        "IndexBackward0", tensor_size(std::span<const std::size_t>(dims.data(), rank)), {t},
        [&](std::span<T> out) {
            for (std::size_t o = 0; o != outer; ++o)
                for (std::size_t j = 0; j != k; ++j)
                    for (std::size_t i = 0; i != inner; ++i) out[(o * k + j) * inner + i] = t->data()[(o * extent + positions[j]) * inner + i];
        },
        [positions, outer, extent, inner, k](std::span<const T> g, std::span<T* const> in) {
            for (std::size_t a = 0, all = outer * extent * inner; a != all; ++a) in[0][a] += T(0);
            for (std::size_t o = 0; o != outer; ++o)
                for (std::size_t j = 0; j != k; ++j)
                    for (std::size_t i = 0; i != inner; ++i) in[0][(o * extent + positions[j]) * inner + i] += g[(o * k + j) * inner + i];
        },
        false);
    return with_graph<T>(std::move(out), [positions, outer, extent, inner, k, s](const std::shared_ptr<tensor_impl<T>>& g,
                                                                                 std::span<const targ<T>>) {
        auto map = std::make_shared<std::vector<std::size_t>>(outer * k * inner);
        for (std::size_t o = 0; o != outer; ++o)
            for (std::size_t j = 0; j != k; ++j)
                for (std::size_t i = 0; i != inner; ++i) (*map)[(o * k + j) * inner + i] = (o * extent + positions[j]) * inner + i;
        return std::vector<std::shared_ptr<tensor_impl<T>>>{make_index_map<T>("IndexBackward0", g, std::move(map), s, true)};
    });
}

/// amax (Max = true) or amin over dimension d: the gradient is shared evenly among the
/// elements equal to the extremum, as PyTorch's amax / amin.
template <bool Max, class T>
std::shared_ptr<tensor_impl<T>> make_extremum(const std::shared_ptr<tensor_impl<T>>& t, std::int64_t dim, bool keepdim) {
    const std::size_t d = wrap_dim(dim, t->shape.size());
    const auto parts = split_at_dim(t->shape, d);
    const std::size_t outer = parts[0], n = parts[1], inner = parts[2];
    if (n == 0) throw index_error(std::string(Max ? "amax" : "amin") + "(): Expected reduction dim " + std::to_string(d) + " to have non-zero size.");
    auto out = make_eager<T>(
        Max ? "AmaxBackward0" : "AminBackward0", reduced_shape(t->shape, d, keepdim), {t},
        [&](std::span<T> out) {
            const T* x = t->data();
            for (std::size_t o = 0; o != outer; ++o)
                for (std::size_t i = 0; i != inner; ++i) {
                    T m = x[o * n * inner + i];
                    for (std::size_t k = 1; k < n; ++k) {
                        const T v = x[(o * n + k) * inner + i];
                        if (v != v || (Max ? v > m : v < m)) m = v;  // NaN propagates
                        if (m != m) break;
                    }
                    out[o * inner + i] = m;
                }
        },
        [t, outer, n, inner](std::span<const T> g, std::span<T* const> in) {
            const T* x = t->data();
            for (std::size_t o = 0; o != outer; ++o)
                for (std::size_t i = 0; i != inner; ++i) {
                    T m = x[o * n * inner + i];
                    for (std::size_t k = 1; k < n; ++k) {
                        const T v = x[(o * n + k) * inner + i];
                        if (Max ? v > m : v < m) m = v;
                    }
                    std::size_t count = 0;
                    for (std::size_t k = 0; k != n; ++k) count += x[(o * n + k) * inner + i] == m;
                    const T share = g[o * inner + i] / static_cast<T>(count);
                    for (std::size_t k = 0; k != n; ++k) {
                        const std::size_t at = (o * n + k) * inner + i;
                        in[0][at] += x[at] == m ? share : T(0);
                    }
                }
        },
        true);
    // create_graph: g / count on the elements equal to the extremum of their row
    const tensor_size kept = reduced_shape(t->shape, d, true);
    return with_graph<T>(std::move(out), [outer, n, inner, kept](const std::shared_ptr<tensor_impl<T>>& g,
                                                                 std::span<const targ<T>> args) {
        const tensor_impl<T>& t = *args[0].t;
        const T* x = t.data();
        auto ties = std::make_shared<std::vector<bool>>(t.numel());
        auto counts = new_impl<T>(kept);
        for (std::size_t o = 0; o != outer; ++o)
            for (std::size_t i = 0; i != inner; ++i) {
                T m = x[o * n * inner + i];
                for (std::size_t k = 1; k < n; ++k) {
                    const T v = x[(o * n + k) * inner + i];
                    if (Max ? v > m : v < m) m = v;
                }
                for (std::size_t k = 0; k != n; ++k) {
                    const std::size_t at = (o * n + k) * inner + i;
                    (*ties)[at] = x[at] == m;
                    counts->data()[o * inner + i] += (*ties)[at] ? T(1) : T(0);
                }
            }
        const auto share = basic_tensor<T>(basic_tensor<T>(as_shape<T>(g, kept)) / basic_tensor<T>(counts)).impl_ptr();
        return std::vector<std::shared_ptr<tensor_impl<T>>>{make_masked<T>(make_expand<T>(share, t.shape, false), ties)};
    });
}

/// logsumexp over dimension d: m + log(sum(exp(x - m))), m the maximum; its gradient is
/// g * exp(x - result).
template <class T>
std::shared_ptr<tensor_impl<T>> make_logsumexp(const std::shared_ptr<tensor_impl<T>>& t, std::int64_t dim, bool keepdim) {
    const std::size_t d = wrap_dim(dim, t->shape.size());
    const auto parts = split_at_dim(t->shape, d);
    const std::size_t outer = parts[0], n = parts[1], inner = parts[2];
    const auto value = [t, n, inner](std::size_t o, std::size_t i) {
        const T* x = t->data();
        T m = -std::numeric_limits<T>::infinity();
        for (std::size_t k = 0; k != n; ++k) m = std::max(m, x[(o * n + k) * inner + i]);
        if (std::isinf(m)) m = 0;
        T s = 0;
        for (std::size_t k = 0; k != n; ++k) s += std::exp(x[(o * n + k) * inner + i] - m);
        return std::log(s) + m;
    };
    auto out = make_eager<T>(
        "LogsumexpBackward0", reduced_shape(t->shape, d, keepdim), {t},
        [&](std::span<T> out) {
            for (std::size_t o = 0; o != outer; ++o)
                for (std::size_t i = 0; i != inner; ++i) out[o * inner + i] = value(o, i);
        },
        [t, outer, n, inner, value](std::span<const T> g, std::span<T* const> in) {
            const T* x = t->data();
            for (std::size_t o = 0; o != outer; ++o)
                for (std::size_t i = 0; i != inner; ++i) {
                    const T r = value(o, i);
                    for (std::size_t k = 0; k != n; ++k) {
                        const std::size_t at = (o * n + k) * inner + i;
                        in[0][at] += g[o * inner + i] * std::exp(x[at] - r);
                    }
                }
        },
        true);
    // create_graph: g exp(x - logsumexp(x)), the logsumexp computed again from the input
    const tensor_size kept = reduced_shape(t->shape, d, true);
    return with_graph<T>(std::move(out), [d, kept](const std::shared_ptr<tensor_impl<T>>& g, std::span<const targ<T>> args) {
        const basic_tensor<T> x(args[0].t);
        const basic_tensor<T> r(make_logsumexp<T>(args[0].t, static_cast<std::int64_t>(d), true));
        return std::vector<std::shared_ptr<tensor_impl<T>>>{
            basic_tensor<T>(basic_tensor<T>(as_shape<T>(g, kept)) * ctgrad::exp(x - r)).impl_ptr()};
    });
}

/// A batch of products: a (b x m x k) times c (b x k x n), each with make_product's kernel.
template <class T>
std::shared_ptr<tensor_impl<T>> make_bmm(const std::shared_ptr<tensor_impl<T>>& a, const std::shared_ptr<tensor_impl<T>>& b) {
    if (a->shape.size() != 3) throw error("batch1 must be a 3D tensor");
    if (b->shape.size() != 3) throw error("batch2 must be a 3D tensor");
    const std::size_t batch = a->shape[0], m = a->shape[1], k = a->shape[2], n = b->shape[2];
    if (b->shape[0] != batch || b->shape[1] != k)
        throw error("Expected size for first two dimensions of batch2 tensor to be: [" + std::to_string(batch) + ", " +
                    std::to_string(k) + "] but got: [" + std::to_string(b->shape[0]) + ", " + std::to_string(b->shape[1]) + "].");
    auto out = make_eager<T>(
        "BmmBackward0", tensor_size{batch, m, n}, {a, b},
        [&](std::span<T> out) {
            for (std::size_t p = 0; p != batch; ++p)
                matmul_kernel(false, false, m, k, n, a->data() + p * m * k, b->data() + p * k * n, out.data() + p * m * n);
        },
        [a, b, batch, m, k, n](std::span<const T> g, std::span<T* const> in) {
            for (std::size_t p = 0; p != batch; ++p) {
                const T* gp = g.data() + p * m * n;
                if (in[0]) matmul_kernel(false, true, m, n, k, gp, b->data() + p * k * n, in[0] + p * m * k);
                if (in[1]) matmul_kernel(true, false, k, m, n, a->data() + p * m * k, gp, in[1] + p * k * n);
            }
        },
        true);
    return with_graph<T>(std::move(out), [](const std::shared_ptr<tensor_impl<T>>& g, std::span<const targ<T>> args) {
        return matmul_graph_backward<T>(g, args[0], args[1]);
    });
}

}  // namespace detail

// ---- members of basic_tensor ------------------------------------------------------------

template <class T>
basic_tensor<T> basic_tensor<T>::reshape(std::initializer_list<std::int64_t> shape) const {
    return basic_tensor(detail::make_view<T>("ReshapeAliasBackward0", checked_ptr(), detail::infer_shape(shape, numel())));
}
template <class T>
basic_tensor<T> basic_tensor<T>::view(std::initializer_list<std::int64_t> shape) const {
    return basic_tensor(detail::make_view<T>("ViewBackward0", checked_ptr(), detail::infer_shape(shape, numel())));
}
template <class T>
basic_tensor<T> basic_tensor<T>::flatten() const {
    return basic_tensor(detail::make_view<T>("ReshapeAliasBackward0", checked_ptr(), tensor_size{numel()}));
}
template <class T>
basic_tensor<T> basic_tensor<T>::unsqueeze(std::int64_t dim) const {
    const tensor_size s = shape();
    const std::size_t d = detail::wrap_dim(dim, s.size() + 1);
    std::array<std::size_t, tensor_size::max_rank + 1> dims{};
    for (std::size_t j = 0, k = 0; j != s.size() + 1; ++j) dims[j] = j == d ? 1 : s[k++];
    if (s.size() + 1 > tensor_size::max_rank) throw error("ctgrad: tensors of rank 0 to 4 are supported");
    return basic_tensor(detail::make_view<T>("UnsqueezeBackward0", checked_ptr(), tensor_size(std::span<const std::size_t>(dims.data(), s.size() + 1))));
}
template <class T>
basic_tensor<T> basic_tensor<T>::squeeze() const {
    const tensor_size s = shape();
    std::array<std::size_t, tensor_size::max_rank> dims{};
    std::size_t n = 0;
    for (std::size_t j = 0; j != s.size(); ++j)
        if (s[j] != 1) dims[n++] = s[j];
    return basic_tensor(detail::make_view<T>("SqueezeBackward0", checked_ptr(), tensor_size(std::span<const std::size_t>(dims.data(), n))));
}
template <class T>
basic_tensor<T> basic_tensor<T>::squeeze(std::int64_t dim) const {
    const tensor_size s = shape();
    const std::size_t d = detail::wrap_dim(dim, s.size());
    const tensor_size out = s.size() != 0 && s[d] == 1 ? detail::reduced_shape(s, d, false) : s;
    return basic_tensor(detail::make_view<T>("SqueezeBackward1", checked_ptr(), out));
}
template <class T>
basic_tensor<T> basic_tensor<T>::transpose(std::int64_t dim0, std::int64_t dim1) const {
    const std::size_t rank = dim();
    const std::size_t a = detail::wrap_dim(dim0, rank), b = detail::wrap_dim(dim1, rank);
    std::array<std::size_t, tensor_size::max_rank> perm{0, 1, 2, 3};
    if (rank != 0) std::swap(perm[a], perm[b]);
    return basic_tensor(detail::make_permuted<T>("TransposeBackward0", checked_ptr(), perm));
}
template <class T>
basic_tensor<T> basic_tensor<T>::t() const {
    if (dim() > 2) throw error("t() expects a tensor with <= 2 dimensions, but self is " + std::to_string(dim()) + "D");
    std::array<std::size_t, tensor_size::max_rank> perm{0, 1, 2, 3};
    if (dim() == 2) std::swap(perm[0], perm[1]);
    return basic_tensor(detail::make_permuted<T>("TBackward0", checked_ptr(), perm));
}
template <class T>
basic_tensor<T> basic_tensor<T>::expand(std::initializer_list<std::int64_t> sizes) const {
    const tensor_size s = shape();
    if (sizes.size() < s.size())
        throw error("expand(" + detail::torch_type_name<T>() + "{" + s.str() + "}, size=" +
                    detail::dims_str(std::span<const std::int64_t>(sizes.begin(), sizes.size())) +
                    "): the number of sizes provided (" + std::to_string(sizes.size()) +
                    ") must be greater or equal to the number of dimensions in the tensor (" + std::to_string(s.size()) + ")");
    std::array<std::size_t, tensor_size::max_rank> dims{};
    if (sizes.size() > dims.size()) throw error("ctgrad: tensors of rank 0 to 4 are supported");
    const std::size_t pad = sizes.size() - s.size();
    std::size_t j = 0;
    for (const std::int64_t want : sizes) {
        const bool existing = j >= pad;
        const std::size_t have = existing ? s[j - pad] : 1;
        if (want == -1 && existing) {
            dims[j] = have;
        } else if (want < 0 || (existing && have != 1 && static_cast<std::size_t>(want) != have)) {
            throw error("The expanded size of the tensor (" + std::to_string(want) + ") must match the existing size (" +
                        std::to_string(have) + ") at non-singleton dimension " + std::to_string(j) + ".  Target sizes: " +
                        detail::dims_str(std::span<const std::int64_t>(sizes.begin(), sizes.size())) +
                        ".  Tensor sizes: " + s.str());
        } else {
            dims[j] = static_cast<std::size_t>(want);
        }
        ++j;
    }
    return basic_tensor(detail::make_expand<T>(checked_ptr(), tensor_size(std::span<const std::size_t>(dims.data(), sizes.size())), false));
}
template <class T>
basic_tensor<T> basic_tensor<T>::sum(std::int64_t dim, bool keepdim) const {
    return basic_tensor(detail::make_dim_reduction<false, T>(checked_ptr(), dim, keepdim));
}
template <class T>
basic_tensor<T> basic_tensor<T>::mean(std::int64_t dim, bool keepdim) const {
    return basic_tensor(detail::make_dim_reduction<true, T>(checked_ptr(), dim, keepdim));
}
template <class T, class E, std::size_t L>
basic_tensor<T> tensor_expr<T, E, L>::sum(std::int64_t dim, bool keepdim) const& {
    return basic_tensor<T>(*this).sum(dim, keepdim);
}
template <class T, class E, std::size_t L>
basic_tensor<T> tensor_expr<T, E, L>::mean(std::int64_t dim, bool keepdim) const& {
    return basic_tensor<T>(*this).mean(dim, keepdim);
}
template <class T>
basic_tensor<T> basic_tensor<T>::matmul(const basic_tensor& other) const {
    return basic_tensor(detail::make_matmul<T>(checked_ptr(), detail::impl_of(other)));
}
template <class T>
basic_tensor<T> basic_tensor<T>::mm(const basic_tensor& other) const {
    return basic_tensor(detail::make_mm<T>(checked_ptr(), detail::impl_of(other)));
}

template <class T>
basic_tensor<T> basic_tensor<T>::select(std::int64_t dim, std::int64_t index) const {
    const tensor_size s = shape();
    if (s.size() == 0) throw index_error("select() cannot be applied to a 0-dim tensor.");
    const std::size_t d = detail::wrap_dim(dim, s.size());
    const auto size = static_cast<std::int64_t>(s[d]);
    if (index < -size || index >= size)
        throw index_error("select(): index " + std::to_string(index) + " out of range for tensor of size " + s.str() +
                          " at dimension " + std::to_string(d));
    const auto i = static_cast<std::size_t>(index < 0 ? index + size : index);
    return basic_tensor(detail::make_slice<T>("SelectBackward0", checked_ptr(), d, i, 1, true));
}
template <class T>
basic_tensor<T> basic_tensor<T>::operator[](std::int64_t index) const {
    const tensor_size s = shape();
    if (s.size() == 0) throw index_error("invalid index of a 0-dim tensor. Use `tensor.item()` in Python or `tensor.item<T>()` in C++ to convert a 0-dim tensor to a number");
    const auto size = static_cast<std::int64_t>(s[0]);
    if (index < -size || index >= size)
        throw index_error("index " + std::to_string(index) + " is out of bounds for dimension 0 with size " +
                          std::to_string(size));
    return select(0, index);
}
template <class T>
basic_tensor<T> basic_tensor<T>::narrow(std::int64_t dim, std::int64_t start, std::int64_t length) const {
    const tensor_size s = shape();
    if (s.size() == 0) throw error("narrow() cannot be applied to a 0-dim tensor.");
    const std::size_t d = detail::wrap_dim(dim, s.size());
    const auto size = static_cast<std::int64_t>(s[d]);
    if (start < -size || start > size)
        throw index_error("start out of range (expected to be in range of [" + std::to_string(-size) + ", " +
                          std::to_string(size) + "], but got " + std::to_string(start) + ")");
    if (start < 0) start += size;
    if (length < 0) throw error("narrow(): length must be non-negative.");
    if (start + length > size)
        throw error("start (" + std::to_string(start) + ") + length (" + std::to_string(length) +
                    ") exceeds dimension size (" + std::to_string(size) + ").");
    return basic_tensor(detail::make_slice<T>("SliceBackward0", checked_ptr(), d, static_cast<std::size_t>(start),
                                              static_cast<std::size_t>(length), false));
}

// ---- free functions ---------------------------------------------------------------------

namespace detail {
template <class X> using tensor_of = basic_tensor<typename std::remove_cvref_t<X>::value_type>;
}  // namespace detail

/// torch.cat(tensors, dim): CatBackward0.
template <class T>
basic_tensor<T> cat(const std::vector<basic_tensor<T>>& tensors, std::int64_t dim = 0) {
    if (tensors.empty()) throw error("torch.cat(): expected a non-empty list of Tensors");
    std::vector<std::shared_ptr<detail::tensor_impl<T>>> parts;
    for (const auto& t : tensors) parts.push_back(detail::impl_of(t));
    const std::size_t d = detail::wrap_dim(dim, parts.front()->shape.size());
    if (parts.front()->shape.size() == 0) throw error("zero-dimensional tensor (at position 0) cannot be concatenated");
    return basic_tensor<T>(detail::make_cat<T>("CatBackward0", std::move(parts), d));
}
/// torch.stack(tensors, dim): StackBackward0.
template <class T>
basic_tensor<T> stack(const std::vector<basic_tensor<T>>& tensors, std::int64_t dim = 0) {
    if (tensors.empty()) throw error("stack expects a non-empty TensorList");
    const tensor_size s = tensors.front().shape();
    for (std::size_t k = 1; k != tensors.size(); ++k)
        if (!(tensors[k].shape() == s))
            throw error("stack expects each tensor to be equal size, but got " + s.str() + " at entry 0 and " +
                        tensors[k].shape().str() + " at entry " + std::to_string(k));
    const std::size_t d = detail::wrap_dim(dim, s.size() + 1);
    if (s.size() + 1 > tensor_size::max_rank) throw error("ctgrad: tensors of rank 0 to 4 are supported");
    std::array<std::size_t, tensor_size::max_rank> dims{};
    for (std::size_t j = 0, k = 0; j != s.size() + 1; ++j) dims[j] = j == d ? 1 : s[k++];
    const tensor_size unsqueezed(std::span<const std::size_t>(dims.data(), s.size() + 1));
    std::vector<std::shared_ptr<detail::tensor_impl<T>>> parts;
    for (const auto& t : tensors) {  // views that share the storage, outside the graph
        auto v = std::make_shared<detail::tensor_impl<T>>(*detail::impl_of(t));
        v->shape = unsqueezed;
        parts.push_back(std::move(v));
    }
    auto out = detail::make_cat<T>("StackBackward0", parts, d);
    if (out->grad_fn) {  // the node's inputs are the tensors themselves
        auto& node = static_cast<detail::eager_node<T>&>(*out->grad_fn);
        for (std::size_t k = 0; k != tensors.size(); ++k) node.args[k].t = tensors[k].impl_ptr();
    }
    return basic_tensor<T>(std::move(out));
}

/// torch.bmm(a, b): two batches of matrices (BmmBackward0).
template <class A, class B> requires detail::two_tensors<A, B>
detail::tensor_of<A> bmm(const A& a, const B& b) {
    return detail::tensor_of<A>(detail::make_bmm(detail::impl_of(a), detail::impl_of(b)));
}
/// torch.amax / torch.amin over a dimension (the gradient shared among ties), torch.logsumexp.
template <tensor_like A>
detail::tensor_of<A> amax(const A& a, std::int64_t dim, bool keepdim = false) {
    return detail::tensor_of<A>(detail::make_extremum<true>(detail::impl_of(a), dim, keepdim));
}
template <tensor_like A>
detail::tensor_of<A> amin(const A& a, std::int64_t dim, bool keepdim = false) {
    return detail::tensor_of<A>(detail::make_extremum<false>(detail::impl_of(a), dim, keepdim));
}
template <tensor_like A>
detail::tensor_of<A> logsumexp(const A& a, std::int64_t dim, bool keepdim = false) {
    return detail::tensor_of<A>(detail::make_logsumexp(detail::impl_of(a), dim, keepdim));
}

/// torch.matmul(a, b): dot (1-D, 1-D), mv (2-D, 1-D), a row times a matrix, mm (2-D, 2-D).
template <class A, class B> requires detail::two_tensors<A, B>
detail::tensor_of<A> matmul(const A& a, const B& b) {
    if constexpr (!std::is_same_v<typename A::value_type, typename B::value_type>) {
        static_assert(std::is_same_v<typename A::value_type, typename B::value_type>,
                      "ctgrad: both tensors of a matrix product must have the same dtype (float or double), as in "
                      "PyTorch (expected scalar type Float but found Double)");
        return detail::tensor_of<A>();
    } else {
        return detail::tensor_of<A>(detail::make_matmul(detail::impl_of(a), detail::impl_of(b)));
    }
}
/// torch.mm(a, b): two matrices.
template <class A, class B> requires detail::two_tensors<A, B>
detail::tensor_of<A> mm(const A& a, const B& b) {
    if constexpr (!std::is_same_v<typename A::value_type, typename B::value_type>) {
        static_assert(std::is_same_v<typename A::value_type, typename B::value_type>,
                      "ctgrad: both tensors of a matrix product must have the same dtype (float or double), as in "
                      "PyTorch (expected scalar type Float but found Double)");
        return detail::tensor_of<A>();
    } else {
        return detail::tensor_of<A>(detail::make_mm(detail::impl_of(a), detail::impl_of(b)));
    }
}
/// torch.sum(t, dim, keepdim) and torch.mean(t, dim, keepdim).
template <tensor_like A>
detail::tensor_of<A> sum(const A& a, std::int64_t dim, bool keepdim = false) {
    return detail::tensor_of<A>(detail::make_dim_reduction<false>(detail::impl_of(a), dim, keepdim));
}
template <tensor_like A>
detail::tensor_of<A> mean(const A& a, std::int64_t dim, bool keepdim = false) {
    return detail::tensor_of<A>(detail::make_dim_reduction<true>(detail::impl_of(a), dim, keepdim));
}
/// torch.reshape, torch.unsqueeze, torch.squeeze and torch.transpose.
template <tensor_like A>
detail::tensor_of<A> reshape(const A& a, std::initializer_list<std::int64_t> shape) { return detail::tensor_of<A>(detail::impl_of(a)).reshape(shape); }
template <tensor_like A>
detail::tensor_of<A> unsqueeze(const A& a, std::int64_t dim) { return detail::tensor_of<A>(detail::impl_of(a)).unsqueeze(dim); }
template <tensor_like A>
detail::tensor_of<A> squeeze(const A& a) { return detail::tensor_of<A>(detail::impl_of(a)).squeeze(); }
template <tensor_like A>
detail::tensor_of<A> squeeze(const A& a, std::int64_t dim) { return detail::tensor_of<A>(detail::impl_of(a)).squeeze(dim); }
/// x.T: the dimensions reversed (PermuteBackward0); a C++ member cannot be named T.
template <tensor_like A>
detail::tensor_of<A> T(const A& a) {
    const auto p = detail::impl_of(a);
    std::array<std::size_t, tensor_size::max_rank> perm{};
    for (std::size_t j = 0; j != p->shape.size(); ++j) perm[j] = p->shape.size() - 1 - j;
    return detail::tensor_of<A>(detail::make_permuted<typename A::value_type>("PermuteBackward0", p, perm));
}
template <tensor_like A>
detail::tensor_of<A> transpose(const A& a, std::int64_t dim0, std::int64_t dim1) { return detail::tensor_of<A>(detail::impl_of(a)).transpose(dim0, dim1); }

}  // namespace ctgrad

// torch.int64 and torch.bool tensors, comparisons, where, max / argmax with indices: they use
// the helpers above.
#include <ctgrad/autograd/dtypes.hpp>
// create_graph=True: gradients recorded as tensor operations.
#include <ctgrad/autograd/create_graph.hpp>

#endif
