/* test-parts.c — a batch split into parallel parts computes what one part computes
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The model runs the parts of a batch on threads of its own (model.c). Split or not, the
 * outputs and dropout masks must be those of one pass over the whole batch, the gradients
 * their sum (equal up to rounding: the sum is taken in another order), and two runs with the
 * same thread count must be bit-identical.
 */
#include <math.h>
#include <string.h>

#include "fpenv.h"
#include "gemm.h"
#include "model.h"
#include "trainer.h"

/* a small convnet that has every kind of layer that runs in parts */
static LbModelConfig *
small_convnet (void)
{
  LbShape in = lb_shape_3d (12, 12, 2);
  LbModelConfig *c = lb_model_config_new (&in);
  LbLayerConfig *l;

  l = lb_model_config_append (c, LB_LAYER_CONV2D);
  l->filters = 6;
  l->activation = LB_ACTIVATION_RELU;
  lb_model_config_append (c, LB_LAYER_MAX_POOLING2D);                 /* 5×5×6 */
  l = lb_model_config_append (c, LB_LAYER_CONV2D);
  l->filters = 8;
  l->padding = LB_PADDING_SAME;
  l->activation = LB_ACTIVATION_TANH;
  l = lb_model_config_append (c, LB_LAYER_AVERAGE_POOLING2D);         /* 2×2×8 */
  l->padding = LB_PADDING_SAME;                                       /* 3×3×8 */
  lb_model_config_append (c, LB_LAYER_FLATTEN);
  l = lb_model_config_append (c, LB_LAYER_DENSE);
  l->units = 10;
  l->activation = LB_ACTIVATION_RELU;
  l = lb_model_config_append (c, LB_LAYER_DROPOUT);
  l->rate = 0.4f;
  l = lb_model_config_append (c, LB_LAYER_DENSE);
  l->units = 3;
  l->activation = LB_ACTIVATION_SOFTMAX;
  return c;
}

static LbModel *
new_model (int threads)
{
  g_autoptr (LbModelConfig) c = small_convnet ();
  g_autoptr (GError) error = NULL;
  LbModel *m;
  LbRng rng;

  lb_gemm_set_threads (threads);
  m = lb_model_new (c, &error);
  g_assert_no_error (error);
  lb_rng_seed (&rng, 21);
  lb_model_init_params (m, &rng);
  g_assert_true (lb_model_reserve (m, 16, &error));
  g_assert_no_error (error);
  return m;
}

static void
fill (float *x, size_t n, guint64 seed)
{
  LbRng rng;

  lb_rng_seed (&rng, seed);
  for (size_t i = 0; i < n; i++)
    x[i] = lb_rng_uniform (&rng, -1.0f, 1.0f);
}

/* one forward (training, dropout on) and backward of batch B; copies out the output, every
 * layer's output and the gradients */
typedef struct
{
  float *out, *acts[8], *grads, *dx;
  LbRng  rng_after;
} Step;

static void
step (LbModel *m, int B, Step *s)
{
  size_t in = 12 * 12 * 2, np = lb_model_n_trainable (m);
  g_autofree float *x = g_new (float, B * in);
  g_autofree float *dout = g_new (float, B * 3);
  const float *out;
  LbRng rng;

  fill (x, B * in, 31);
  fill (dout, B * 3, 32);
  lb_rng_seed (&rng, 33);
  out = lb_model_forward (m, x, B, TRUE, &rng);
  s->rng_after = rng;
  s->out = g_memdup2 (out, B * 3 * sizeof (float));
  for (int i = 0; i < 8; i++)
    s->acts[i] = g_memdup2 (lb_model_layer_output (m, i),
                            B * lb_shape_size (&lb_model_get_layer (m, i)->out_shape)
                            * sizeof (float));
  s->dx = g_new (float, B * in);
  lb_model_backward (m, x, dout, TRUE, s->dx);
  s->grads = g_memdup2 (lb_model_grads (m), np * sizeof (float));
}

static void
step_clear (Step *s)
{
  g_free (s->out);
  g_free (s->grads);
  g_free (s->dx);
  for (int i = 0; i < 8; i++)
    g_free (s->acts[i]);
}

static void
assert_close (const float *a, const float *b, size_t n, double tol)
{
  for (size_t i = 0; i < n; i++)
    if (fabs ((double) a[i] - b[i]) > tol * (1.0 + fabs ((double) b[i])))
      g_error ("element %zu: %.9g vs %.9g (tolerance %g)", i, (double) a[i], (double) b[i], tol);
}

