/* optimizer.c — SGD (momentum, Nesterov), RMSprop, Adam: the tf.keras update rules on flat vectors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * One step, t = iterations + 1 (all arithmetic in float32 as in TF's kernels, except Adam's
 * bias-corrected rate, computed in double):
 *   SGD, m = 0      w −= lr·g
 *   SGD, m > 0      v = m·v − lr·g ; w += v            (nesterov: w += m·v − lr·g)
 *   RMSprop         a = ρ·a + (1−ρ)·g² ; w −= lr·g / (√a + ε)          (a starts at 0)
 *   Adam            m = β1·m + (1−β1)·g ; v = β2·v + (1−β2)·g² ;
 *                   w −= lr_t·m / (√v + ε),  lr_t = lr·√(1−β2ᵗ) / (1−β1ᵗ)
 * As in Keras, SGD keeps a momentum slot only when momentum ≠ 0 (Nesterov needs momentum).
 *
 * The inner loops are branch-free over restrict pointers so the compiler can vectorize them
 * (the sqrt loops need -fno-math-errno for that, see the engine's build flags).
 */
#include <math.h>
#include <string.h>

#include "gemm.h"
#include "optimizer.h"
#include "tensor.h"

#define MAX_SLOTS 2

struct _LbOptimizer
{
  LbOptimizerConfig config;
  size_t            n;
  uint64_t          iterations;
  int               n_slots;
  float            *slots[MAX_SLOTS];
};

static const char *kind_names[LB_N_OPTIMIZERS] = {
  [LB_OPTIMIZER_SGD] = "sgd",
  [LB_OPTIMIZER_RMSPROP] = "rmsprop",
  [LB_OPTIMIZER_ADAM] = "adam",
};

void
lb_optimizer_config_init (LbOptimizerConfig *config, LbOptimizerKind kind)
{
  g_return_if_fail (config != NULL);
  g_return_if_fail (kind < LB_N_OPTIMIZERS);

  /* every field gets its Keras default, so that switching the kind keeps sane values */
  memset (config, 0, sizeof *config);
  config->kind = kind;
  config->learning_rate = kind == LB_OPTIMIZER_SGD ? 0.01f : 0.001f;
  config->momentum = 0.0f;
  config->nesterov = FALSE;
  config->rho = 0.9f;
  config->beta_1 = 0.9f;
  config->beta_2 = 0.999f;
  config->epsilon = 1e-7f;
}

const char *
lb_optimizer_kind_name (LbOptimizerKind kind)
{
  g_return_val_if_fail (kind < LB_N_OPTIMIZERS, "sgd");

  return kind_names[kind];
}

gboolean
lb_optimizer_kind_from_name (const char *name, LbOptimizerKind *out)
{
  g_return_val_if_fail (out != NULL, FALSE);

  if (name == NULL)
    return FALSE;
  for (int i = 0; i < LB_N_OPTIMIZERS; i++)
    if (g_ascii_strcasecmp (name, kind_names[i]) == 0)
      {
        *out = (LbOptimizerKind) i;
        return TRUE;
      }
  return FALSE;
}

static int
count_slots (const LbOptimizerConfig *config)
{
  switch (config->kind)
    {
    case LB_OPTIMIZER_SGD:
      return config->momentum != 0.0f ? 1 : 0;
    case LB_OPTIMIZER_RMSPROP:
      return 1;
    case LB_OPTIMIZER_ADAM:
      return 2;
    case LB_N_OPTIMIZERS:
    default:
      break;
    }
  g_assert_not_reached ();
  return 0;
}

LbOptimizer *
lb_optimizer_new (const LbOptimizerConfig *config, size_t n_params)
{
  LbOptimizer *opt;

  g_return_val_if_fail (config != NULL, NULL);
  g_return_val_if_fail (config->kind < LB_N_OPTIMIZERS, NULL);

  opt = g_new0 (LbOptimizer, 1);
  opt->config = *config;
  opt->n = n_params;
  opt->n_slots = count_slots (config);
  for (int i = 0; i < opt->n_slots; i++)
    {
      opt->slots[i] = lb_alloc_floats (n_params);   /* zero-filled */
      if (opt->slots[i] == NULL)
        {
          lb_optimizer_free (opt);
          return NULL;
        }
    }
  return opt;
}

void
lb_optimizer_free (LbOptimizer *opt)
{
  if (opt == NULL)
    return;
  for (int i = 0; i < MAX_SLOTS; i++)
    lb_free_floats (opt->slots[i]);
  g_free (opt);
}

const LbOptimizerConfig *
lb_optimizer_get_config (LbOptimizer *opt)
{
  g_return_val_if_fail (opt != NULL, NULL);

  return &opt->config;
}

void
lb_optimizer_reset (LbOptimizer *opt)
{
  g_return_if_fail (opt != NULL);

  for (int i = 0; i < opt->n_slots; i++)
    memset (opt->slots[i], 0, opt->n * sizeof (float));
  opt->iterations = 0;
}

/* ---- kernels ----------------------------------------------------------------------------- */

LB_HOT_LOOPS static void
sgd_plain (float *restrict w, const float *restrict g, size_t n, float lr)
{
  for (size_t i = 0; i < n; i++)
    w[i] -= lr * g[i];
}

