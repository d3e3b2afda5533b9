/* model.c — the sequential model: config, build with shape inference, forward, backward
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <string.h>
#include <unistd.h>

#include "fpenv.h"
#include "gemm.h"
#include "lb-error.h"
#include "model.h"
#include "regularizer.h"

typedef struct _LbWorkers LbWorkers;

struct _LbModel
{
  LbModelConfig *config;
  int            n_layers;
  LbLayer      **layers;

  /* flat parameter buffers (llm.c style); layer params are views into them */
  size_t         n_params;
  size_t         n_state;
  float         *params;
  float         *grads;
  float         *state;

  /* per-batch buffers, sized by lb_model_reserve() */
  int            max_batch;
  float        **acts;          /* acts[i]: output of layer i, max_batch × out size (a
                                 * Flatten after another layer shares its input's buffer) */
  float         *dbuf[2];       /* ping-pong gradients between layers; one region per part
                                 * (the parts are at different layers at a time); allocated
                                 * by the first backward, for its batch (inference needs none) */
  size_t         dbuf_size;
  size_t         dbuf_part;     /* floats of a part's region */
  size_t         dbuf_row;      /* floats of the largest layer input or output */
  int            dbuf_batch;    /* batches dbuf holds */
  float         *workspace;     /* n_parts workspaces of workspace_size floats */
  size_t         workspace_size;
  int            last_batch;

  /* the order of a backward pass: where each layer's input gradient goes (dbuf 0 or 1,
   * −1: the caller's dx) and whose it reads (−1: dout); see plan_backward () */
  int           *dx_buf;
  int           *dy_from;

  /* parallel parts (see "parallel parts" below) */
  int            n_parts;       /* threads the buffers are reserved for (the caller's too) */
  int            n_chunks;      /* pieces of a full batch the threads share */
  int            asked_parts;   /* model_parts () when they were reserved */
  float         *part_grads;    /* (n_chunks − 1) × n_params: the gradients of pieces 1 … */
  LbWorkers     *workers;       /* n_parts − 1 threads; NULL for one */
};

/* ---- config ------------------------------------------------------------------------ */

LbModelConfig *
lb_model_config_new (const LbShape *input_shape)
{
  LbModelConfig *config = g_new0 (LbModelConfig, 1);

  if (input_shape)
    config->input_shape = *input_shape;
  config->layers = g_array_new (FALSE, TRUE, sizeof (LbLayerConfig));
  return config;
}

LbModelConfig *
lb_model_config_copy (const LbModelConfig *config)
{
  LbModelConfig *copy;

  g_return_val_if_fail (config != NULL, NULL);

  copy = lb_model_config_new (&config->input_shape);
  g_array_append_vals (copy->layers, config->layers->data, config->layers->len);
  return copy;
}

void
lb_model_config_free (LbModelConfig *config)
{
  if (config == NULL)
    return;
  g_array_unref (config->layers);
  g_free (config);
}

int
lb_model_config_n_layers (const LbModelConfig *config)
{
  return (int) config->layers->len;
}

LbLayerConfig *
lb_model_config_get (const LbModelConfig *config, int i)
{
  g_return_val_if_fail (i >= 0 && (guint) i < config->layers->len, NULL);
  return &g_array_index (config->layers, LbLayerConfig, i);
}

LbLayerConfig *
lb_model_config_append (LbModelConfig *config, LbLayerKind kind)
{
  LbLayerConfig layer;

  lb_layer_config_init (&layer, kind);
  g_array_append_val (config->layers, layer);
  return lb_model_config_get (config, (int) config->layers->len - 1);
}

void
lb_model_config_insert (LbModelConfig *config, int i, const LbLayerConfig *layer)
{
  g_return_if_fail (i >= 0 && (guint) i <= config->layers->len);
  g_array_insert_val (config->layers, i, *layer);
}

void
lb_model_config_remove (LbModelConfig *config, int i)
{
  g_return_if_fail (i >= 0 && (guint) i < config->layers->len);
  g_array_remove_index (config->layers, i);
}

static gboolean
name_taken (const LbModelConfig *config, const char *name, int except)
{
  for (guint i = 0; i < config->layers->len; i++)
    if ((int) i != except && strcmp (lb_model_config_get (config, (int) i)->name, name) == 0)
      return TRUE;
  return FALSE;
}

void
lb_model_config_assign_names (LbModelConfig *config)
{
  int counter[LB_N_LAYER_KINDS] = { 0 };

  for (guint i = 0; i < config->layers->len; i++)
    {
      LbLayerConfig *layer = lb_model_config_get (config, (int) i);

      if (layer->name[0] != '\0')
        continue;
      do
        g_snprintf (layer->name, sizeof layer->name, "%s_%d",
                    lb_layer_kind_snake (layer->kind), ++counter[layer->kind]);
      while (name_taken (config, layer->name, (int) i));
    }
}

gboolean
lb_model_config_equal (const LbModelConfig *a, const LbModelConfig *b)
{
  if (!lb_shape_equal (&a->input_shape, &b->input_shape) || a->layers->len != b->layers->len)
    return FALSE;
  for (guint i = 0; i < a->layers->len; i++)
    if (!lb_layer_config_equal (lb_model_config_get (a, (int) i), lb_model_config_get (b, (int) i)))
      return FALSE;
  return TRUE;
}

void
lb_compile_config_init (LbCompileConfig *compile, LbOptimizerKind optimizer, LbLoss loss)
{
  memset (compile, 0, sizeof *compile);
  lb_optimizer_config_init (&compile->optimizer, optimizer);
  compile->loss = loss;
}