static void
test_parts_equal_one_pass (void)
{
  /* 13 samples: the two parts have 6 and 7 */
  enum { B = 13 };
  int before = lb_gemm_get_threads ();
  g_autoptr (LbModel) one = new_model (1);
  g_autoptr (LbModel) two = NULL;
  size_t np = lb_model_n_trainable (one);
  Step s1, s2;

  step (one, B, &s1);
  two = new_model (2);
  step (two, B, &s2);

  /* forward: every layer's output, dropout mask included, is per sample */
  for (int i = 0; i < 8; i++)
    assert_close (s2.acts[i], s1.acts[i],
                  B * lb_shape_size (&lb_model_get_layer (one, i)->out_shape), 1e-6);
  /* the dropout layer dropped something, and the same units in both */
  {
    size_t n = B * 10;
    int dropped = 0;

    for (size_t k = 0; k < n; k++)
      {
        g_assert_cmpint (s1.acts[6][k] == 0.0f, ==, s2.acts[6][k] == 0.0f);
        dropped += s1.acts[5][k] != 0.0f && s1.acts[6][k] == 0.0f;
      }
    g_assert_cmpint (dropped, >, 0);
  }
  /* the run's generator advanced alike */
  g_assert_cmpmem (&s1.rng_after, sizeof (LbRng), &s2.rng_after, sizeof (LbRng));
  /* backward: the same input gradient, and the gradients summed over the parts */
  assert_close (s2.dx, s1.dx, B * 12 * 12 * 2, 1e-5);
  assert_close (s2.grads, s1.grads, np, 1e-5);

  step_clear (&s1);
  step_clear (&s2);
  lb_gemm_set_threads (before);
}

static void
test_parts_reproducible (void)
{
  /* two runs with two threads: bit-identical */
  int before = lb_gemm_get_threads ();
  g_autoptr (LbModel) a = new_model (2);
  g_autoptr (LbModel) b = new_model (2);
  size_t np = lb_model_n_trainable (a);
  Step sa, sb;

  step (a, 16, &sa);
  step (b, 16, &sb);
  g_assert_cmpmem (sa.out, 16 * 3 * sizeof (float), sb.out, 16 * 3 * sizeof (float));
  g_assert_cmpmem (sa.grads, np * sizeof (float), sb.grads, np * sizeof (float));
  step_clear (&sa);
  step_clear (&sb);
  lb_gemm_set_threads (before);
}

static void
test_batch_smaller_than_parts (void)
{
  /* one sample with two threads: one part, the same result as one thread */
  int before = lb_gemm_get_threads ();
  g_autoptr (LbModel) one = new_model (1);
  g_autoptr (LbModel) two = new_model (2);
  size_t np = lb_model_n_trainable (one);
  Step s1, s2;

  step (one, 1, &s1);
  step (two, 1, &s2);
  assert_close (s2.out, s1.out, 3, 1e-6);
  assert_close (s2.grads, s1.grads, np, 1e-5);
  step_clear (&s1);
  step_clear (&s2);
  lb_gemm_set_threads (before);
}

/* a fit of a few epochs on random images with 1 or 2 threads */
static LbHistory *
fit_threads (int threads, float **params, size_t *np)
{
  g_autoptr (LbModelConfig) c = small_convnet ();
  g_autoptr (LbModel) m = NULL;
  g_autoptr (LbTrainer) t = NULL;
  g_autoptr (LbDataset) ds = NULL;
  g_autoptr (GError) error = NULL;
  LbShape shape = lb_shape_3d (12, 12, 2);
  LbCompileConfig compile;
  LbFitConfig fc;
  LbDataView view;
  LbHistory *h;
  LbRng rng;

  ds = lb_dataset_new ("img", 120, &shape, LB_DTYPE_UINT8, 1, LB_TARGET_CLASS_INDEX, 3, NULL);
  lb_rng_seed (&rng, 41);
  for (int i = 0; i < 120; i++)
    {
      int cls = (int) lb_rng_below (&rng, 3);

      ds->y[i] = (float) cls;
      for (int p = 0; p < 12 * 12 * 2; p++)
        ds->x_u8[i * 288 + p] = (uint8_t) (lb_rng_below (&rng, 120) + (p % 3 == cls ? 100 : 0));
    }
  ds->x_scale = 1.0f / 255.0f;
  view = lb_data_view_all (ds);
  m = lb_model_new (c, &error);
  g_assert_no_error (error);
  lb_rng_seed (&rng, 42);
  lb_model_init_params (m, &rng);
  lb_compile_config_init (&compile, LB_OPTIMIZER_RMSPROP, LB_LOSS_SPARSE_CATEGORICAL_CROSSENTROPY);
  lb_compile_config_add_metric (&compile, LB_METRIC_ACCURACY);
  lb_fit_config_init (&fc);
  fc.epochs = 4;
  fc.batch_size = 16;
  fc.validation_split = 0.25;
  fc.threads = threads;
  t = lb_trainer_new (m, &compile, &fc);
  h = lb_trainer_fit (t, &view, NULL, &error);
  g_assert_no_error (error);
  *np = lb_model_n_trainable (m);
  *params = g_memdup2 (lb_model_params (m), *np * sizeof (float));
  return h;
}