LB_HOT_LOOPS static void
sgd_momentum (float *restrict w, const float *restrict g, float *restrict v, size_t n,
              float lr, float m)
{
  for (size_t i = 0; i < n; i++)
    {
      float vi = m * v[i] - lr * g[i];

      v[i] = vi;
      w[i] += vi;
    }
}

LB_HOT_LOOPS static void
sgd_nesterov (float *restrict w, const float *restrict g, float *restrict v, size_t n,
              float lr, float m)
{
  for (size_t i = 0; i < n; i++)
    {
      float step = lr * g[i];
      float vi = m * v[i] - step;

      v[i] = vi;
      w[i] += m * vi - step;
    }
}

LB_HOT_LOOPS static void
rmsprop (float *restrict w, const float *restrict g, float *restrict a, size_t n,
         float lr, float rho, float eps)
{
  float one_minus_rho = 1.0f - rho;

  for (size_t i = 0; i < n; i++)
    {
      float gi = g[i];
      float ai = rho * a[i] + one_minus_rho * (gi * gi);

      a[i] = ai;
      w[i] -= lr * gi / (sqrtf (ai) + eps);
    }
}

LB_HOT_LOOPS static void
adam (float *restrict w, const float *restrict g, float *restrict m, float *restrict v,
      size_t n, float lr_t, float beta_1, float beta_2, float eps)
{
  float one_minus_b1 = 1.0f - beta_1;
  float one_minus_b2 = 1.0f - beta_2;

  for (size_t i = 0; i < n; i++)
    {
      float gi = g[i];
      float mi = beta_1 * m[i] + one_minus_b1 * gi;
      float vi = beta_2 * v[i] + one_minus_b2 * (gi * gi);

      m[i] = mi;
      v[i] = vi;
      w[i] -= lr_t * mi / (sqrtf (vi) + eps);
    }
}

void
lb_optimizer_step_slice (LbOptimizer *opt, float *w, const float *g, size_t lo, size_t hi)
{
  const LbOptimizerConfig *c;
  size_t n;

  g_return_if_fail (opt != NULL);
  g_return_if_fail (lo <= hi && hi <= opt->n);
  g_return_if_fail (lo == hi || (w != NULL && g != NULL));

  c = &opt->config;
  n = hi - lo;
  w += lo;
  g += lo;
  switch (c->kind)
    {
    case LB_OPTIMIZER_SGD:
      if (opt->n_slots == 0)
        sgd_plain (w, g, n, c->learning_rate);
      else if (c->nesterov)
        sgd_nesterov (w, g, opt->slots[0] + lo, n, c->learning_rate, c->momentum);
      else
        sgd_momentum (w, g, opt->slots[0] + lo, n, c->learning_rate, c->momentum);
      break;

    case LB_OPTIMIZER_RMSPROP:
      rmsprop (w, g, opt->slots[0] + lo, n, c->learning_rate, c->rho, c->epsilon);
      break;

    case LB_OPTIMIZER_ADAM:
      {
        double t = (double) (opt->iterations + 1);
        double lr_t = c->learning_rate * sqrt (1.0 - pow (c->beta_2, t))
                      / (1.0 - pow (c->beta_1, t));

        adam (w, g, opt->slots[0] + lo, opt->slots[1] + lo, n, (float) lr_t,
              c->beta_1, c->beta_2, c->epsilon);
      }
      break;

    case LB_N_OPTIMIZERS:
    default:
      g_assert_not_reached ();
    }
}

void
lb_optimizer_step_end (LbOptimizer *opt)
{
  g_return_if_fail (opt != NULL);

  opt->iterations++;
}

void
lb_optimizer_step (LbOptimizer *opt, float *w, const float *g)
{
  g_return_if_fail (opt != NULL);

  lb_optimizer_step_slice (opt, w, g, 0, opt->n);
  lb_optimizer_step_end (opt);
}

uint64_t
lb_optimizer_get_iterations (LbOptimizer *opt)
{
  g_return_val_if_fail (opt != NULL, 0);

  return opt->iterations;
}

void
lb_optimizer_set_iterations (LbOptimizer *opt, uint64_t t)
{
  g_return_if_fail (opt != NULL);

  opt->iterations = t;
}

int
lb_optimizer_get_n_slots (LbOptimizer *opt)
{
  g_return_val_if_fail (opt != NULL, 0);

  return opt->n_slots;
}

float *
lb_optimizer_get_slot (LbOptimizer *opt, int i)
{
  g_return_val_if_fail (opt != NULL, NULL);
  g_return_val_if_fail (i >= 0 && i < opt->n_slots, NULL);

  return opt->slots[i];
}

const char *
lb_optimizer_get_slot_name (LbOptimizer *opt, int i)
{
  g_return_val_if_fail (opt != NULL, NULL);
  g_return_val_if_fail (i >= 0 && i < opt->n_slots, NULL);

  switch (opt->config.kind)
    {
    case LB_OPTIMIZER_SGD:
      return "momentum";
    case LB_OPTIMIZER_RMSPROP:
      return "rms";
    case LB_OPTIMIZER_ADAM:
      return i == 0 ? "m" : "v";
    case LB_N_OPTIMIZERS:
    default:
      break;
    }
  g_assert_not_reached ();
  return NULL;
}
