// A tiny N-API addon that hands float32 matrix products to the platform's BLAS (OpenBLAS, BLIS, MKL
// or the reference CBLAS on Linux; Accelerate on macOS), found with dlopen at run time so the binary
// itself depends on nothing but libc and libdl. The tfjs wasm backend's MatMul kernels call it on
// views of the wasm heap, so no matrix is copied. Two kernels of its own, AVX2/FMA when the CPU has it
// (checked at run time; ACEREASON_NO_AVX2=1 turns them off): products with at most 16 rows (decoding)
// and the sigmoid; and a tiled matrix transpose.
//
// N-API (ABI-stable C API) lets one binary serve every Node version and VS Code's Electron.
#include <dlfcn.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <node_api.h>

enum { ROW_MAJOR = 101, NO_TRANS = 111, TRANS = 112 };
typedef void (*sgemm_fn)(int, int, int, int, int, int, float, const float *, int, const float *, int, float, float *, int);
typedef void (*set_threads_fn)(int);
typedef int (*get_threads_fn)(void);

static sgemm_fn cblas_sgemm_ptr = NULL;
static set_threads_fn set_threads_ptr = NULL;
static get_threads_fn get_threads_ptr = NULL;
static char loaded_library[512] = "";
static char load_errors[2048] = "";

static const char *CANDIDATES[] = {
#ifdef __APPLE__
  "/System/Library/Frameworks/Accelerate.framework/Accelerate",
#else
  "libopenblas.so.0", "libopenblas.so", "libopenblasp.so.0", "libblis.so.4", "libblis.so",
  "libmkl_rt.so.2", "libmkl_rt.so", "libblas.so.3", "libcblas.so.3",
#endif
  NULL,
};

static int try_load(const char *name) {
  void *h = dlopen(name, RTLD_NOW | RTLD_LOCAL);
  if (!h) {
    size_t used = strlen(load_errors);
    if (used < sizeof(load_errors) - 1) snprintf(load_errors + used, sizeof(load_errors) - used, "%s%s", used ? "; " : "", dlerror());
    return 0;
  }
  sgemm_fn f = (sgemm_fn)dlsym(h, "cblas_sgemm");
  if (!f) { dlclose(h); return 0; }
  cblas_sgemm_ptr = f;
  set_threads_ptr = (set_threads_fn)dlsym(h, "openblas_set_num_threads");
  if (!set_threads_ptr) set_threads_ptr = (set_threads_fn)dlsym(h, "bli_thread_set_num_threads");
  if (!set_threads_ptr) set_threads_ptr = (set_threads_fn)dlsym(h, "MKL_Set_Num_Threads");
  get_threads_ptr = (get_threads_fn)dlsym(h, "openblas_get_num_threads");
  snprintf(loaded_library, sizeof(loaded_library), "%s", name);
  return 1;
}

static void load_blas(void) {
  const char *forced = getenv("ACEREASON_BLAS_LIBRARY");
  if (forced && *forced) { try_load(forced); return; }
  for (int i = 0; CANDIDATES[i]; i++) if (try_load(CANDIDATES[i])) return;
}

// Products with few rows (decoding: x[rows, in] · W[out, in]ᵀ for a batch of up to 16 sequences).
// OpenBLAS packs W for every call and ran these at a third of the memory bandwidth; this kernel reads
// W once, in place, with the rows of x held in L1: a 4 (W rows) × 2 (x rows) tile of 8 AVX2
// accumulators over k-blocks of 256. Measured at Qwen2.5-0.5B's shapes with 8 rows: 1.3–1.6× faster
// than OpenBLAS's sgemm (4864×896: 2.8 vs 3.6 ms; the 151936×896 head: 82 vs 125 ms).
enum { SKINNY_MAX_ROWS = 16, SKINNY_KB = 256 };

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define HAVE_AVX2_KERNELS 1

__attribute__((target("avx2,fma"))) static inline float hsum8(__m256 v) {
  __m128 lo = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
  lo = _mm_add_ps(lo, _mm_movehl_ps(lo, lo));
  lo = _mm_add_ss(lo, _mm_shuffle_ps(lo, lo, 1));
  return _mm_cvtss_f32(lo);
}