static void
test_fit_threads (void)
{
  int before = lb_gemm_get_threads ();
  g_autoptr (LbHistory) h1 = NULL;
  g_autoptr (LbHistory) h2 = NULL;
  g_autoptr (LbHistory) h2b = NULL;
  g_autofree float *p1 = NULL;
  g_autofree float *p2 = NULL;
  g_autofree float *p2b = NULL;
  size_t np;

  h1 = fit_threads (1, &p1, &np);
  h2 = fit_threads (2, &p2, &np);
  h2b = fit_threads (2, &p2b, &np);
  /* it learned something (the comparison means something) */
  g_assert_cmpfloat (lb_history_get (h1, 3)->loss, <, lb_history_get (h1, 0)->loss);
  /* 1 and 2 threads: the same training up to rounding */
  for (int e = 0; e < 4; e++)
    {
      g_assert_cmpfloat_with_epsilon (lb_history_get (h1, e)->loss, lb_history_get (h2, e)->loss,
                                      1e-4);
      g_assert_cmpfloat_with_epsilon (lb_history_get (h1, e)->val_loss,
                                      lb_history_get (h2, e)->val_loss, 1e-4);
    }
  assert_close (p2, p1, np, 1e-3);
  /* 2 threads twice: bit-identical */
  g_assert_cmpmem (p2, np * sizeof (float), p2b, np * sizeof (float));
  for (int e = 0; e < 4; e++)
    g_assert_cmpfloat (lb_history_get (h2, e)->loss, ==, lb_history_get (h2b, e)->loss);
  lb_gemm_set_threads (before);
}

/* conv(relu) → max pool: the model lets the pooling apply relu' (one pass); the gradients
 * must be exactly those of the layers' own backward passes chained one by one (with one
 * thread; with two, the parameter gradients are sums in another order). */
static void
check_relu_pool_fusion (int size, int filters, int pool, int stride, int threads)
{
  enum { B = 13 };
  LbShape in = lb_shape_3d (size, size, 2);
  g_autoptr (LbModelConfig) c = lb_model_config_new (&in);
  g_autoptr (LbModel) m = NULL;
  g_autoptr (GError) error = NULL;
  int before = lb_gemm_get_threads ();
  LbLayerConfig *l;
  LbRng rng;
  size_t np, in_n = (size_t) size * size * 2, out0 = (size_t) (size - 2) * (size - 2) * filters;
  g_autofree float *x = g_new (float, B * in_n);
  g_autofree float *dout = NULL;
  g_autofree float *grads = NULL;
  g_autofree float *dx = g_new (float, B * in_n);
  g_autofree float *ref_dx = g_new (float, B * in_n);
  float *buf[2];
  const float *dy;
  int n;

  l = lb_model_config_append (c, LB_LAYER_CONV2D);
  l->filters = filters;
  l->activation = LB_ACTIVATION_RELU;
  l = lb_model_config_append (c, LB_LAYER_MAX_POOLING2D);
  l->pool_size[0] = l->pool_size[1] = pool;
  l->strides[0] = l->strides[1] = stride;
  lb_model_config_append (c, LB_LAYER_FLATTEN);
  l = lb_model_config_append (c, LB_LAYER_DENSE);
  l->units = 4;
  l->activation = LB_ACTIVATION_SOFTMAX;
  lb_gemm_set_threads (threads);
  m = lb_model_new (c, &error);
  g_assert_no_error (error);
  lb_rng_seed (&rng, 51);
  lb_model_init_params (m, &rng);
  g_assert_true (lb_model_reserve (m, B, &error));
  n = lb_model_n_layers (m);
  np = lb_model_n_trainable (m);
  fill (x, B * in_n, 52);
  dout = g_new (float, B * 4);
  fill (dout, B * 4, 53);

  lb_model_forward (m, x, B, TRUE, NULL);
  lb_model_backward (m, x, dout, TRUE, dx);
  grads = g_memdup2 (lb_model_grads (m), np * sizeof (float));

  /* the reference: every layer's own backward, no fusion */
  memset (lb_model_grads (m), 0, np * sizeof (float));
  buf[0] = g_new (float, B * out0);
  buf[1] = g_new (float, B * out0);
  dy = dout;
  for (int i = n - 1; i >= 0; i--)
    {
      LbLayer *layer = lb_model_get_layer (m, i);
      g_autofree float *ws = g_new0 (float, layer->klass->workspace_size
                                              ? layer->klass->workspace_size (layer, B) + 1 : 1);
      LbPass pass = { B, TRUE, NULL, ws };
      float *out = i > 0 ? buf[i % 2] : ref_dx;

      layer->fused_output_grad = i == n - 1;
      layer->klass->backward (layer, &pass, i > 0 ? lb_model_layer_output (m, i - 1) : x,
                              lb_model_layer_output (m, i), dy, out);
      layer->fused_output_grad = FALSE;
      dy = out;
    }
  if (threads == 1)
    {
      g_assert_cmpmem (grads, np * sizeof (float), lb_model_grads (m), np * sizeof (float));
      g_assert_cmpmem (dx, B * in_n * sizeof (float), ref_dx, B * in_n * sizeof (float));
    }
  else
    {
      /* the parameters' sums in another order; BLAS may round a sample's input gradient
       * differently in a shorter product */
      assert_close (dx, ref_dx, B * in_n, 1e-5);
      assert_close (grads, lb_model_grads (m), np, 1e-5);
    }
  g_free (buf[0]);
  g_free (buf[1]);
  lb_gemm_set_threads (before);
}