gboolean
lb_compile_config_equal (const LbCompileConfig *a, const LbCompileConfig *b)
{
  const LbOptimizerConfig *x = &a->optimizer, *y = &b->optimizer;

  if (a->loss != b->loss || a->n_metrics != b->n_metrics)
    return FALSE;
  for (int i = 0; i < a->n_metrics; i++)
    if (a->metrics[i] != b->metrics[i])
      return FALSE;
  return x->kind == y->kind && x->learning_rate == y->learning_rate && x->momentum == y->momentum
         && !x->nesterov == !y->nesterov && x->rho == y->rho && x->beta_1 == y->beta_1
         && x->beta_2 == y->beta_2 && x->epsilon == y->epsilon;
}

void
lb_compile_config_add_metric (LbCompileConfig *compile, LbMetric metric)
{
  g_return_if_fail (compile->n_metrics < LB_MAX_METRICS);
  for (int i = 0; i < compile->n_metrics; i++)
    if (compile->metrics[i] == metric)
      return;
  compile->metrics[compile->n_metrics++] = metric;
}

/* ---- build --------------------------------------------------------------------------- */

static guint64
physical_memory (void)
{
  long pages = sysconf (_SC_PHYS_PAGES);
  long page = sysconf (_SC_PAGESIZE);

  if (pages <= 0 || page <= 0)
    return G_GUINT64_CONSTANT (8) << 30;
  return (guint64) pages * (guint64) page;
}

static char *
format_bytes (guint64 bytes)
{
  return g_format_size_full (bytes, G_FORMAT_SIZE_DEFAULT);
}

static gboolean
check_input_shape (const LbShape *s, GError **error)
{
  if (s->rank != 1 && s->rank != 3)
    {
      g_set_error (error, LB_ERROR, LB_ERROR_SHAPE,
                   "the model has no input shape: set it to the shape of one sample "
                   "(e.g. 28×28×1 for images, 10000 for vectors)");
      return FALSE;
    }
  for (int i = 0; i < s->rank; i++)
    if (s->dims[i] <= 0)
      {
        g_autofree char *str = lb_shape_to_string (s);
        g_set_error (error, LB_ERROR, LB_ERROR_SHAPE,
                     "the input shape %s has a dimension that is not positive", str);
        return FALSE;
      }
  return TRUE;
}

LbModel *
lb_model_new (const LbModelConfig *config, GError **error)
{
  g_autoptr (LbModel) model = NULL;
  LbShape shape;
  guint64 n_params = 0, n_state = 0, limit;
  size_t off = 0, soff = 0;

  g_return_val_if_fail (config != NULL, NULL);

  if (!check_input_shape (&config->input_shape, error))
    return NULL;
  if (config->layers->len == 0)
    {
      g_set_error (error, LB_ERROR, LB_ERROR_SHAPE,
                   "the model has no layers: add at least one Dense layer for the output");
      return NULL;
    }

  model = g_new0 (LbModel, 1);
  model->config = lb_model_config_copy (config);
  lb_model_config_assign_names (model->config);
  model->n_layers = lb_model_config_n_layers (model->config);
  model->layers = g_new0 (LbLayer *, model->n_layers);

  shape = config->input_shape;
  for (int i = 0; i < model->n_layers; i++)
    {
      const LbLayerConfig *lc = lb_model_config_get (model->config, i);
      LbLayer *layer;

      if (name_taken (model->config, lc->name, i))
        {
          g_set_error (error, LB_ERROR, LB_ERROR_INVALID_ARG,
                       "layer %d: the name “%s” is used by another layer; names must be unique",
                       i + 1, lc->name);
          return NULL;
        }
      layer = lb_layer_new (lc);
      if (layer == NULL)
        {
          g_set_error (error, LB_ERROR, LB_ERROR_UNSUPPORTED, "layer %d: %s is not available",
                       i + 1, lb_layer_kind_name (lc->kind));
          return NULL;
        }
      model->layers[i] = layer;
      layer->index = i;
      layer->in_shape = shape;
      if (!layer->klass->build (layer, &shape, error))
        return NULL;
      shape = layer->out_shape;
      n_params += lb_layer_count_params (layer, TRUE);
      n_state += lb_layer_count_params (layer, FALSE);
    }

  /* parameters, gradients and up to two optimizer slots: refuse what cannot fit */
  limit = physical_memory () / 10 * 8;
  if ((n_params * 4 + n_state) * sizeof (float) > limit)
    {
      g_autofree char *need = format_bytes ((n_params * 4 + n_state) * sizeof (float));
      g_autofree char *have = format_bytes (physical_memory ());
      g_set_error (error, LB_ERROR, LB_ERROR_NO_MEMORY,
                   "the model has %" G_GUINT64_FORMAT " parameters: with their gradients and "
                   "optimizer state they need %s, more than this machine's memory (%s) allows; "
                   "use fewer units or filters, or pool before Flatten", n_params, need, have);
      return NULL;
    }

  model->n_params = n_params;
  model->n_state = n_state;
  model->params = lb_alloc_floats (n_params);
  model->grads = lb_alloc_floats (n_params);
  model->state = lb_alloc_floats (n_state);
  if (!model->params || !model->grads || !model->state)
    {
      g_set_error (error, LB_ERROR, LB_ERROR_NO_MEMORY, "not enough memory for the parameters");
      return NULL;
    }
  for (int i = 0; i < model->n_layers; i++)
    for (int p = 0; p < model->layers[i]->n_params; p++)
      {
        LbParam *param = &model->layers[i]->params[p];

        if (param->trainable)
          {
            param->value = model->params + off;
            param->grad = model->grads + off;
            param->offset = off;
            off += param->size;
          }
        else
          {
            param->value = model->state + soff;
            param->grad = NULL;
            soff += param->size;
          }
      }
  return g_steal_pointer (&model);
}

static void workers_free (LbWorkers *w);