// out[m×n] = x[m×k] · w[n×k]ᵀ (row-major), or += with accumulate.
__attribute__((target("avx2,fma"))) static void skinny_xwt(const float *x, const float *w, float *out, int m, int n, int k, int accumulate) {
  if (!accumulate) memset(out, 0, sizeof(float) * (size_t)m * n);
  int o = 0;
  for (; o + 4 <= n; o += 4) {
    const float *w0 = w + (size_t)o * k, *w1 = w0 + k, *w2 = w1 + k, *w3 = w2 + k;
    for (int k0 = 0; k0 < k; k0 += SKINNY_KB) {
      int k1 = k0 + SKINNY_KB < k ? k0 + SKINNY_KB : k, kv = k0 + ((k1 - k0) & ~7);
      for (int j = 0; j < m; j += 2) {
        const float *x0 = x + (size_t)j * k, *x1 = j + 1 < m ? x0 + k : x0;
        __m256 a00 = _mm256_setzero_ps(), a01 = a00, a10 = a00, a11 = a00, a20 = a00, a21 = a00, a30 = a00, a31 = a00;
        for (int q = k0; q < kv; q += 8) {
          __m256 u = _mm256_loadu_ps(x0 + q), v = _mm256_loadu_ps(x1 + q), t;
          t = _mm256_loadu_ps(w0 + q); a00 = _mm256_fmadd_ps(t, u, a00); a01 = _mm256_fmadd_ps(t, v, a01);
          t = _mm256_loadu_ps(w1 + q); a10 = _mm256_fmadd_ps(t, u, a10); a11 = _mm256_fmadd_ps(t, v, a11);
          t = _mm256_loadu_ps(w2 + q); a20 = _mm256_fmadd_ps(t, u, a20); a21 = _mm256_fmadd_ps(t, v, a21);
          t = _mm256_loadu_ps(w3 + q); a30 = _mm256_fmadd_ps(t, u, a30); a31 = _mm256_fmadd_ps(t, v, a31);
        }
        float s[8] = { hsum8(a00), hsum8(a10), hsum8(a20), hsum8(a30), hsum8(a01), hsum8(a11), hsum8(a21), hsum8(a31) };
        for (int q = kv; q < k1; q++) {
          s[0] += w0[q] * x0[q]; s[1] += w1[q] * x0[q]; s[2] += w2[q] * x0[q]; s[3] += w3[q] * x0[q];
          s[4] += w0[q] * x1[q]; s[5] += w1[q] * x1[q]; s[6] += w2[q] * x1[q]; s[7] += w3[q] * x1[q];
        }
        float *r0 = out + (size_t)j * n + o;
        r0[0] += s[0]; r0[1] += s[1]; r0[2] += s[2]; r0[3] += s[3];
        if (j + 1 < m) { float *r1 = r0 + n; r1[0] += s[4]; r1[1] += s[5]; r1[2] += s[6]; r1[3] += s[7]; }
      }
    }
  }
  for (; o < n; o++) {
    for (int j = 0; j < m; j++) {
      float s = 0;
      for (int q = 0; q < k; q++) s += w[(size_t)o * k + q] * x[(size_t)j * k + q];
      out[(size_t)j * n + o] += s;
    }
  }
}

// e^x for 8 floats (Cephes' expf: x = n·ln2 + r, e^r by a degree-5 polynomial, 2^n from the exponent
// bits), within 2 ulp of float32 over the clamped range [−88.38, 88.38].
__attribute__((target("avx2,fma"))) static inline __m256 exp8(__m256 x) {
  x = _mm256_min_ps(_mm256_max_ps(x, _mm256_set1_ps(-88.3762626647949f)), _mm256_set1_ps(88.3762626647949f));
  __m256 n = _mm256_floor_ps(_mm256_fmadd_ps(x, _mm256_set1_ps(1.44269504088896341f), _mm256_set1_ps(0.5f)));
  x = _mm256_fnmadd_ps(n, _mm256_set1_ps(0.693359375f), x);
  x = _mm256_fnmadd_ps(n, _mm256_set1_ps(-2.12194440e-4f), x);
  __m256 y = _mm256_set1_ps(1.9875691500e-4f);
  y = _mm256_fmadd_ps(y, x, _mm256_set1_ps(1.3981999507e-3f));
  y = _mm256_fmadd_ps(y, x, _mm256_set1_ps(8.3334519073e-3f));
  y = _mm256_fmadd_ps(y, x, _mm256_set1_ps(4.1665795894e-2f));
  y = _mm256_fmadd_ps(y, x, _mm256_set1_ps(1.6666665459e-1f));
  y = _mm256_fmadd_ps(y, x, _mm256_set1_ps(5.0000001201e-1f));
  y = _mm256_fmadd_ps(y, _mm256_mul_ps(x, x), _mm256_add_ps(x, _mm256_set1_ps(1.0f)));
  __m256i e = _mm256_slli_epi32(_mm256_add_epi32(_mm256_cvtps_epi32(n), _mm256_set1_epi32(127)), 23);
  return _mm256_mul_ps(y, _mm256_castsi256_ps(e));
}

