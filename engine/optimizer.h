/* optimizer.h — SGD (momentum, Nesterov), RMSprop, Adam with Keras defaults
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The optimizer works on the model's flat vector of trainable parameters. Its slots (momenta,
 * moving averages) are flat vectors too, so they can be saved and restored for resuming.
 * Update rules (tf.keras):
 *   SGD       v = m·v − lr·g ; w += v            (nesterov: w += m·v − lr·g); m = 0: w −= lr·g
 *   RMSprop   a = ρ·a + (1−ρ)·g² ; w −= lr·g / (√a + ε)
 *   Adam      m = β1·m + (1−β1)·g ; v = β2·v + (1−β2)·g² ;
 *             w −= lr·√(1−β2ᵗ)/(1−β1ᵗ) · m / (√v + ε)
 */
#pragma once

#include <glib.h>
#include <stddef.h>
#include <stdint.h>

G_BEGIN_DECLS

typedef enum
{
  LB_OPTIMIZER_SGD,
  LB_OPTIMIZER_RMSPROP,
  LB_OPTIMIZER_ADAM,
  LB_N_OPTIMIZERS
} LbOptimizerKind;

typedef struct
{
  LbOptimizerKind kind;
  float    learning_rate;
  float    momentum;       /* SGD */
  gboolean nesterov;       /* SGD */
  float    rho;            /* RMSprop */
  float    beta_1;         /* Adam */
  float    beta_2;         /* Adam */
  float    epsilon;        /* RMSprop, Adam */
} LbOptimizerConfig;

/* Keras defaults: SGD lr 0.01; RMSprop lr 0.001 ρ 0.9 ε 1e-7; Adam lr 0.001 0.9 0.999 1e-7 */
void        lb_optimizer_config_init (LbOptimizerConfig *config, LbOptimizerKind kind);
const char *lb_optimizer_kind_name   (LbOptimizerKind kind);     /* "rmsprop" */
gboolean    lb_optimizer_kind_from_name (const char *name, LbOptimizerKind *out);

typedef struct _LbOptimizer LbOptimizer;

LbOptimizer *lb_optimizer_new   (const LbOptimizerConfig *config, size_t n_params);
void         lb_optimizer_free  (LbOptimizer *opt);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (LbOptimizer, lb_optimizer_free)
const LbOptimizerConfig *lb_optimizer_get_config (LbOptimizer *opt);
void         lb_optimizer_reset (LbOptimizer *opt);              /* zero slots and step */
/* one update of w (n_params floats) from g */
void         lb_optimizer_step  (LbOptimizer *opt, float *w, const float *g);
/* The same update shared by threads: lb_optimizer_step_slice () of disjoint ranges [lo, hi)
 * that cover 0 … n_params (each element's update depends on that element only, so the result
 * is lb_optimizer_step ()'s, bit for bit), then lb_optimizer_step_end () once. */
void         lb_optimizer_step_slice (LbOptimizer *opt, float *w, const float *g,
                                      size_t lo, size_t hi);
void         lb_optimizer_step_end   (LbOptimizer *opt);
uint64_t     lb_optimizer_get_iterations (LbOptimizer *opt);

/* Slots, for saving/restoring optimizer state: n_slots vectors of n_params floats each
 * (SGD with momentum 1, RMSprop 1, Adam 2, plain SGD 0). */
int          lb_optimizer_get_n_slots (LbOptimizer *opt);
float       *lb_optimizer_get_slot    (LbOptimizer *opt, int i);
const char  *lb_optimizer_get_slot_name (LbOptimizer *opt, int i); /* "momentum", "rms", "m", "v" */
void         lb_optimizer_set_iterations (LbOptimizer *opt, uint64_t t);

G_END_DECLS