static void
release_batch_buffers (LbModel *model)
{
  if (model->acts)
    for (int i = 0; i < model->n_layers; i++)
      if (i == 0 || model->acts[i] != model->acts[i - 1])   /* shared by a Flatten */
        lb_free_floats (model->acts[i]);
  g_clear_pointer (&model->acts, g_free);
  g_clear_pointer (&model->dbuf[0], lb_free_floats);
  g_clear_pointer (&model->dbuf[1], lb_free_floats);
  model->dbuf_batch = 0;
  g_clear_pointer (&model->workspace, lb_free_floats);
  g_clear_pointer (&model->part_grads, lb_free_floats);
  g_clear_pointer (&model->workers, workers_free);
  model->max_batch = 0;
  model->n_parts = 0;
  model->n_chunks = 0;
  model->asked_parts = 0;
}

void
lb_model_free (LbModel *model)
{
  if (model == NULL)
    return;
  release_batch_buffers (model);
  if (model->layers)
    for (int i = 0; i < model->n_layers; i++)
      lb_layer_free (model->layers[i]);
  g_free (model->layers);
  g_free (model->dx_buf);
  g_free (model->dy_from);
  lb_free_floats (model->params);
  lb_free_floats (model->grads);
  lb_free_floats (model->state);
  lb_model_config_free (model->config);
  g_free (model);
}

void
lb_model_init_params (LbModel *model, LbRng *rng)
{
  g_return_if_fail (model != NULL && rng != NULL);

  for (int i = 0; i < model->n_layers; i++)
    {
      LbLayer *layer = model->layers[i];
      /* one stream per layer: a layer's initial weights do not depend on the layers before */
      LbRng layer_rng = lb_rng_fork (rng, (uint64_t) i);

      if (layer->klass->init_params)
        layer->klass->init_params (layer, &layer_rng);
    }
}

/* ---- accessors ------------------------------------------------------------------------ */

const LbModelConfig *lb_model_get_config (LbModel *model) { return model->config; }
int lb_model_n_layers (LbModel *model) { return model->n_layers; }
const LbShape *lb_model_input_shape (LbModel *model) { return &model->config->input_shape; }
size_t lb_model_n_trainable (LbModel *model) { return model->n_params; }
size_t lb_model_n_state (LbModel *model) { return model->n_state; }
float *lb_model_params (LbModel *model) { return model->params; }
float *lb_model_grads (LbModel *model) { return model->grads; }
float *lb_model_state (LbModel *model) { return model->state; }
int lb_model_reserved_batch (LbModel *model) { return model->max_batch; }

LbLayer *
lb_model_get_layer (LbModel *model, int i)
{
  g_return_val_if_fail (i >= 0 && i < model->n_layers, NULL);
  return model->layers[i];
}

const LbShape *
lb_model_output_shape (LbModel *model)
{
  return &model->layers[model->n_layers - 1]->out_shape;
}

size_t
lb_model_output_size (LbModel *model)
{
  return lb_shape_size (lb_model_output_shape (model));
}

LbActivation
lb_model_output_activation (LbModel *model)
{
  LbLayer *last = model->layers[model->n_layers - 1];

  return last->klass->output_activation ? last->klass->output_activation (last)
                                        : LB_ACTIVATION_LINEAR;
}

/* ---- parallel parts ------------------------------------------------------------------------
 *
 * A training step of a small model is many short loops (im2col, GEMMs of a few thousand rows,
 * bias, activations, pooling) that BLAS's own threads can only partly share. So a model whose
 * layers all work sample by sample splits each batch into contiguous parts ("chunks": one or
 * two per thread) and runs the whole forward pass, or the whole backward pass, of a chunk on
 * one thread (the caller's or one of n_parts − 1 workers of its own) with single-threaded
 * BLAS: two wake-ups per step instead of one per loop, and every loop shared. The threads
 * take the chunks in turn from a counter, so that when the machine is busy and a thread is
 * descheduled, the others do its share. Each chunk writes its rows of the activations and
 * gradients; per-sample scratch of a layer lives at the chunk's offset (LbPass.offset);
 * parameter gradients go to one vector per chunk, summed in chunk order at the end of
 * backward, so results are bit-identical from run to run for a thread count, whichever thread
 * ran which chunk.
 * BatchNormalization needs the statistics of the whole batch: a model with it runs as one
 * part and lets BLAS use the threads instead. */

#define SPIN_ROUNDS 2000   /* ~40 µs of polling (pause ≈ 20 ns) before sleeping */

typedef void (*PartFunc) (gpointer data, int part);

struct _LbWorkers
{
  int        n;            /* worker threads (parts 1 … n) */
  GThread  **threads;
  GMutex     lock;
  GCond      wake;
  GCond      done;
  GCond      barrier_cond;
  gint       generation;   /* one more per job */
  gint       pending;      /* workers still on the job */
  gint       barrier_count;
  gint       barrier_gen;
  gboolean   quit;
  PartFunc   func;
  gpointer   data;
  LbFpMode   fp_mode;      /* the caller's floating-point mode, for the job */
};

typedef struct
{
  LbWorkers *w;
  int        part;
} WorkerStart;

static inline void
cpu_relax (void)
{
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause ();
#endif
}

static gpointer
worker_main (gpointer data)
{
  WorkerStart *start = data;
  LbWorkers *w = start->w;
  int part = start->part;
  int seen = 0;

  g_free (start);
  for (;;)
    {
      int gen = g_atomic_int_get (&w->generation);

      /* the next job usually follows within microseconds (forward → loss → backward) */
      for (int i = 0; i < SPIN_ROUNDS && gen == seen; i++)
        {
          cpu_relax ();
          gen = g_atomic_int_get (&w->generation);
        }
      if (gen == seen)
        {
          g_mutex_lock (&w->lock);
          while ((gen = g_atomic_int_get (&w->generation)) == seen && !w->quit)
            g_cond_wait (&w->wake, &w->lock);
          g_mutex_unlock (&w->lock);
        }
      if (gen == seen)
        break;   /* quit */
      seen = gen;
      lb_fp_restore (w->fp_mode);
      w->func (w->data, part);
      if (g_atomic_int_dec_and_test (&w->pending))
        {
          g_mutex_lock (&w->lock);
          g_cond_signal (&w->done);
          g_mutex_unlock (&w->lock);
        }
    }
  return NULL;
}