__attribute__((target("avx2,fma"))) static void sigmoid_avx2(const float *x, float *out, size_t n) {
  size_t i = 0;
  const __m256 one = _mm256_set1_ps(1.0f);
  for (; i + 8 <= n; i += 8) {
    __m256 e = exp8(_mm256_sub_ps(_mm256_setzero_ps(), _mm256_loadu_ps(x + i)));
    _mm256_storeu_ps(out + i, _mm256_div_ps(one, _mm256_add_ps(one, e)));
  }
  for (; i < n; i++) out[i] = 1.0f / (1.0f + expf(-x[i]));
}

static int have_avx2_fma(void) {
  static int cached = -1;
  if (cached < 0) {
    __builtin_cpu_init();
    cached = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma") && !getenv("ACEREASON_NO_AVX2");
  }
  return cached;
}
#else
#define HAVE_AVX2_KERNELS 0
#endif

#define CHECK(call) do { if ((call) != napi_ok) { napi_throw_error(env, NULL, "acereason_blas: " #call " failed"); return NULL; } } while (0)

static float *float_array(napi_env env, napi_value v, size_t *length) {
  bool is_typed = false;
  if (napi_is_typedarray(env, v, &is_typed) != napi_ok || !is_typed) return NULL;
  napi_typedarray_type type;
  void *data = NULL;
  if (napi_get_typedarray_info(env, v, &type, length, &data, NULL, NULL) != napi_ok || type != napi_float32_array) return NULL;
  return (float *)data;
}

static int32_t int_arg(napi_env env, napi_value v) {
  int32_t x = 0;
  napi_get_value_int32(env, v, &x);
  return x;
}

// sgemmBatched(a, b, out, batchA, batchB, m, n, k, transposeA, transposeB[, accumulate])
// a: batchA × (m×k, or k×m when transposed); b: batchB × (k×n, or n×k); out: max(batchA, batchB) × m×n.
// A batch of 1 broadcasts against the other operand's batch, as tfjs' BatchMatMul does.
// accumulate: out += product (BLAS beta = 1) instead of out = product.
static napi_value sgemm_batched(napi_env env, napi_callback_info info) {
  size_t argc = 11;
  napi_value argv[11];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (argc < 10) { napi_throw_type_error(env, NULL, "sgemmBatched: 10 arguments expected"); return NULL; }
  bool accumulate = false;
  if (argc >= 11) napi_get_value_bool(env, argv[10], &accumulate);
  if (!cblas_sgemm_ptr) { napi_throw_error(env, NULL, "sgemmBatched: no BLAS library loaded"); return NULL; }
  size_t la = 0, lb = 0, lo = 0;
  float *a = float_array(env, argv[0], &la), *b = float_array(env, argv[1], &lb), *out = float_array(env, argv[2], &lo);
  if (!a || !b || !out) { napi_throw_type_error(env, NULL, "sgemmBatched: a, b and out must be Float32Arrays"); return NULL; }
  int32_t batchA = int_arg(env, argv[3]), batchB = int_arg(env, argv[4]);
  int32_t m = int_arg(env, argv[5]), n = int_arg(env, argv[6]), k = int_arg(env, argv[7]);
  bool ta = false, tb = false;
  napi_get_value_bool(env, argv[8], &ta);
  napi_get_value_bool(env, argv[9], &tb);
  int32_t batch = batchA > batchB ? batchA : batchB;
  if (batchA < 1 || batchB < 1 || m < 0 || n < 0 || k < 0 || (batchA != batch && batchA != 1) || (batchB != batch && batchB != 1)) {
    napi_throw_range_error(env, NULL, "sgemmBatched: bad shape"); return NULL;
  }
  size_t sa = (size_t)m * k, sb = (size_t)k * n, so = (size_t)m * n;
  if (la < sa * batchA || lb < sb * batchB || lo < so * batch) { napi_throw_range_error(env, NULL, "sgemmBatched: array shorter than its shape"); return NULL; }
  if (so == 0) return NULL;
  if (k == 0) { if (!accumulate) memset(out, 0, so * batch * sizeof(float)); return NULL; }
  int lda = ta ? m : k, ldb = tb ? k : n;
#if HAVE_AVX2_KERNELS
  if (batch == 1 && !ta && tb && m <= SKINNY_MAX_ROWS && have_avx2_fma()) {
    skinny_xwt(a, b, out, m, n, k, accumulate);
    return NULL;
  }
#endif
  for (int32_t i = 0; i < batch; i++) {
    const float *ai = a + (batchA == 1 ? 0 : sa * i), *bi = b + (batchB == 1 ? 0 : sb * i);
    cblas_sgemm_ptr(ROW_MAJOR, ta ? TRANS : NO_TRANS, tb ? TRANS : NO_TRANS, m, n, k, 1.0f, ai, lda, bi, ldb, accumulate ? 1.0f : 0.0f, out + so * i, n);
  }
  return NULL;
}

