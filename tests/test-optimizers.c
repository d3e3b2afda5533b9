/* test-optimizers.c — SGD (momentum, Nesterov), RMSprop and Adam against their update rules
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Each optimizer runs a few steps on a small vector; the same steps are evaluated here, in
 * double precision, straight from the tf.keras formulas (written out again below, not taken
 * from the engine). Then: Keras defaults, minimizing a quadratic, and resuming from saved slots.
 */
#include <math.h>
#include <string.h>

#include "lb-test-util.h"
#include "optimizer.h"
#include "rng.h"

enum { N = 13 };

static void
assert_close (double got, double want, double rtol, double atol, const char *what, size_t i)
{
  if (!(fabs (got - want) <= atol + rtol * fabs (want)))
    {
      g_autofree char *msg = g_strdup_printf ("%s[%zu]: got %.9g, want %.9g (rtol %g, atol %g)",
                                              what, i, got, want, rtol, atol);

      g_assertion_message (G_LOG_DOMAIN, __FILE__, __LINE__, G_STRFUNC, msg);
    }
}

/* ---- reference, in double ---------------------------------------------------------------- */

typedef struct
{
  double   w[N];
  double   s0[N];      /* momentum / rms / m */
  double   s1[N];      /* v */
  uint64_t t;          /* steps done */
} Ref;

static void
ref_step (const LbOptimizerConfig *c, Ref *r, const float *g)
{
  double lr = c->learning_rate;

  r->t++;
  for (int i = 0; i < N; i++)
    {
      double gi = g[i];

      switch (c->kind)
        {
        case LB_OPTIMIZER_SGD:
          if (c->momentum == 0.0f)
            r->w[i] -= lr * gi;
          else
            {
              double m = c->momentum;

              r->s0[i] = m * r->s0[i] - lr * gi;
              if (c->nesterov)
                r->w[i] += m * r->s0[i] - lr * gi;
              else
                r->w[i] += r->s0[i];
            }
          break;

        case LB_OPTIMIZER_RMSPROP:
          r->s0[i] = c->rho * r->s0[i] + (1.0 - c->rho) * gi * gi;
          r->w[i] -= lr * gi / (sqrt (r->s0[i]) + c->epsilon);
          break;

        case LB_OPTIMIZER_ADAM:
          {
            double b1 = c->beta_1, b2 = c->beta_2;
            double m_hat_scale = 1.0 / (1.0 - pow (b1, (double) r->t));
            double v_hat_scale = 1.0 - pow (b2, (double) r->t);

            r->s0[i] = b1 * r->s0[i] + (1.0 - b1) * gi;
            r->s1[i] = b2 * r->s1[i] + (1.0 - b2) * gi * gi;
            /* the "epsilon hat" form of Kingma & Ba §2, which tf.keras implements */
            r->w[i] -= lr * sqrt (v_hat_scale) * m_hat_scale * r->s0[i]
                       / (sqrt (r->s1[i]) + c->epsilon);
          }
          break;

        case LB_N_OPTIMIZERS:
        default:
          g_assert_not_reached ();
        }
    }
}

/* ---- update rules ------------------------------------------------------------------------ */

static void
check_against_reference (const LbOptimizerConfig *config, const char *what)
{
  g_autoptr (LbOptimizer) opt = lb_optimizer_new (config, N);
  float w[N], g[N];
  Ref ref = { 0 };
  LbRng rng;
  int n_slots = lb_optimizer_get_n_slots (opt);

  lb_rng_seed (&rng, 101);
  lb_test_fill_uniform (w, N, &rng, -1.0f, 1.0f);
  for (int i = 0; i < N; i++)
    ref.w[i] = w[i];

  for (int step = 0; step < 6; step++)
    {
      /* gradients of varying size and sign, one of them exactly zero */
      lb_test_fill_uniform (g, N, &rng, -2.0f, 2.0f);
      g[step % N] = 0.0f;

      lb_optimizer_step (opt, w, g);
      ref_step (config, &ref, g);

      g_assert_cmpuint (lb_optimizer_get_iterations (opt), ==, step + 1);
      for (int i = 0; i < N; i++)
        assert_close (w[i], ref.w[i], 1e-6, 1e-7, what, i);
      if (n_slots > 0)
        {
          const float *s0 = lb_optimizer_get_slot (opt, 0);
          for (int i = 0; i < N; i++)
            assert_close (s0[i], ref.s0[i], 1e-5, 1e-9, what, i);
        }
      if (n_slots > 1)
        {
          const float *s1 = lb_optimizer_get_slot (opt, 1);
          for (int i = 0; i < N; i++)
            assert_close (s1[i], ref.s1[i], 1e-5, 1e-9, what, i);
        }
    }
}