static LbWorkers *
workers_new (int n)
{
  LbWorkers *w = g_new0 (LbWorkers, 1);

  g_mutex_init (&w->lock);
  g_cond_init (&w->wake);
  g_cond_init (&w->done);
  g_cond_init (&w->barrier_cond);
  w->n = n;
  w->threads = g_new0 (GThread *, n);
  for (int i = 0; i < n; i++)
    {
      WorkerStart *start = g_new (WorkerStart, 1);
      g_autofree char *name = g_strdup_printf ("lb-part-%d", i + 1);

      start->w = w;
      start->part = i + 1;
      w->threads[i] = g_thread_try_new (name, worker_main, start, NULL);
      if (w->threads[i] == NULL)
        {
          g_free (start);
          w->n = i;
          break;
        }
    }
  return w;
}

static void
workers_free (LbWorkers *w)
{
  if (w == NULL)
    return;
  g_mutex_lock (&w->lock);
  w->quit = TRUE;
  g_cond_broadcast (&w->wake);
  g_mutex_unlock (&w->lock);
  for (int i = 0; i < w->n; i++)
    g_thread_join (w->threads[i]);
  g_free (w->threads);
  g_mutex_clear (&w->lock);
  g_cond_clear (&w->wake);
  g_cond_clear (&w->done);
  g_cond_clear (&w->barrier_cond);
  g_free (w);
}

/* func (data, part) for every part 0 … n, part 0 on the calling thread; returns when all
 * are done */
static void
workers_run (LbWorkers *w, PartFunc func, gpointer data)
{
  w->func = func;
  w->data = data;
  /* the workers compute as the caller does (flush-to-zero while training: fpenv.h), so that
   * a result does not depend on which thread ran it */
  w->fp_mode = lb_fp_get_mode ();
  g_atomic_int_set (&w->pending, w->n);
  g_mutex_lock (&w->lock);
  g_atomic_int_inc (&w->generation);
  g_cond_broadcast (&w->wake);
  g_mutex_unlock (&w->lock);

  func (data, 0);

  for (int i = 0; i < SPIN_ROUNDS && g_atomic_int_get (&w->pending) > 0; i++)
    cpu_relax ();
  if (g_atomic_int_get (&w->pending) > 0)
    {
      g_mutex_lock (&w->lock);
      while (g_atomic_int_get (&w->pending) > 0)
        g_cond_wait (&w->done, &w->lock);
      g_mutex_unlock (&w->lock);
    }
}

/* inside a job: wait until every part has reached this point */
static void
workers_barrier (LbWorkers *w)
{
  int gen = g_atomic_int_get (&w->barrier_gen);

  if (g_atomic_int_add (&w->barrier_count, 1) == w->n)
    {
      g_atomic_int_set (&w->barrier_count, 0);
      g_mutex_lock (&w->lock);
      g_atomic_int_inc (&w->barrier_gen);
      g_cond_broadcast (&w->barrier_cond);
      g_mutex_unlock (&w->lock);
      return;
    }
  for (int i = 0; i < SPIN_ROUNDS && g_atomic_int_get (&w->barrier_gen) == gen; i++)
    cpu_relax ();
  if (g_atomic_int_get (&w->barrier_gen) == gen)
    {
      g_mutex_lock (&w->lock);
      while (g_atomic_int_get (&w->barrier_gen) == gen)
        g_cond_wait (&w->barrier_cond, &w->lock);
      g_mutex_unlock (&w->lock);
    }
}

/* TRUE if every layer computes each sample from that sample alone (and so can run on a part
 * of a batch): all kinds but BatchNormalization */
static gboolean
model_splits_batches (LbModel *model)
{
  for (int i = 0; i < model->n_layers; i++)
    if (model->layers[i]->config.kind == LB_LAYER_BATCH_NORMALIZATION)
      return FALSE;
  return TRUE;
}

/* Two chunks per thread when a step does much more work than summing one more gradient
 * vector costs (the convnet: ~4000 FLOPs per parameter per step), else one (the MLP, whose
 * 400k parameters would make the sum a fifth of its step). */
static int
chunks_per_thread (LbModel *model, int max_batch)
{
  double flops = 0.0;

  for (int i = 0; i < model->n_layers; i++)
    {
      LbLayer *l = model->layers[i];

      if (l->n_params > 0 && l->params[0].trainable)
        flops += 2.0 * (double) l->params[0].size
                 * (l->config.kind == LB_LAYER_CONV2D
                      ? (double) l->out_shape.dims[0] * l->out_shape.dims[1] : 1.0);
    }
  return flops * max_batch >= 2000.0 * (double) MAX (model->n_params, 1) ? 2 : 1;
}

/* the parts a model uses with the run's thread count */
static int
model_parts (LbModel *model)
{
  int threads = MIN (lb_gemm_get_threads (), (int) g_get_num_processors ());

  return model_splits_batches (model) ? MAX (threads, 1) : 1;
}

/* Max pooling right after a relu layer: its backward applies relu' too (where the pooled
 * maximum is > 0), and the relu layer takes that as its pre-activation gradient — one pass
 * over the big gradient of the conv output instead of two. */
static inline gboolean
relu_then_max_pool (LbModel *model, int i)
{
  LbLayer *below;

  if (i < 1 || model->layers[i]->config.kind != LB_LAYER_MAX_POOLING2D)
    return FALSE;
  below = model->layers[i - 1];
  return (below->config.kind == LB_LAYER_CONV2D || below->config.kind == LB_LAYER_ACTIVATION)
         && below->klass->output_activation != NULL
         && below->klass->output_activation (below) == LB_ACTIVATION_RELU;
}

