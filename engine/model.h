/* model.h — the sequential model: config, build with shape inference, forward, backward
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Memory (llm.c style): one flat buffer of trainable parameters, one of their gradients and
 * one of non-trainable state (BatchNormalization moving statistics); layer parameters are
 * views into them. Activations, their gradients and one shared workspace are allocated by
 * lb_model_reserve() for a maximum batch size and reused for every batch.
 *
 * Threads: a model splits each batch into parts run on threads of its own (as many as
 * lb_gemm_get_threads (), with single-threaded BLAS), except when a layer needs the whole
 * batch at once (BatchNormalization): then BLAS gets the threads. Results are bit-identical
 * from run to run for the same thread count.
 */
#pragma once

#include <glib.h>

#include "layer.h"
#include "loss.h"
#include "metric.h"
#include "optimizer.h"

G_BEGIN_DECLS

typedef struct
{
  LbShape  input_shape;
  GArray  *layers;          /* of LbLayerConfig */
} LbModelConfig;

LbModelConfig *lb_model_config_new    (const LbShape *input_shape);
LbModelConfig *lb_model_config_copy   (const LbModelConfig *config);
void           lb_model_config_free   (LbModelConfig *config);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (LbModelConfig, lb_model_config_free)
int            lb_model_config_n_layers (const LbModelConfig *config);
LbLayerConfig *lb_model_config_get    (const LbModelConfig *config, int i);
/* append a layer of `kind` with Keras defaults; returns it for editing */
LbLayerConfig *lb_model_config_append (LbModelConfig *config, LbLayerKind kind);
void           lb_model_config_insert (LbModelConfig *config, int i, const LbLayerConfig *layer);
void           lb_model_config_remove (LbModelConfig *config, int i);
/* give every unnamed layer a unique Keras-style name (conv2d_1, dense_1, dense_2 …) */
void           lb_model_config_assign_names (LbModelConfig *config);
gboolean       lb_model_config_equal  (const LbModelConfig *a, const LbModelConfig *b);

#define LB_MAX_METRICS 4

typedef struct
{
  LbOptimizerConfig optimizer;
  LbLoss            loss;
  int               n_metrics;
  LbMetric          metrics[LB_MAX_METRICS];   /* resolved against the loss by the trainer */
} LbCompileConfig;

void lb_compile_config_init (LbCompileConfig *compile, LbOptimizerKind optimizer, LbLoss loss);
void lb_compile_config_add_metric (LbCompileConfig *compile, LbMetric metric);
/* field-by-field equality (unused metric slots and padding ignored) */
gboolean lb_compile_config_equal (const LbCompileConfig *a, const LbCompileConfig *b);

typedef struct _LbModel LbModel;

/* Build: name the layers, infer every shape, validate, allocate parameters (zeroed).
 * A layer that does not fit gets an LB_ERROR_SHAPE naming it, the shapes and the fix. */
LbModel  *lb_model_new   (const LbModelConfig *config, GError **error);
void      lb_model_free  (LbModel *model);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (LbModel, lb_model_free)

/* Keras initialization of every layer from rng */
void      lb_model_init_params (LbModel *model, LbRng *rng);

const LbModelConfig *lb_model_get_config (LbModel *model);  /* with names assigned */
int       lb_model_n_layers      (LbModel *model);
LbLayer  *lb_model_get_layer     (LbModel *model, int i);
const LbShape *lb_model_input_shape  (LbModel *model);
const LbShape *lb_model_output_shape (LbModel *model);
size_t    lb_model_output_size   (LbModel *model);   /* floats per sample */

/* flat parameter vectors */
size_t    lb_model_n_trainable   (LbModel *model);
size_t    lb_model_n_state       (LbModel *model);   /* non-trainable */
float    *lb_model_params        (LbModel *model);
float    *lb_model_grads         (LbModel *model);
float    *lb_model_state         (LbModel *model);

/* Allocate activations and workspace for batches of up to max_batch samples. Refuses,
 * before allocating, a model whose buffers would not fit in memory (the message gives the
 * figure). Called by the trainer; cheap when already reserved for at least max_batch. */
gboolean  lb_model_reserve       (LbModel *model, int max_batch, GError **error);
int       lb_model_reserved_batch (LbModel *model);
/* bytes that parameters, gradients, activations and workspace take for max_batch */
guint64   lb_model_memory_estimate (LbModel *model, int max_batch);

/* y = model(x) for `batch` samples (batch ≤ reserved). Returns the output buffer
 * (batch × output_size floats), owned by the model and valid until the next forward. */
const float *lb_model_forward    (LbModel *model, const float *x, int batch, gboolean training,
                                  LbRng *rng);
/* The same with the input given as sparse rows (multi-hot text: CSR, see layer.h), for a
 * model whose first layer is Dense (lb_model_accepts_sparse ()): that layer multiplies only
 * the nonzeros and the dense batch is never built. */
gboolean     lb_model_accepts_sparse (LbModel *model);
const float *lb_model_forward_sparse (LbModel *model, const LbSparseRows *x, int batch,
                                      gboolean training, LbRng *rng);
/* Output of layer i from the last forward (batch × lb_shape_size (out_shape)). */
const float *lb_model_layer_output (LbModel *model, int i);

/* Backward pass after a forward of the same batch: dout is dL/d(model output), or with
 * fused == TRUE dL/d(pre-activation of the last layer). Writes all parameter gradients.
 * If dx is not NULL the gradient with respect to the input is written there too. */
void      lb_model_backward      (LbModel *model, const float *x, const float *dout,
                                  gboolean fused, float *dx);
/* after lb_model_forward_sparse () of the same rows (no input gradient) */
void      lb_model_backward_sparse (LbModel *model, const LbSparseRows *x, const float *dout,
                                    gboolean fused);

/* func (data, lo, hi) over disjoint slices [lo, hi) that cover the trainable parameters
 * 0 … lb_model_n_trainable (), shared by the model's threads when it has them and the vector
 * is long enough to be worth it (the optimizer's update: lb_optimizer_step_slice ()). Slices
 * start on cache lines. Returns when all are done. */
typedef void (*LbSliceFunc) (gpointer data, size_t lo, size_t hi);
void      lb_model_for_param_slices (LbModel *model, LbSliceFunc func, gpointer data);

/* the kernel regularizers: total penalty, and its gradient added to the grads */
double    lb_model_penalty       (LbModel *model);
void      lb_model_add_penalty_grad (LbModel *model);
gboolean  lb_model_has_regularizers (LbModel *model);

/* The output activation of the last layer (LINEAR if none) */
LbActivation lb_model_output_activation (LbModel *model);

/* Keras-like summary: Layer (type) | Output Shape | Param #, then totals. Newly allocated. */
char     *lb_model_summary       (LbModel *model);

/* Copy parameters and state from another model built from an equal config. */
void      lb_model_copy_weights  (LbModel *dst, LbModel *src);

G_END_DECLS