static void
test_sgd_rule (void)
{
  LbOptimizerConfig c;

  lb_optimizer_config_init (&c, LB_OPTIMIZER_SGD);
  check_against_reference (&c, "sgd");

  c.learning_rate = 0.05f;
  c.momentum = 0.9f;
  check_against_reference (&c, "sgd-momentum");

  c.nesterov = TRUE;
  check_against_reference (&c, "sgd-nesterov");

  c.momentum = 0.5f;
  c.learning_rate = 0.2f;
  check_against_reference (&c, "sgd-nesterov-0.5");
}

static void
test_rmsprop_rule (void)
{
  LbOptimizerConfig c;

  lb_optimizer_config_init (&c, LB_OPTIMIZER_RMSPROP);
  check_against_reference (&c, "rmsprop");

  /* an ε large enough that its place in the formula shows */
  c.learning_rate = 0.01f;
  c.rho = 0.7f;
  c.epsilon = 0.1f;
  check_against_reference (&c, "rmsprop-custom");
}

static void
test_adam_rule (void)
{
  LbOptimizerConfig c;

  lb_optimizer_config_init (&c, LB_OPTIMIZER_ADAM);
  check_against_reference (&c, "adam");

  c.learning_rate = 0.02f;
  c.beta_1 = 0.8f;
  c.beta_2 = 0.95f;
  c.epsilon = 0.1f;
  check_against_reference (&c, "adam-custom");
}

static void
test_first_steps_by_hand (void)
{
  /* Adam's first step is lr·sign (g) (up to ε): m̂ = g, v̂ = g² */
  {
    LbOptimizerConfig c;
    float w[] = { 1.0f, 1.0f, 1.0f }, g[] = { 0.5f, -3.0f, 0.0f };
    g_autoptr (LbOptimizer) opt = NULL;

    lb_optimizer_config_init (&c, LB_OPTIMIZER_ADAM);
    opt = lb_optimizer_new (&c, 3);
    lb_optimizer_step (opt, w, g);
    g_assert_cmpfloat_with_epsilon (w[0], 0.999f, 1e-6);
    g_assert_cmpfloat_with_epsilon (w[1], 1.001f, 1e-6);
    g_assert_cmpfloat (w[2], ==, 1.0f);
  }
  /* RMSprop's first step: a = 0.1·g², w −= lr·g/(√0.1·|g| + ε) = lr·sign (g)·3.1623 */
  {
    LbOptimizerConfig c;
    float w[] = { 0.0f, 0.0f }, g[] = { 2.0f, -0.25f };
    g_autoptr (LbOptimizer) opt = NULL;

    lb_optimizer_config_init (&c, LB_OPTIMIZER_RMSPROP);
    opt = lb_optimizer_new (&c, 2);
    lb_optimizer_step (opt, w, g);
    g_assert_cmpfloat_with_epsilon (w[0], -0.0031622776f, 1e-8);
    g_assert_cmpfloat_with_epsilon (w[1], 0.0031622776f, 1e-8);
  }
  /* SGD with momentum 0.9, lr 0.1, constant g = 1: v = −0.1, −0.19 ; w = −0.1, −0.29 ;
   * Nesterov: w = −0.19, then v = −0.19 → w −= 0.9·0.19 + 0.1 → −0.461 */
  {
    LbOptimizerConfig c;
    float w[] = { 0.0f }, g[] = { 1.0f };
    g_autoptr (LbOptimizer) opt = NULL, nes = NULL;

    lb_optimizer_config_init (&c, LB_OPTIMIZER_SGD);
    c.learning_rate = 0.1f;
    c.momentum = 0.9f;
    opt = lb_optimizer_new (&c, 1);
    lb_optimizer_step (opt, w, g);
    g_assert_cmpfloat_with_epsilon (w[0], -0.1f, 1e-7);
    lb_optimizer_step (opt, w, g);
    g_assert_cmpfloat_with_epsilon (w[0], -0.29f, 1e-7);

    c.nesterov = TRUE;
    nes = lb_optimizer_new (&c, 1);
    w[0] = 0.0f;
    lb_optimizer_step (nes, w, g);
    g_assert_cmpfloat_with_epsilon (w[0], -0.19f, 1e-7);
    lb_optimizer_step (nes, w, g);
    g_assert_cmpfloat_with_epsilon (w[0], -0.461f, 1e-7);
  }
}