/* a Flatten after another layer is a view of that layer's output */
static inline gboolean
is_view (LbModel *model, int i)
{
  return i > 0 && model->layers[i]->config.kind == LB_LAYER_FLATTEN;
}

/* Backward runs top-down; each layer writes its input gradient into one of the two ping-pong
 * buffers and the layer below reads it (a Flatten view passes it through untouched). */
static void
plan_backward (LbModel *model)
{
  int cur = -1, above = -1;

  if (model->dx_buf == NULL)
    {
      model->dx_buf = g_new (int, model->n_layers);
      model->dy_from = g_new (int, model->n_layers);
    }
  for (int i = model->n_layers - 1; i >= 0; i--)
    {
      model->dy_from[i] = above;
      model->dx_buf[i] = -1;
      if (is_view (model, i))
        continue;
      if (i > 0)
        {
          cur = cur == 0 ? 1 : 0;
          model->dx_buf[i] = cur;
        }
      above = i;
    }
}

/* ---- batch buffers ---------------------------------------------------------------------- */

/* For batches split in `chunks`: dbuf: floats of one thread's region of each gradient buffer
 * (a thread runs one chunk at a time); ws: of one thread's workspace */
static size_t dbuf_part_floats (size_t row, int batch, int chunks);

static void
batch_needs (LbModel *model, int max_batch, int chunks, size_t *acts, size_t *dbuf, size_t *ws)
{
  size_t in = lb_shape_size (&model->config->input_shape);
  int part_batch = (max_batch + chunks - 1) / chunks;

  *acts = 0;
  *dbuf = in;
  *ws = 0;
  for (int i = 0; i < model->n_layers; i++)
    {
      LbLayer *layer = model->layers[i];
      size_t out = lb_shape_size (&layer->out_shape);

      if (!is_view (model, i))
        *acts += out;
      *dbuf = MAX (*dbuf, out);
      if (layer->klass->workspace_size)
        *ws = MAX (*ws, layer->klass->workspace_size (layer, part_batch));
    }
  *acts *= (size_t) max_batch;
  *dbuf = dbuf_part_floats (*dbuf, max_batch, chunks);
  /* each part's workspace starts on a cache line */
  *ws = (*ws + 15) / 16 * 16;
}

static size_t
dbuf_part_floats (size_t row, int batch, int chunks)
{
  int part_batch = (batch + chunks - 1) / chunks;

  /* each part's region starts on a cache line */
  return (row * (size_t) part_batch + 15) / 16 * 16;
}

/* The gradient buffers for backward passes of `batch` samples (grown, never shrunk). */
static gboolean
ensure_dbuf (LbModel *model, int batch)
{
  size_t part;

  if (batch <= model->dbuf_batch)
    return TRUE;
  part = dbuf_part_floats (model->dbuf_row, batch, model->n_chunks);
  lb_free_floats (model->dbuf[0]);
  lb_free_floats (model->dbuf[1]);
  model->dbuf[0] = lb_alloc_floats (part * model->n_parts);
  model->dbuf[1] = lb_alloc_floats (part * model->n_parts);
  model->dbuf_batch = model->dbuf[0] && model->dbuf[1] ? batch : 0;
  model->dbuf_part = part;
  model->dbuf_size = part * model->n_parts;
  return model->dbuf_batch > 0;
}

static guint64
memory_estimate (LbModel *model, int max_batch, int parts)
{
  size_t acts, dbuf, ws;
  int chunks = parts > 1 ? parts * chunks_per_thread (model, max_batch) : 1;

  batch_needs (model, max_batch, chunks, &acts, &dbuf, &ws);
  return ((guint64) model->n_params * (4 + (chunks - 1)) + model->n_state + acts
          + ((guint64) 2 * dbuf + ws) * parts) * sizeof (float);
}

guint64
lb_model_memory_estimate (LbModel *model, int max_batch)
{
  return memory_estimate (model, max_batch, model_parts (model));
}

gboolean
lb_model_reserve (LbModel *model, int max_batch, GError **error)
{
  size_t acts, dbuf, ws;
  guint64 need, limit;
  int asked, parts, chunks;

  g_return_val_if_fail (model != NULL, FALSE);
  g_return_val_if_fail (max_batch > 0, FALSE);

  asked = parts = model_parts (model);
  if (max_batch <= model->max_batch && asked == model->asked_parts)
    return TRUE;
  max_batch = MAX (max_batch, model->max_batch);

  need = memory_estimate (model, max_batch, parts);
  limit = physical_memory () / 10 * 8;
  if (need > limit)
    {
      g_autofree char *need_s = format_bytes (need);
      g_autofree char *have_s = format_bytes (physical_memory ());
      g_set_error (error, LB_ERROR, LB_ERROR_NO_MEMORY,
                   "training with batches of %d needs %s for parameters, activations and "
                   "workspace, more than this machine's memory (%s) allows; use a smaller batch "
                   "size or a smaller model", max_batch, need_s, have_s);
      return FALSE;
    }

  release_batch_buffers (model);
  if (parts > 1)
    {
      model->workers = workers_new (parts - 1);
      /* threads that could not start: fewer parts */
      parts = model->workers->n + 1;
      if (parts == 1)
        g_clear_pointer (&model->workers, workers_free);
    }
  chunks = parts > 1 ? parts * chunks_per_thread (model, max_batch) : 1;
  batch_needs (model, max_batch, chunks, &acts, &dbuf, &ws);
  model->dbuf_row = 0;
  for (int i = 0; i < model->n_layers; i++)
    model->dbuf_row = MAX (model->dbuf_row, lb_shape_size (&model->layers[i]->out_shape));
  model->dbuf_row = MAX (model->dbuf_row, lb_shape_size (&model->config->input_shape));
  model->acts = g_new0 (float *, model->n_layers);
  for (int i = 0; i < model->n_layers; i++)
    {
      if (is_view (model, i))
        {
          model->acts[i] = model->acts[i - 1];
          continue;
        }
      model->acts[i] = lb_alloc_floats ((size_t) max_batch * lb_shape_size (&model->layers[i]->out_shape));
      if (model->acts[i] == NULL)
        goto oom;
    }
  model->workspace = lb_alloc_floats (ws * parts);
  model->workspace_size = ws;
  if (!model->workspace)
    goto oom;
  if (chunks > 1)
    {
      model->part_grads = lb_alloc_floats (model->n_params * (size_t) (chunks - 1));
      if (model->part_grads == NULL)
        goto oom;
    }

  for (int i = 0; i < model->n_layers; i++)
    {
      LbLayer *layer = model->layers[i];

      if (layer->klass->reserve && !layer->klass->reserve (layer, max_batch, error))
        {
          release_batch_buffers (model);
          return FALSE;
        }
      layer->max_batch = max_batch;
    }
  model->max_batch = max_batch;
  model->asked_parts = asked;
  model->n_parts = parts;
  model->n_chunks = chunks;
  plan_backward (model);
  return TRUE;

oom:
  release_batch_buffers (model);
  g_set_error (error, LB_ERROR, LB_ERROR_NO_MEMORY,
               "not enough memory for batches of %d samples", max_batch);
  return FALSE;
}