static void
test_relu_pool_fusion (void)
{
  /* tiled windows (7×7 → 3×3, a row and a column left out) */
  check_relu_pool_fusion (9, 5, 2, 2, 1);
  /* overlapping windows: the scatter path */
  check_relu_pool_fusion (9, 5, 3, 2, 1);
  /* two parts */
  check_relu_pool_fusion (30, 16, 2, 2, 2);
  /* 48 filters: K = 18, N = 48, the thin kernels' 32 + 8 + 8 channel blocks */
  check_relu_pool_fusion (18, 48, 2, 2, 2);
}

/* A model with much work per parameter: the threads share the batch as two chunks each,
 * taken in turn. 10 steps from the same start must give bit-identical weights with the same
 * thread count, and the first step's gradients must be one thread's up to rounding. */
static float *
chunked_steps (int threads, size_t *np, float **first_grads)
{
  enum { B = 29, STEPS = 10 };
  LbShape in = lb_shape_3d (24, 24, 8);
  g_autoptr (LbModelConfig) c = lb_model_config_new (&in);
  g_autoptr (LbModel) m = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree float *x = g_new (float, B * 24 * 24 * 8);
  g_autofree float *dout = g_new (float, B * 3);
  LbLayerConfig *l;
  LbRng rng, drop;

  l = lb_model_config_append (c, LB_LAYER_CONV2D);
  l->filters = 16;
  l->activation = LB_ACTIVATION_RELU;
  lb_model_config_append (c, LB_LAYER_GLOBAL_AVERAGE_POOLING2D);
  l = lb_model_config_append (c, LB_LAYER_DROPOUT);
  l->rate = 0.3f;
  l = lb_model_config_append (c, LB_LAYER_DENSE);
  l->units = 3;
  l->activation = LB_ACTIVATION_SOFTMAX;
  lb_gemm_set_threads (threads);
  m = lb_model_new (c, &error);
  g_assert_no_error (error);
  lb_rng_seed (&rng, 61);
  lb_model_init_params (m, &rng);
  g_assert_true (lb_model_reserve (m, B, &error));
  *np = lb_model_n_trainable (m);
  lb_rng_seed (&drop, 62);
  for (int s = 0; s < STEPS; s++)
    {
      fill (x, B * 24 * 24 * 8, 63 + s);
      fill (dout, B * 3, 163 + s);
      lb_model_forward (m, x, B, TRUE, &drop);
      lb_model_backward (m, x, dout, TRUE, NULL);
      if (s == 0)
        *first_grads = g_memdup2 (lb_model_grads (m), *np * sizeof (float));
      /* plain SGD, so that every step depends on the gradients of the last */
      for (size_t i = 0; i < *np; i++)
        lb_model_params (m)[i] -= 0.05f * lb_model_grads (m)[i];
    }
  return g_memdup2 (lb_model_params (m), *np * sizeof (float));
}