/* ---- defaults, names, slots -------------------------------------------------------------- */

static void
test_defaults (void)
{
  LbOptimizerConfig c;

  /* tf.keras.optimizers.SGD () */
  lb_optimizer_config_init (&c, LB_OPTIMIZER_SGD);
  g_assert_cmpint (c.kind, ==, LB_OPTIMIZER_SGD);
  g_assert_cmpfloat (c.learning_rate, ==, 0.01f);
  g_assert_cmpfloat (c.momentum, ==, 0.0f);
  g_assert_false (c.nesterov);

  /* RMSprop (learning_rate=0.001, rho=0.9, momentum=0.0, epsilon=1e-07) */
  lb_optimizer_config_init (&c, LB_OPTIMIZER_RMSPROP);
  g_assert_cmpint (c.kind, ==, LB_OPTIMIZER_RMSPROP);
  g_assert_cmpfloat (c.learning_rate, ==, 0.001f);
  g_assert_cmpfloat (c.rho, ==, 0.9f);
  g_assert_cmpfloat (c.epsilon, ==, 1e-7f);

  /* Adam (learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-07) */
  lb_optimizer_config_init (&c, LB_OPTIMIZER_ADAM);
  g_assert_cmpint (c.kind, ==, LB_OPTIMIZER_ADAM);
  g_assert_cmpfloat (c.learning_rate, ==, 0.001f);
  g_assert_cmpfloat (c.beta_1, ==, 0.9f);
  g_assert_cmpfloat (c.beta_2, ==, 0.999f);
  g_assert_cmpfloat (c.epsilon, ==, 1e-7f);
}

static void
test_names (void)
{
  static const struct { const char *name; LbOptimizerKind kind; } cases[] = {
    { "sgd", LB_OPTIMIZER_SGD },
    { "SGD", LB_OPTIMIZER_SGD },
    { "rmsprop", LB_OPTIMIZER_RMSPROP },
    { "RMSprop", LB_OPTIMIZER_RMSPROP },
    { "adam", LB_OPTIMIZER_ADAM },
    { "Adam", LB_OPTIMIZER_ADAM },
  };
  LbOptimizerKind k;

  for (size_t i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      k = LB_N_OPTIMIZERS;
      g_assert_true (lb_optimizer_kind_from_name (cases[i].name, &k));
      g_assert_cmpint (k, ==, cases[i].kind);
    }
  g_assert_false (lb_optimizer_kind_from_name ("adagrad", &k));
  g_assert_false (lb_optimizer_kind_from_name ("", &k));
  g_assert_false (lb_optimizer_kind_from_name (NULL, &k));
  g_assert_cmpstr (lb_optimizer_kind_name (LB_OPTIMIZER_SGD), ==, "sgd");
  g_assert_cmpstr (lb_optimizer_kind_name (LB_OPTIMIZER_RMSPROP), ==, "rmsprop");
  g_assert_cmpstr (lb_optimizer_kind_name (LB_OPTIMIZER_ADAM), ==, "adam");
}