/* ---- forward / backward ------------------------------------------------------------------ */

typedef struct
{
  LbModel            *model;
  int                 chunks;       /* ≤ model->n_chunks, ≤ batch */
  gint                next;         /* the next chunk to take */
  int                 batch;
  const float        *x;            /* NULL with sparse rows */
  const LbSparseRows *sx;
  gboolean            training;
  gboolean            has_rng;
  LbRng               rng;          /* the state every part starts from … */
  LbRng               rng_end;      /* … and the state after the pass (part 0's) */
  const float        *dout;
  float              *dx;
} Job;

static inline void
chunk_bounds (const Job *job, int chunk, int *b0, int *b1)
{
  *b0 = (int) ((gint64) job->batch * chunk / job->chunks);
  *b1 = (int) ((gint64) job->batch * (chunk + 1) / job->chunks);
}

/* the next chunk for a thread to run, or −1 */
static inline int
take_chunk (Job *job)
{
  int c = g_atomic_int_add (&job->next, 1);

  return c < job->chunks ? c : -1;
}

/* the pass of chunk `chunk` run by thread `part` */
static void
init_pass (const Job *job, int part, int chunk, LbPass *pass, LbRng *rng)
{
  LbModel *model = job->model;

  memset (pass, 0, sizeof *pass);
  pass->training = job->training;
  pass->workspace = model->workspace + model->workspace_size * (size_t) part;
  pass->grads = chunk > 0 ? model->part_grads + model->n_params * (size_t) (chunk - 1) : NULL;
  *rng = job->rng;
  pass->rng = job->has_rng ? rng : NULL;
}

/* forward of layer i over the samples [b0, b0 + n) of the batch */
static void
forward_layer (const Job *job, LbPass *pass, int i, int b0, int n)
{
  LbModel *model = job->model;
  LbLayer *layer = model->layers[i];
  const float *in;
  LbSparseRows rows;

  if (is_view (model, i))
    return;
  pass->batch = n;
  pass->offset = b0;
  pass->sparse_x = NULL;
  if (i > 0)
    in = model->acts[i - 1] + (size_t) b0 * lb_shape_size (&layer->in_shape);
  else if (job->sx != NULL)
    {
      rows.indptr = job->sx->indptr + b0;
      rows.indices = job->sx->indices;
      rows.values = job->sx->values;
      pass->sparse_x = &rows;
      in = NULL;
    }
  else
    in = job->x + (size_t) b0 * lb_shape_size (&layer->in_shape);
  layer->klass->forward (layer, pass, in,
                         model->acts[i] + (size_t) b0 * lb_shape_size (&layer->out_shape));
}

static void
forward_part (gpointer data, int part)
{
  Job *job = data;
  LbModel *model = job->model;
  int b0, b1, chunk;
  LbRng rng;
  LbPass pass;

  while ((chunk = take_chunk (job)) >= 0)
    {
      init_pass (job, part, chunk, &pass, &rng);
      chunk_bounds (job, chunk, &b0, &b1);
      for (int i = 0; i < model->n_layers; i++)
        forward_layer (job, &pass, i, b0, b1 - b0);
      /* every chunk draws alike: keep one's end state */
      if (chunk == 0)
        job->rng_end = rng;
    }
}

/* backward of layer i over the samples [b0, b0 + n) of the chunk that starts at pb0, on
 * thread `part` (whose region of the gradient buffers it uses) */
static void
backward_layer (const Job *job, LbPass *pass, int part, int pb0, int i, int b0, int n)
{
  LbModel *model = job->model;
  LbLayer *layer = model->layers[i];
  size_t in_n = lb_shape_size (&layer->in_shape), out_n = lb_shape_size (&layer->out_shape);
  int from = model->dy_from[i];
  const float *in, *dy;
  float *dx;
  LbSparseRows rows;

  if (is_view (model, i))
    return;
  pass->batch = n;
  pass->offset = b0;
  pass->sparse_x = NULL;
  pass->input_relu = relu_then_max_pool (model, i);
  /* dy: dout, or the input gradient of the layer above, in this part's region */
  if (from < 0)
    dy = job->dout + (size_t) b0 * out_n;
  else
    dy = model->dbuf[model->dx_buf[from]] + model->dbuf_part * (size_t) part
         + (size_t) (b0 - pb0) * out_n;
  if (i > 0)
    {
      in = model->acts[i - 1] + (size_t) b0 * in_n;
      dx = model->dbuf[model->dx_buf[i]] + model->dbuf_part * (size_t) part
           + (size_t) (b0 - pb0) * in_n;
    }
  else
    {
      dx = job->dx != NULL ? job->dx + (size_t) b0 * in_n : NULL;
      in = job->x != NULL ? job->x + (size_t) b0 * in_n : NULL;
      if (job->sx != NULL)
        {
          rows.indptr = job->sx->indptr + b0;
          rows.indices = job->sx->indices;
          rows.values = job->sx->values;
          pass->sparse_x = &rows;
        }
    }
  layer->klass->backward (layer, pass, in, model->acts[i] + (size_t) b0 * out_n, dy, dx);
}