// adamUpdate(param, m, v, grad, gradScale, learningRate, beta1, beta2, epsilon, step)
// One Adam step in place over one tensor's storage: g = grad·gradScale; m = β1·m + (1−β1)·g;
// v = β2·v + (1−β2)·g²; param −= lr · (m / (1−β1^step)) / (sqrt(v / (1−β2^step)) + ε).
// The same arithmetic order as src/trainer/model/adam.ts, in float32, with no temporaries: tfjs ops
// would allocate about ten model-sized tensors per step (20 GB at 0.5B parameters).
static napi_value adam_update(napi_env env, napi_callback_info info) {
  size_t argc = 10;
  napi_value argv[10];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (argc < 10) { napi_throw_type_error(env, NULL, "adamUpdate: 10 arguments expected"); return NULL; }
  size_t lp = 0, lm = 0, lv = 0, lg = 0;
  float *p = float_array(env, argv[0], &lp), *m = float_array(env, argv[1], &lm), *v = float_array(env, argv[2], &lv);
  float *g = float_array(env, argv[3], &lg);
  if (!p || !m || !v || !g) { napi_throw_type_error(env, NULL, "adamUpdate: param, m, v and grad must be Float32Arrays"); return NULL; }
  if (lm != lp || lv != lp || lg != lp) { napi_throw_range_error(env, NULL, "adamUpdate: param, m, v and grad differ in length"); return NULL; }
  double scale = 0, lr = 0, b1 = 0, b2 = 0, eps = 0, step = 0;
  napi_get_value_double(env, argv[4], &scale);
  napi_get_value_double(env, argv[5], &lr);
  napi_get_value_double(env, argv[6], &b1);
  napi_get_value_double(env, argv[7], &b2);
  napi_get_value_double(env, argv[8], &eps);
  napi_get_value_double(env, argv[9], &step);
  const float fs = (float)scale, fb1 = (float)b1, fb2 = (float)b2, f1b1 = (float)(1 - b1), f1b2 = (float)(1 - b2);
  const float c1 = (float)(1 - pow(b1, step)), c2 = (float)(1 - pow(b2, step)), flr = (float)lr, feps = (float)eps;
  for (size_t i = 0; i < lp; i++) {
    float gi = g[i] * fs;
    float mi = fb1 * m[i] + f1b1 * gi;
    float vi = fb2 * v[i] + f1b2 * (gi * gi);
    m[i] = mi;
    v[i] = vi;
    p[i] -= ((mi / c1) / (sqrtf(vi / c2) + feps)) * flr;
  }
  return NULL;
}

static int32_t *int_array(napi_env env, napi_value v, size_t *length) {
  bool is_typed = false;
  if (napi_is_typedarray(env, v, &is_typed) != napi_ok || !is_typed) return NULL;
  napi_typedarray_type type;
  void *data = NULL;
  if (napi_get_typedarray_info(env, v, &type, length, &data, NULL, NULL) != napi_ok || type != napi_int32_array) return NULL;
  return (int32_t *)data;
}