static void
test_slots (void)
{
  LbOptimizerConfig c;

  lb_optimizer_config_init (&c, LB_OPTIMIZER_SGD);
  {
    g_autoptr (LbOptimizer) opt = lb_optimizer_new (&c, N);
    g_assert_cmpint (lb_optimizer_get_n_slots (opt), ==, 0);
    g_assert_cmpfloat (lb_optimizer_get_config (opt)->learning_rate, ==, 0.01f);
  }
  /* Nesterov without momentum is plain SGD, as in Keras */
  c.nesterov = TRUE;
  {
    g_autoptr (LbOptimizer) opt = lb_optimizer_new (&c, N);
    g_assert_cmpint (lb_optimizer_get_n_slots (opt), ==, 0);
  }
  c.momentum = 0.9f;
  {
    g_autoptr (LbOptimizer) opt = lb_optimizer_new (&c, N);
    g_assert_cmpint (lb_optimizer_get_n_slots (opt), ==, 1);
    g_assert_cmpstr (lb_optimizer_get_slot_name (opt, 0), ==, "momentum");
    g_assert_true (lb_optimizer_get_config (opt)->nesterov);
  }
  lb_optimizer_config_init (&c, LB_OPTIMIZER_RMSPROP);
  {
    g_autoptr (LbOptimizer) opt = lb_optimizer_new (&c, N);
    g_assert_cmpint (lb_optimizer_get_n_slots (opt), ==, 1);
    g_assert_cmpstr (lb_optimizer_get_slot_name (opt, 0), ==, "rms");
  }
  lb_optimizer_config_init (&c, LB_OPTIMIZER_ADAM);
  {
    g_autoptr (LbOptimizer) opt = lb_optimizer_new (&c, N);
    const float *m, *v;

    g_assert_cmpint (lb_optimizer_get_n_slots (opt), ==, 2);
    g_assert_cmpstr (lb_optimizer_get_slot_name (opt, 0), ==, "m");
    g_assert_cmpstr (lb_optimizer_get_slot_name (opt, 1), ==, "v");
    m = lb_optimizer_get_slot (opt, 0);
    v = lb_optimizer_get_slot (opt, 1);
    g_assert_nonnull (m);
    g_assert_nonnull (v);
    g_assert_true (m != v);
    /* slots start at zero */
    for (int i = 0; i < N; i++)
      g_assert_true (m[i] == 0.0f && v[i] == 0.0f);
    g_assert_cmpuint (lb_optimizer_get_iterations (opt), ==, 0);
  }
  /* no parameters at all is allowed */
  {
    g_autoptr (LbOptimizer) opt = lb_optimizer_new (&c, 0);
    lb_optimizer_step (opt, NULL, NULL);
    g_assert_cmpuint (lb_optimizer_get_iterations (opt), ==, 1);
  }
}

/* ---- a quadratic: f (w) = ½ Σ a_i (w_i − c_i)² ------------------------------------------- */

typedef struct
{
  float a[N], c[N];
} Quadratic;

static void
quadratic_init (Quadratic *q, guint64 seed)
{
  LbRng rng;

  lb_rng_seed (&rng, seed);
  lb_test_fill_uniform (q->a, N, &rng, 0.5f, 2.0f);
  lb_test_fill_uniform (q->c, N, &rng, -1.0f, 1.0f);
}

static double
quadratic_value (const Quadratic *q, const float *w)
{
  double f = 0.0;

  for (int i = 0; i < N; i++)
    f += 0.5 * q->a[i] * ((double) w[i] - q->c[i]) * ((double) w[i] - q->c[i]);
  return f;
}

static void
quadratic_grad (const Quadratic *q, const float *w, float *g)
{
  for (int i = 0; i < N; i++)
    g[i] = q->a[i] * (w[i] - q->c[i]);
}

typedef struct
{
  const char     *what;
  LbOptimizerKind kind;
  float           lr;       /* 0: the Keras default */
  float           momentum;
  gboolean        nesterov;
} Variant;

static const Variant variants[] = {
  { "sgd", LB_OPTIMIZER_SGD, 0.0f, 0.0f, FALSE },
  { "sgd-momentum", LB_OPTIMIZER_SGD, 0.0f, 0.9f, FALSE },
  { "sgd-nesterov", LB_OPTIMIZER_SGD, 0.0f, 0.9f, TRUE },
  { "rmsprop", LB_OPTIMIZER_RMSPROP, 0.01f, 0.0f, FALSE },
  { "adam", LB_OPTIMIZER_ADAM, 0.01f, 0.0f, FALSE },
};

static void
variant_config (const Variant *v, LbOptimizerConfig *c)
{
  lb_optimizer_config_init (c, v->kind);
  if (v->lr > 0.0f)
    c->learning_rate = v->lr;
  c->momentum = v->momentum;
  c->nesterov = v->nesterov;
}

static void
test_minimize_quadratic (void)
{
  Quadratic q;

  quadratic_init (&q, 7);
  for (size_t k = 0; k < G_N_ELEMENTS (variants); k++)
    {
      LbOptimizerConfig c;
      g_autoptr (LbOptimizer) opt = NULL;
      float w[N] = { 0 }, g[N];
      double f0, f;

      variant_config (&variants[k], &c);
      opt = lb_optimizer_new (&c, N);
      f0 = quadratic_value (&q, w);
      for (int step = 0; step < 1500; step++)
        {
          quadratic_grad (&q, w, g);
          lb_optimizer_step (opt, w, g);
        }
      f = quadratic_value (&q, w);
      g_test_message ("%s: f %g -> %g", variants[k].what, f0, f);
      g_assert_cmpfloat (f0, >, 0.5);
      g_assert_cmpfloat (f, <, 1e-3 * f0);
    }
}

/* ---- save / restore ---------------------------------------------------------------------- */