static void
backward_part (gpointer data, int part)
{
  Job *job = data;
  LbModel *model = job->model;
  LbRng rng;
  LbPass pass;
  int chunk;

  while ((chunk = take_chunk (job)) >= 0)
    {
      int b0, b1;

      init_pass (job, part, chunk, &pass, &rng);
      pass.rng = NULL;
      chunk_bounds (job, chunk, &b0, &b1);
      for (int i = model->n_layers - 1; i >= 0; i--)
        backward_layer (job, &pass, part, b0, i, b0, b1 - b0);
    }

  if (job->chunks > 1)
    {
      /* dL/dθ = Σ over the chunks, in chunk order; each thread sums a slice */
      size_t n = model->n_params;
      int threads = model->workers != NULL ? model->workers->n + 1 : 1;
      size_t lo = n * (size_t) part / (size_t) threads;
      size_t hi = n * (size_t) (part + 1) / (size_t) threads;

      if (model->workers != NULL)
        workers_barrier (model->workers);
      for (int p = 1; p < job->chunks; p++)
        {
          const float *g = model->part_grads + n * (size_t) (p - 1);

          for (size_t k = lo; k < hi; k++)
            model->grads[k] += g[k];
        }
    }
}

static void
run_job (LbModel *model, Job *job, PartFunc func)
{
  /* BLAS gets the threads only when the model does not split batches */
  lb_gemm_set_blas_threads (model->n_parts > 1 ? 1 : 0);
  g_atomic_int_set (&job->next, 0);
  if (job->chunks > 1 && model->workers != NULL)
    workers_run (model->workers, func, job);
  else
    func (job, 0);
}

static const float *
forward (LbModel *model, const float *x, const LbSparseRows *sx, int batch, gboolean training,
         LbRng *rng)
{
  Job job = { 0 };

  job.model = model;
  job.chunks = MIN (model->n_chunks, batch);
  job.batch = batch;
  job.x = x;
  job.sx = sx;
  job.training = training;
  job.has_rng = rng != NULL;
  if (rng != NULL)
    job.rng = *rng;
  run_job (model, &job, forward_part);
  if (rng != NULL)
    *rng = job.rng_end;
  model->last_batch = batch;
  return model->acts[model->n_layers - 1];
}

static void
backward (LbModel *model, const float *x, const LbSparseRows *sx, const float *dout,
          gboolean fused, float *dx)
{
  LbLayer *last = model->layers[model->n_layers - 1];
  Job job = { 0 };

  job.model = model;
  job.chunks = MIN (model->n_chunks, model->last_batch);
  job.batch = model->last_batch;
  job.x = x;
  job.sx = sx;
  job.training = TRUE;
  job.dout = dout;
  job.dx = dx;
  if (!ensure_dbuf (model, job.batch))
    {
      g_critical ("lb_model_backward: not enough memory for the gradients of %d samples",
                  job.batch);
      return;
    }
  /* set once, outside the parts: every part reads them */
  for (int i = 1; i < model->n_layers; i++)
    if (relu_then_max_pool (model, i))
      model->layers[i - 1]->fused_output_grad = TRUE;
  last->fused_output_grad = fused;
  run_job (model, &job, backward_part);
  for (int i = 0; i < model->n_layers; i++)
    model->layers[i]->fused_output_grad = FALSE;
}

const float *
lb_model_forward (LbModel *model, const float *x, int batch, gboolean training, LbRng *rng)
{
  g_return_val_if_fail (model != NULL && x != NULL, NULL);
  g_return_val_if_fail (batch > 0 && batch <= model->max_batch, NULL);

  return forward (model, x, NULL, batch, training, rng);
}

gboolean
lb_model_accepts_sparse (LbModel *model)
{
  g_return_val_if_fail (model != NULL, FALSE);

  return model->layers[0]->config.kind == LB_LAYER_DENSE;
}

const float *
lb_model_forward_sparse (LbModel *model, const LbSparseRows *x, int batch, gboolean training,
                         LbRng *rng)
{
  g_return_val_if_fail (model != NULL && x != NULL, NULL);
  g_return_val_if_fail (lb_model_accepts_sparse (model), NULL);
  g_return_val_if_fail (batch > 0 && batch <= model->max_batch, NULL);

  return forward (model, NULL, x, batch, training, rng);
}

const float *
lb_model_layer_output (LbModel *model, int i)
{
  g_return_val_if_fail (i >= 0 && i < model->n_layers && model->acts, NULL);
  return model->acts[i];
}

void
lb_model_backward (LbModel *model, const float *x, const float *dout, gboolean fused, float *dx)
{
  g_return_if_fail (model != NULL && x != NULL && dout != NULL);
  g_return_if_fail (model->last_batch > 0);

  backward (model, x, NULL, dout, fused, dx);
}

/* ---- parameter slices ------------------------------------------------------------------ */

#define MIN_SLICE 16384   /* floats: below this a thread's wake-up costs more than it saves */

typedef struct
{
  LbModel     *model;
  LbSliceFunc  func;
  gpointer     data;
  int          threads;
} SliceJob;