// logSoftmaxRows(logits, vocab, targets, picked, lse[, grad, dLogits])
// Per row r of logits [rows, vocab]: lse[r] = log Σ exp(logits[r]); picked[r] = logits[r, targets[r]] − lse[r].
// With grad and dLogits: dLogits[r, j] = grad[r] · ([j = targets[r]] − exp(logits[r, j] − lse[r])), the
// gradient of picked through the softmax. Two passes over a row instead of ten tensor ops over the
// chunk (a [27, 151936] chunk of Qwen's head is 4M values, 38 chunks per 4 × 256 batch).
static napi_value log_softmax_rows(napi_env env, napi_callback_info info) {
  size_t argc = 7;
  napi_value argv[7];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (argc != 5 && argc != 7) { napi_throw_type_error(env, NULL, "logSoftmaxRows: 5 or 7 arguments expected"); return NULL; }
  size_t ll = 0, lt = 0, lp = 0, ls = 0, lg = 0, ld = 0;
  float *logits = float_array(env, argv[0], &ll);
  int32_t vocab = int_arg(env, argv[1]);
  int32_t *targets = int_array(env, argv[2], &lt);
  float *picked = float_array(env, argv[3], &lp), *lse = float_array(env, argv[4], &ls);
  float *grad = argc == 7 ? float_array(env, argv[5], &lg) : NULL, *dlogits = argc == 7 ? float_array(env, argv[6], &ld) : NULL;
  if (!logits || !targets || !picked || !lse || (argc == 7 && (!grad || !dlogits))) { napi_throw_type_error(env, NULL, "logSoftmaxRows: Float32Array logits/picked/lse/grad/dLogits and Int32Array targets expected"); return NULL; }
  if (vocab < 1 || ll % (size_t)vocab != 0) { napi_throw_range_error(env, NULL, "logSoftmaxRows: logits are not rows of the vocabulary size"); return NULL; }
  size_t rows = ll / (size_t)vocab;
  if (lt < rows || lp < rows || ls < rows || (argc == 7 && (lg < rows || ld < ll))) { napi_throw_range_error(env, NULL, "logSoftmaxRows: an array is shorter than the rows"); return NULL; }
  for (size_t r = 0; r < rows; r++) {
    const float *x = logits + r * (size_t)vocab;
    int32_t target = targets[r];
    if (target < 0 || target >= vocab) { napi_throw_range_error(env, NULL, "logSoftmaxRows: target outside the vocabulary"); return NULL; }
    float max = x[0];
    for (int32_t j = 1; j < vocab; j++) if (x[j] > max) max = x[j];
    double sum = 0;
    for (int32_t j = 0; j < vocab; j++) sum += exp((double)(x[j] - max));
    float l = max + (float)log(sum);
    lse[r] = l;
    picked[r] = x[target] - l;
    if (dlogits) {
      float g = grad[r], *d = dlogits + r * (size_t)vocab;
      for (int32_t j = 0; j < vocab; j++) d[j] = -g * expf(x[j] - l);
      d[target] += g;
    }
  }
  return NULL;
}

// sigmoid(x, out): out = 1 / (1 + e^−x) element-wise (the SiLU of every MLP); tfjs' JS kernel spent
// ~25 ns an element in Math.exp, 2 s of a 0.5B model's sampling. AVX2 where the CPU has it.
static napi_value sigmoid(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  size_t lx = 0, lo = 0;
  float *x = argc == 2 ? float_array(env, argv[0], &lx) : NULL, *out = argc == 2 ? float_array(env, argv[1], &lo) : NULL;
  if (!x || !out) { napi_throw_type_error(env, NULL, "sigmoid: x and out must be Float32Arrays"); return NULL; }
  if (lo < lx) { napi_throw_range_error(env, NULL, "sigmoid: out is shorter than x"); return NULL; }
#if HAVE_AVX2_KERNELS
  if (have_avx2_fma()) { sigmoid_avx2(x, out, lx); return NULL; }
#endif
  for (size_t i = 0; i < lx; i++) out[i] = 1.0f / (1.0f + expf(-x[i]));
  return NULL;
}