static void
run_steps (LbOptimizer *opt, const Quadratic *q, float *w, int steps)
{
  float g[N];

  for (int s = 0; s < steps; s++)
    {
      quadratic_grad (q, w, g);
      lb_optimizer_step (opt, w, g);
    }
}

static void
test_resume (void)
{
  enum { STEPS = 40, SPLIT = 17 };
  Quadratic q;

  quadratic_init (&q, 9);
  for (size_t k = 0; k < G_N_ELEMENTS (variants); k++)
    {
      LbOptimizerConfig c;
      g_autoptr (LbOptimizer) full = NULL, first = NULL, resumed = NULL;
      float w_full[N] = { 0 }, w_split[N] = { 0 };
      int n_slots;

      variant_config (&variants[k], &c);
      full = lb_optimizer_new (&c, N);
      run_steps (full, &q, w_full, STEPS);

      first = lb_optimizer_new (&c, N);
      run_steps (first, &q, w_split, SPLIT);

      /* a fresh optimizer, given the slots and the step count */
      resumed = lb_optimizer_new (lb_optimizer_get_config (first), N);
      n_slots = lb_optimizer_get_n_slots (first);
      g_assert_cmpint (lb_optimizer_get_n_slots (resumed), ==, n_slots);
      for (int s = 0; s < n_slots; s++)
        memcpy (lb_optimizer_get_slot (resumed, s), lb_optimizer_get_slot (first, s),
                N * sizeof (float));
      lb_optimizer_set_iterations (resumed, lb_optimizer_get_iterations (first));
      run_steps (resumed, &q, w_split, STEPS - SPLIT);

      g_assert_cmpuint (lb_optimizer_get_iterations (resumed), ==, STEPS);
      g_assert_cmpmem (w_full, sizeof w_full, w_split, sizeof w_split);
      for (int s = 0; s < n_slots; s++)
        g_assert_cmpmem (lb_optimizer_get_slot (full, s), N * sizeof (float),
                         lb_optimizer_get_slot (resumed, s), N * sizeof (float));
    }
}

static void
test_resume_needs_state (void)
{
  /* the resume test is sensitive: forgetting Adam's step count, or its slots, changes w */
  LbOptimizerConfig c;
  Quadratic q;
  float w_full[N] = { 0 }, w_a[N], w_b[N];
  g_autoptr (LbOptimizer) full = NULL, no_t = NULL, no_slots = NULL;

  quadratic_init (&q, 9);
  lb_optimizer_config_init (&c, LB_OPTIMIZER_ADAM);
  c.learning_rate = 0.01f;
  full = lb_optimizer_new (&c, N);
  run_steps (full, &q, w_full, 10);
  memcpy (w_a, w_full, sizeof w_a);
  memcpy (w_b, w_full, sizeof w_b);

  no_t = lb_optimizer_new (&c, N);
  for (int s = 0; s < 2; s++)
    memcpy (lb_optimizer_get_slot (no_t, s), lb_optimizer_get_slot (full, s), N * sizeof (float));
  no_slots = lb_optimizer_new (&c, N);
  lb_optimizer_set_iterations (no_slots, 10);

  run_steps (full, &q, w_full, 5);
  run_steps (no_t, &q, w_a, 5);
  run_steps (no_slots, &q, w_b, 5);
  g_assert_true (memcmp (w_full, w_a, sizeof w_a) != 0);
  g_assert_true (memcmp (w_full, w_b, sizeof w_b) != 0);
}

static void
test_reset (void)
{
  Quadratic q;

  quadratic_init (&q, 13);
  for (size_t k = 0; k < G_N_ELEMENTS (variants); k++)
    {
      LbOptimizerConfig c;
      g_autoptr (LbOptimizer) used = NULL, fresh = NULL;
      float w_used[N] = { 0 }, w_fresh[N] = { 0 };

      variant_config (&variants[k], &c);
      used = lb_optimizer_new (&c, N);
      fresh = lb_optimizer_new (&c, N);
      run_steps (used, &q, w_used, 7);
      lb_optimizer_reset (used);
      g_assert_cmpuint (lb_optimizer_get_iterations (used), ==, 0);

      /* from the same point, a reset optimizer behaves like a new one */
      memcpy (w_fresh, w_used, sizeof w_fresh);
      run_steps (used, &q, w_used, 5);
      run_steps (fresh, &q, w_fresh, 5);
      g_assert_cmpmem (w_used, sizeof w_used, w_fresh, sizeof w_fresh);
    }
}