static void
slice_part (gpointer data, int part)
{
  SliceJob *job = data;
  size_t n = job->model->n_params;
  /* bounds on multiples of 16 floats (64 bytes), so that no cache line is written by two */
  size_t lo = n * (size_t) part / (size_t) job->threads / 16 * 16;
  size_t hi = part + 1 == job->threads ? n : n * (size_t) (part + 1) / (size_t) job->threads / 16 * 16;

  if (lo < hi)
    job->func (job->data, lo, hi);
}

void
lb_model_for_param_slices (LbModel *model, LbSliceFunc func, gpointer data)
{
  SliceJob job = { model, func, data, 1 };

  g_return_if_fail (model != NULL && func != NULL);

  if (model->workers != NULL && model->n_params >= 2 * MIN_SLICE)
    {
      job.threads = (int) MIN ((size_t) model->workers->n + 1, model->n_params / MIN_SLICE);
      if (job.threads == model->workers->n + 1)
        {
          workers_run (model->workers, slice_part, &job);
          return;
        }
    }
  job.threads = 1;
  slice_part (&job, 0);
}

void
lb_model_backward_sparse (LbModel *model, const LbSparseRows *x, const float *dout,
                          gboolean fused)
{
  g_return_if_fail (model != NULL && x != NULL && dout != NULL);
  g_return_if_fail (lb_model_accepts_sparse (model));
  g_return_if_fail (model->last_batch > 0);

  backward (model, NULL, x, dout, fused, NULL);
}

/* ---- regularization ---------------------------------------------------------------------- */

gboolean
lb_model_has_regularizers (LbModel *model)
{
  for (int i = 0; i < model->n_layers; i++)
    {
      const LbLayerConfig *c = &model->layers[i]->config;
      if ((c->l1 > 0.0f || c->l2 > 0.0f) && lb_layer_kind_has_kernel (c->kind))
        return TRUE;
    }
  return FALSE;
}

double
lb_model_penalty (LbModel *model)
{
  double total = 0.0;

  for (int i = 0; i < model->n_layers; i++)
    {
      LbLayer *layer = model->layers[i];
      const LbLayerConfig *c = &layer->config;

      if (c->l1 <= 0.0f && c->l2 <= 0.0f)
        continue;
      for (int p = 0; p < layer->n_params; p++)
        if (layer->params[p].regularized)
          total += lb_regularizer_penalty (c->l1, c->l2, layer->params[p].value, layer->params[p].size);
    }
  return total;
}

void
lb_model_add_penalty_grad (LbModel *model)
{
  for (int i = 0; i < model->n_layers; i++)
    {
      LbLayer *layer = model->layers[i];
      const LbLayerConfig *c = &layer->config;

      if (c->l1 <= 0.0f && c->l2 <= 0.0f)
        continue;
      for (int p = 0; p < layer->n_params; p++)
        if (layer->params[p].regularized && layer->params[p].grad)
          lb_regularizer_add_grad (c->l1, c->l2, layer->params[p].value, layer->params[p].grad,
                                   layer->params[p].size);
    }
}

/* ---- summary ------------------------------------------------------------------------------- */

static char *
keras_shape (const LbShape *s)
{
  GString *str = g_string_new ("(None");

  for (int i = 0; i < s->rank; i++)
    g_string_append_printf (str, ", %d", s->dims[i]);
  g_string_append_c (str, ')');
  return g_string_free (str, FALSE);
}

static char *
thousands (guint64 n)
{
  g_autofree char *digits = g_strdup_printf ("%" G_GUINT64_FORMAT, n);
  GString *out = g_string_new (NULL);
  size_t len = strlen (digits);

  for (size_t i = 0; i < len; i++)
    {
      if (i > 0 && (len - i) % 3 == 0)
        g_string_append_c (out, ',');
      g_string_append_c (out, digits[i]);
    }
  return g_string_free (out, FALSE);
}

char *
lb_model_summary (LbModel *model)
{
  GString *s = g_string_new (NULL);
  const char *rule = "_________________________________________________________________\n";
  const char *dbl = "=================================================================\n";
  g_autofree char *total = thousands (model->n_params + model->n_state);
  g_autofree char *trainable = thousands (model->n_params);
  g_autofree char *non_trainable = thousands (model->n_state);
  g_autofree char *in = keras_shape (&model->config->input_shape);

  g_string_append (s, "Model: \"sequential\"\n");
  g_string_append (s, rule);
  g_string_append_printf (s, " %-28s%-26s%s\n", "Layer (type)", "Output Shape", "Param #");
  g_string_append (s, dbl);
  g_string_append_printf (s, " %-28s%-26s%s\n", "input (InputLayer)", in, "0");
  g_string_append (s, "\n");
  for (int i = 0; i < model->n_layers; i++)
    {
      LbLayer *layer = model->layers[i];
      g_autofree char *name = g_strdup_printf ("%s (%s)", layer->config.name,
                                               lb_layer_kind_name (layer->config.kind));
      g_autofree char *shape = keras_shape (&layer->out_shape);
      g_autofree char *count = thousands (lb_layer_count_params (layer, TRUE)
                                          + lb_layer_count_params (layer, FALSE));

      g_string_append_printf (s, " %-28s%-26s%s\n", name, shape, count);
      if (i + 1 < model->n_layers)
        g_string_append (s, "\n");
    }
  g_string_append (s, dbl);
  g_string_append_printf (s, "Total params: %s\n", total);
  g_string_append_printf (s, "Trainable params: %s\n", trainable);
  g_string_append_printf (s, "Non-trainable params: %s\n", non_trainable);
  g_string_append (s, rule);
  return g_string_free (s, FALSE);
}

void
lb_model_copy_weights (LbModel *dst, LbModel *src)
{
  g_return_if_fail (dst->n_params == src->n_params && dst->n_state == src->n_state);

  memcpy (dst->params, src->params, src->n_params * sizeof (float));
  memcpy (dst->state, src->state, src->n_state * sizeof (float));
}