// transpose(x, batch, rows, cols, out): each of `batch` [rows, cols] matrices of x into [cols, rows],
// in 32×32 tiles (the products' activations in the training layout: ~1 ns an element against ~6 in JS).
static napi_value transpose(napi_env env, napi_callback_info info) {
  size_t argc = 5;
  napi_value argv[5];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  size_t lx = 0, lo = 0;
  float *x = argc == 5 ? float_array(env, argv[0], &lx) : NULL, *out = argc == 5 ? float_array(env, argv[4], &lo) : NULL;
  if (!x || !out) { napi_throw_type_error(env, NULL, "transpose: x and out must be Float32Arrays"); return NULL; }
  int32_t batch = int_arg(env, argv[1]), rows = int_arg(env, argv[2]), cols = int_arg(env, argv[3]);
  if (batch < 0 || rows < 0 || cols < 0) { napi_throw_range_error(env, NULL, "transpose: bad shape"); return NULL; }
  size_t m = (size_t)rows * cols;
  if (lx < m * batch || lo < m * batch) { napi_throw_range_error(env, NULL, "transpose: array shorter than its shape"); return NULL; }
  for (int32_t b = 0; b < batch; b++) {
    const float *xb = x + m * b;
    float *ob = out + m * b;
    for (int32_t r0 = 0; r0 < rows; r0 += 32) {
      int32_t r1 = r0 + 32 < rows ? r0 + 32 : rows;
      for (int32_t c0 = 0; c0 < cols; c0 += 32) {
        int32_t c1 = c0 + 32 < cols ? c0 + 32 : cols;
        for (int32_t c = c0; c < c1; c++)
          for (int32_t r = r0; r < r1; r++) ob[(size_t)c * rows + r] = xb[(size_t)r * cols + c];
      }
    }
  }
  return NULL;
}

static napi_value set_threads(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  napi_value result;
  if (set_threads_ptr && argc == 1) { set_threads_ptr(int_arg(env, argv[0])); CHECK(napi_get_boolean(env, true, &result)); }
  else CHECK(napi_get_boolean(env, false, &result));
  return result;
}

static napi_value describe(napi_env env, napi_callback_info info) {
  (void)info;
  napi_value obj, lib, errors, threads;
  CHECK(napi_create_object(env, &obj));
  CHECK(napi_create_string_utf8(env, cblas_sgemm_ptr ? loaded_library : "", NAPI_AUTO_LENGTH, &lib));
  CHECK(napi_create_string_utf8(env, load_errors, NAPI_AUTO_LENGTH, &errors));
  CHECK(napi_create_int32(env, get_threads_ptr ? get_threads_ptr() : -1, &threads));
  CHECK(napi_set_named_property(env, obj, "library", lib));
  CHECK(napi_set_named_property(env, obj, "loadErrors", errors));
  CHECK(napi_set_named_property(env, obj, "threads", threads));
  return obj;
}

NAPI_MODULE_INIT() {
  static int loaded = 0;
  if (!loaded) { load_blas(); loaded = 1; }
  napi_value fn;
  if (napi_create_function(env, "sgemmBatched", NAPI_AUTO_LENGTH, sgemm_batched, NULL, &fn) != napi_ok) return NULL;
  napi_set_named_property(env, exports, "sgemmBatched", fn);
  if (napi_create_function(env, "adamUpdate", NAPI_AUTO_LENGTH, adam_update, NULL, &fn) != napi_ok) return NULL;
  napi_set_named_property(env, exports, "adamUpdate", fn);
  if (napi_create_function(env, "logSoftmaxRows", NAPI_AUTO_LENGTH, log_softmax_rows, NULL, &fn) != napi_ok) return NULL;
  napi_set_named_property(env, exports, "logSoftmaxRows", fn);
  if (napi_create_function(env, "sigmoid", NAPI_AUTO_LENGTH, sigmoid, NULL, &fn) != napi_ok) return NULL;
  napi_set_named_property(env, exports, "sigmoid", fn);
  if (napi_create_function(env, "transpose", NAPI_AUTO_LENGTH, transpose, NULL, &fn) != napi_ok) return NULL;
  napi_set_named_property(env, exports, "transpose", fn);
  if (napi_create_function(env, "setThreads", NAPI_AUTO_LENGTH, set_threads, NULL, &fn) != napi_ok) return NULL;
  napi_set_named_property(env, exports, "setThreads", fn);
  if (napi_create_function(env, "describe", NAPI_AUTO_LENGTH, describe, NULL, &fn) != napi_ok) return NULL;
  napi_set_named_property(env, exports, "describe", fn);
  return exports;
}