static void
test_chunks (void)
{
  int before = lb_gemm_get_threads ();
  g_autofree float *p1 = NULL;
  g_autofree float *p2 = NULL;
  g_autofree float *p2b = NULL;
  g_autofree float *g1 = NULL;
  g_autofree float *g2 = NULL;
  g_autofree float *g2b = NULL;
  size_t np;

  p1 = chunked_steps (1, &np, &g1);
  p2 = chunked_steps (2, &np, &g2);
  p2b = chunked_steps (2, &np, &g2b);
  g_assert_cmpmem (p2, np * sizeof (float), p2b, np * sizeof (float));
  /* float sums of up to 29 × 22 × 22 = 14,036 terms (the conv bias), in another order */
  assert_close (g2, g1, np, 2e-4);
  lb_gemm_set_threads (before);
}

/* lb_model_for_param_slices () covers every parameter exactly once, shares the vector
 * between the threads, and every thread computes in the caller's floating-point mode
 * (denormals flushed or not: a product of 1e-30 and 1e-10 is 0 or a denormal) */
typedef struct
{
  gint       *count;
  GMutex      lock;
  GHashTable *threads;
  gint        flushed;
  gint        kept;
} SliceProbe;

static void
slice_probe (gpointer data, size_t lo, size_t hi)
{
  SliceProbe *p = data;
  volatile float tiny = 1e-30f, scale = 1e-10f;
  float product = tiny * scale;

  for (size_t i = lo; i < hi; i++)
    g_atomic_int_inc (&p->count[i]);
  g_atomic_int_inc (product == 0.0f ? &p->flushed : &p->kept);
  g_mutex_lock (&p->lock);
  g_hash_table_add (p->threads, g_thread_self ());
  g_mutex_unlock (&p->lock);
}

static void
test_param_slices (void)
{
  int before = lb_gemm_get_threads ();
  LbShape in = lb_shape_1d (300);
  g_autoptr (LbModelConfig) c = lb_model_config_new (&in);
  g_autoptr (LbModel) m = NULL;
  g_autoptr (GError) error = NULL;
  LbLayerConfig *l;
  LbRng rng;
  size_t np;

  l = lb_model_config_append (c, LB_LAYER_DENSE);
  l->units = 128;
  l->activation = LB_ACTIVATION_RELU;
  l = lb_model_config_append (c, LB_LAYER_DENSE);
  l->units = 3;
  lb_gemm_set_threads (2);
  m = lb_model_new (c, &error);
  g_assert_no_error (error);
  lb_rng_seed (&rng, 3);
  lb_model_init_params (m, &rng);
  g_assert_true (lb_model_reserve (m, 64, &error));
  np = lb_model_n_trainable (m);
  g_assert_cmpuint (np, ==, 300 * 128 + 128 + 128 * 3 + 3);

  for (int flush = 0; flush < 2; flush++)
    {
      SliceProbe p = { g_new0 (gint, np) };
      LbFpMode mode = flush ? lb_fp_flush_denormals () : lb_fp_get_mode ();

      g_mutex_init (&p.lock);
      p.threads = g_hash_table_new (NULL, NULL);
      lb_model_for_param_slices (m, slice_probe, &p);
      lb_fp_restore (mode);
      for (size_t i = 0; i < np; i++)
        if (p.count[i] != 1)
          g_error ("parameter %zu was updated %d times", i, p.count[i]);
      g_assert_cmpuint (g_hash_table_size (p.threads), ==, 2);
      g_assert_cmpint (flush ? p.flushed : p.kept, ==, 2);
      g_assert_cmpint (flush ? p.kept : p.flushed, ==, 0);
      g_hash_table_unref (p.threads);
      g_mutex_clear (&p.lock);
      g_free (p.count);
    }
  lb_gemm_set_threads (before);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/engine/parts/equal-one-pass", test_parts_equal_one_pass);
  g_test_add_func ("/engine/parts/reproducible", test_parts_reproducible);
  g_test_add_func ("/engine/parts/small-batch", test_batch_smaller_than_parts);
  g_test_add_func ("/engine/parts/fit", test_fit_threads);
  g_test_add_func ("/engine/parts/relu-pool-fusion", test_relu_pool_fusion);
  g_test_add_func ("/engine/parts/chunks", test_chunks);
  g_test_add_func ("/engine/parts/param-slices", test_param_slices);
  return g_test_run ();
}