static void
test_large_vector (void)
{
  /* a length that is not a multiple of any vector width, checked against the reference of
   * the first N entries repeated: every element follows the same rule */
  enum { M = 1031 };
  LbOptimizerConfig c;
  g_autofree float *w = g_new (float, M);
  g_autofree float *g = g_new (float, M);
  LbRng rng;

  lb_rng_seed (&rng, 77);
  for (int kind = 0; kind < LB_N_OPTIMIZERS; kind++)
    {
      g_autoptr (LbOptimizer) opt = NULL;
      g_autoptr (LbOptimizer) small = NULL;
      float ws[N], gs[N];

      lb_optimizer_config_init (&c, kind);
      c.momentum = 0.9f;
      opt = lb_optimizer_new (&c, M);
      small = lb_optimizer_new (&c, N);
      for (int i = 0; i < M; i++)
        w[i] = (float) (i % N) / N - 0.5f;
      memcpy (ws, w, sizeof ws);
      for (int step = 0; step < 4; step++)
        {
          lb_test_fill_uniform (gs, N, &rng, -1.0f, 1.0f);
          for (int i = 0; i < M; i++)
            g[i] = gs[i % N];
          lb_optimizer_step (opt, w, g);
          lb_optimizer_step (small, ws, gs);
        }
      for (int i = 0; i < M; i++)
        g_assert_cmpfloat (w[i], ==, ws[i % N]);
    }
}

/* lb_optimizer_step_slice () over ranges cut at other places each step (as threads share the
 * vector), then _end (): the result of lb_optimizer_step (), bit for bit, slots and step count
 * included */
static void
test_slices (void)
{
  enum { M = 1003, STEPS = 6 };
  g_autoptr (GRand) rand = g_rand_new_with_seed (5);

  for (size_t k = 0; k < G_N_ELEMENTS (variants); k++)
    {
      LbOptimizerConfig c;
      g_autoptr (LbOptimizer) whole = NULL, sliced = NULL;
      g_autofree float *w1 = g_new (float, M);
      g_autofree float *w2 = g_new (float, M);
      g_autofree float *g = g_new (float, M);

      variant_config (&variants[k], &c);
      whole = lb_optimizer_new (&c, M);
      sliced = lb_optimizer_new (&c, M);
      for (int i = 0; i < M; i++)
        w1[i] = w2[i] = (float) g_rand_double_range (rand, -1, 1);
      for (int s = 0; s < STEPS; s++)
        {
          size_t lo = 0;

          for (int i = 0; i < M; i++)
            g[i] = (float) g_rand_double_range (rand, -2, 2) * (i % 7 == 0 ? 1e-30f : 1.0f);
          lb_optimizer_step (whole, w1, g);
          while (lo < M)
            {
              size_t len = (size_t) g_rand_int_range (rand, 1, 400);
              size_t hi = MIN ((size_t) M, lo + len);

              lb_optimizer_step_slice (sliced, w2, g, lo, hi);
              lo = hi;
            }
          lb_optimizer_step_end (sliced);
        }
      g_assert_cmpuint (lb_optimizer_get_iterations (sliced), ==, STEPS);
      g_assert_cmpmem (w1, M * sizeof (float), w2, M * sizeof (float));
      for (int sl = 0; sl < lb_optimizer_get_n_slots (whole); sl++)
        g_assert_cmpmem (lb_optimizer_get_slot (whole, sl), M * sizeof (float),
                         lb_optimizer_get_slot (sliced, sl), M * sizeof (float));
    }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/engine/optimizer/defaults", test_defaults);
  g_test_add_func ("/engine/optimizer/names", test_names);
  g_test_add_func ("/engine/optimizer/slots", test_slots);
  g_test_add_func ("/engine/optimizer/first-steps", test_first_steps_by_hand);
  g_test_add_func ("/engine/optimizer/sgd", test_sgd_rule);
  g_test_add_func ("/engine/optimizer/rmsprop", test_rmsprop_rule);
  g_test_add_func ("/engine/optimizer/adam", test_adam_rule);
  g_test_add_func ("/engine/optimizer/minimize", test_minimize_quadratic);
  g_test_add_func ("/engine/optimizer/resume", test_resume);
  g_test_add_func ("/engine/optimizer/resume-needs-state", test_resume_needs_state);
  g_test_add_func ("/engine/optimizer/reset", test_reset);
  g_test_add_func ("/engine/optimizer/large-vector", test_large_vector);
  g_test_add_func ("/engine/optimizer/slices", test_slices);

  return g_test_run ();
}
