// A tiny N-API addon that hands float32 matrix products to the platform's BLAS (OpenBLAS, BLIS, MKL
// or the reference CBLAS on Linux; Accelerate on macOS), found with dlopen at run time so the binary
// itself depends on nothing but libc and libdl. The tfjs wasm backend's MatMul kernels call it on
// views of the wasm heap, so no matrix is copied.
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
  if (napi_create_function(env, "setThreads", NAPI_AUTO_LENGTH, set_threads, NULL, &fn) != napi_ok) return NULL;
  napi_set_named_property(env, exports, "setThreads", fn);
  if (napi_create_function(env, "describe", NAPI_AUTO_LENGTH, describe, NULL, &fn) != napi_ok) return NULL;
  napi_set_named_property(env, exports, "describe", fn);
  return exports;
}
