/* trainer.c — the fit loop: batches, validation, events, pause/cancel, NaN guard, best epoch
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <math.h>
#include <string.h>

#include "fpenv.h"
#include "gemm.h"
#include "lb-error.h"
#include "trainer.h"

/* A batch of sparse input rows gathered from a sparse data set */
typedef struct
{
  uint64_t     *indptr;     /* rows + 1 */
  uint32_t     *indices;
  float        *values;     /* NULL when the data set's values are all ones */
  int           rows_cap;
  size_t        nnz_cap;
  LbSparseRows  rows;
} SparseBatch;

struct _LbTrainer
{
  LbModel           *model;           /* borrowed */
  LbCompileConfig    compile;         /* metrics resolved against the loss */
  LbFitConfig        fit;
  LbOptimizer       *optimizer;
  LbTrainerCallbacks callbacks;
  LbBatchTransform   transform;
  gpointer           transform_data;

  LbRng              shuffle_rng;
  LbRng              dropout_rng;
  LbRng              transform_rng;

  /* controls, touched from other threads */
  gint               cancel;
  const gint        *external_cancel;
  GMutex             lock;
  GCond              cond;
  gboolean           paused;

  /* best epoch */
  float             *best_params;
  float             *best_state;
  int                best_epoch;
  double             best_value;

  int                epoch;           /* epochs completed */

  /* per-batch buffers */
  int                buf_batch;
  float             *x;               /* dense inputs (NULL while only sparse rows are used) */
  float             *y;
  float             *dout;
  float             *snapshot;        /* parameters at the start of the epoch (NaN guard) */
  float             *snapshot_state;

  /* sparse inputs (see "sparse inputs" below) */
  SparseBatch        sparse;
  LbDataset         *csr_copy;        /* CSR rows of a dense, mostly-zero training set … */
  LbDataset         *csr_of;          /* … of this one (a reference) */
};

void
lb_fit_config_init (LbFitConfig *fit)
{
  memset (fit, 0, sizeof *fit);
  fit->epochs = 10;
  fit->batch_size = 32;
  fit->shuffle = TRUE;
  fit->seed = 1;
}

/* ---- history ----------------------------------------------------------------------------- */

LbHistory *
lb_history_new (int n_metrics, const LbMetric *metrics)
{
  LbHistory *h = g_new0 (LbHistory, 1);

  h->n_metrics = MIN (n_metrics, LB_MAX_METRICS);
  if (n_metrics > 0)
    memcpy (h->metrics, metrics, (size_t) h->n_metrics * sizeof (LbMetric));
  h->epochs = g_array_new (FALSE, TRUE, sizeof (LbEpochRecord));
  h->best_epoch = -1;
  return h;
}

void
lb_history_free (LbHistory *history)
{
  if (history == NULL)
    return;
  g_array_unref (history->epochs);
  g_free (history);
}

int
lb_history_n_epochs (const LbHistory *history)
{
  return (int) history->epochs->len;
}

const LbEpochRecord *
lb_history_get (const LbHistory *history, int epoch)
{
  g_return_val_if_fail (epoch >= 0 && (guint) epoch < history->epochs->len, NULL);
  return &g_array_index (history->epochs, LbEpochRecord, epoch);
}

/* ---- trainer ------------------------------------------------------------------------------ */

LbTrainer *
lb_trainer_new (LbModel *model, const LbCompileConfig *compile, const LbFitConfig *fit)
{
  LbTrainer *t;
  LbRng root;

  g_return_val_if_fail (model != NULL && compile != NULL && fit != NULL, NULL);

  t = g_new0 (LbTrainer, 1);
  t->model = model;
  t->compile = *compile;
  for (int i = 0; i < t->compile.n_metrics; i++)
    t->compile.metrics[i] = lb_metric_resolve_for_output (t->compile.metrics[i], compile->loss,
                                                          (int) lb_model_output_size (model));
  t->fit = *fit;
  if (t->fit.batch_size <= 0)
    t->fit.batch_size = 32;
  t->optimizer = lb_optimizer_new (&compile->optimizer, lb_model_n_trainable (model));
  lb_rng_seed (&root, fit->seed);
  t->shuffle_rng = lb_rng_fork (&root, 1);
  t->dropout_rng = lb_rng_fork (&root, 2);
  t->transform_rng = lb_rng_fork (&root, 3);
  g_mutex_init (&t->lock);
  g_cond_init (&t->cond);
  t->best_epoch = -1;
  t->best_value = INFINITY;
  return t;
}

void
lb_trainer_free (LbTrainer *t)
{
  if (t == NULL)
    return;
  lb_optimizer_free (t->optimizer);
  lb_free_floats (t->best_params);
  lb_free_floats (t->best_state);
  lb_free_floats (t->x);
  lb_free_floats (t->y);
  lb_free_floats (t->dout);
  lb_free_floats (t->snapshot);
  lb_free_floats (t->snapshot_state);
  g_free (t->sparse.indptr);
  g_free (t->sparse.indices);
  g_free (t->sparse.values);
  lb_dataset_unref (t->csr_copy);
  lb_dataset_unref (t->csr_of);
  g_mutex_clear (&t->lock);
  g_cond_clear (&t->cond);
  g_free (t);
}

void
lb_trainer_set_callbacks (LbTrainer *t, const LbTrainerCallbacks *callbacks)
{
  if (callbacks)
    t->callbacks = *callbacks;
  else
    memset (&t->callbacks, 0, sizeof t->callbacks);
}

void
lb_trainer_set_batch_transform (LbTrainer *t, LbBatchTransform transform, gpointer user_data)
{
  t->transform = transform;
  t->transform_data = user_data;
}

void
lb_trainer_set_cancel_flag (LbTrainer *t, const gint *flag)
{
  t->external_cancel = flag;
}

LbOptimizer *lb_trainer_get_optimizer (LbTrainer *t) { return t->optimizer; }
const LbCompileConfig *lb_trainer_get_compile (LbTrainer *t) { return &t->compile; }
const float *lb_trainer_get_best_params (LbTrainer *t) { return t->best_params; }
const float *lb_trainer_get_best_state (LbTrainer *t) { return t->best_state; }
int lb_trainer_get_best_epoch (LbTrainer *t) { return t->best_epoch; }
int lb_trainer_get_epoch (LbTrainer *t) { return t->epoch; }
void lb_trainer_set_epoch (LbTrainer *t, int epoch) { t->epoch = MAX (epoch, 0); }
double lb_trainer_get_best_value (LbTrainer *t) { return t->best_value; }

void
lb_trainer_get_rng_state (LbTrainer *t, LbTrainerRngState *state)
{
  g_return_if_fail (t != NULL && state != NULL);
  state->shuffle = t->shuffle_rng;
  state->dropout = t->dropout_rng;
  state->transform = t->transform_rng;
}

void
lb_trainer_set_rng_state (LbTrainer *t, const LbTrainerRngState *state)
{
  g_return_if_fail (t != NULL && state != NULL);
  t->shuffle_rng = state->shuffle;
  t->dropout_rng = state->dropout;
  t->transform_rng = state->transform;
}

void
lb_trainer_set_best (LbTrainer *t, int epoch, double value, const float *params,
                     const float *state)
{
  size_t np, ns;

  g_return_if_fail (t != NULL);
  np = lb_model_n_trainable (t->model);
  ns = lb_model_n_state (t->model);
  if (epoch < 0)
    {
      t->best_epoch = -1;
      t->best_value = INFINITY;
      return;
    }
  if (t->best_params == NULL)
    {
      t->best_params = lb_alloc_floats (np);
      t->best_state = lb_alloc_floats (ns);
    }
  memcpy (t->best_params, params ? params : lb_model_params (t->model), np * sizeof (float));
  memcpy (t->best_state, state ? state : lb_model_state (t->model), ns * sizeof (float));
  t->best_epoch = epoch;
  t->best_value = value;
}

void
lb_trainer_cancel (LbTrainer *t)
{
  g_atomic_int_set (&t->cancel, 1);
  g_mutex_lock (&t->lock);
  g_cond_broadcast (&t->cond);
  g_mutex_unlock (&t->lock);
}

void
lb_trainer_set_paused (LbTrainer *t, gboolean paused)
{
  g_mutex_lock (&t->lock);
  t->paused = paused;
  g_cond_broadcast (&t->cond);
  g_mutex_unlock (&t->lock);
}

gboolean
lb_trainer_is_paused (LbTrainer *t)
{
  gboolean paused;

  g_mutex_lock (&t->lock);
  paused = t->paused;
  g_mutex_unlock (&t->lock);
  return paused;
}

static gboolean
cancelled (LbTrainer *t)
{
  return g_atomic_int_get (&t->cancel) || (t->external_cancel && g_atomic_int_get (t->external_cancel));
}

/* Blocks while paused; returns the seconds spent waiting. */
static double
wait_while_paused (LbTrainer *t)
{
  gint64 start = 0;

  g_mutex_lock (&t->lock);
  if (t->paused)
    start = g_get_monotonic_time ();
  while (t->paused && !cancelled (t))
    {
      /* wake up now and then to notice an external cancel flag */
      gint64 until = g_get_monotonic_time () + 50 * G_TIME_SPAN_MILLISECOND;
      g_cond_wait_until (&t->cond, &t->lock, until);
    }
  g_mutex_unlock (&t->lock);
  return start ? (double) (g_get_monotonic_time () - start) / G_USEC_PER_SEC : 0.0;
}

gboolean
lb_trainer_restore_best (LbTrainer *t)
{
  if (t->best_params == NULL)
    return FALSE;
  memcpy (lb_model_params (t->model), t->best_params, lb_model_n_trainable (t->model) * sizeof (float));
  memcpy (lb_model_state (t->model), t->best_state, lb_model_n_state (t->model) * sizeof (float));
  return TRUE;
}

/* ---- data checks ---------------------------------------------------------------------------- */

gboolean
lb_check_data_fits (LbModel *model, LbLoss loss, const LbDataset *ds, GError **error)
{
  const LbShape *in = lb_model_input_shape (model);
  int out = (int) lb_model_output_size (model);
  int tdim = lb_loss_target_dim (loss, out);

  if (lb_dataset_sample_size (ds) != lb_shape_size (in))
    {
      g_autofree char *a = lb_shape_to_string (&ds->x_shape);
      g_autofree char *b = lb_shape_to_string (in);
      g_set_error (error, LB_ERROR, LB_ERROR_SHAPE,
                   "the samples of “%s” have shape %s but the model's input is %s: "
                   "set the model's input shape to %s", ds->name, a, b, a);
      return FALSE;
    }
  if (ds->y_dim != tdim)
    {
      if (loss == LB_LOSS_SPARSE_CATEGORICAL_CROSSENTROPY)
        g_set_error (error, LB_ERROR, LB_ERROR_SHAPE,
                     "sparse_categorical_crossentropy needs one integer label per sample, but "
                     "“%s” has %d values per label: use categorical_crossentropy for one-hot labels",
                     ds->name, ds->y_dim);
      else if (ds->y_dim == 1 && ds->target_kind == LB_TARGET_CLASS_INDEX
               && (loss == LB_LOSS_CATEGORICAL_CROSSENTROPY))
        g_set_error (error, LB_ERROR, LB_ERROR_SHAPE,
                     "categorical_crossentropy needs one-hot labels, but “%s” has integer class "
                     "labels: use sparse_categorical_crossentropy (or one-hot encode the labels)",
                     ds->name);
      else if (ds->y_dim == 1 && ds->target_kind == LB_TARGET_CLASS_INDEX)
        g_set_error (error, LB_ERROR, LB_ERROR_SHAPE,
                     "the last layer gives %d values per sample but “%s” has one integer class "
                     "label: for %d classes end with Dense(%d, softmax) and "
                     "sparse_categorical_crossentropy", out, ds->name, ds->n_classes,
                     ds->n_classes);
      else
        g_set_error (error, LB_ERROR, LB_ERROR_SHAPE,
                     "the last layer gives %d values per sample but the targets of “%s” have %d: "
                     "make the last layer Dense(%d)", out, ds->name, ds->y_dim, ds->y_dim);
      return FALSE;
    }
  if (loss == LB_LOSS_SPARSE_CATEGORICAL_CROSSENTROPY && ds->n_classes > out)
    {
      g_set_error (error, LB_ERROR, LB_ERROR_SHAPE,
                   "“%s” has %d classes but the last layer gives %d values: make it Dense(%d)",
                   ds->name, ds->n_classes, out, ds->n_classes);
      return FALSE;
    }
  return TRUE;
}

/* need_x: the dense input batch is needed (not when every input comes as sparse rows) */
static gboolean
ensure_buffers (LbTrainer *t, int batch, int tdim, gboolean need_x, GError **error)
{
  size_t in = lb_shape_size (lb_model_input_shape (t->model));
  size_t out = lb_model_output_size (t->model);

  if (!lb_model_reserve (t->model, batch, error))
    return FALSE;
  if (batch > t->buf_batch)
    {
      g_clear_pointer (&t->x, lb_free_floats);
      lb_free_floats (t->y);
      lb_free_floats (t->dout);
      t->y = lb_alloc_floats ((size_t) batch * (size_t) MAX (tdim, (int) out));
      t->dout = lb_alloc_floats ((size_t) batch * out);
      t->buf_batch = t->y && t->dout ? batch : 0;
    }
  if (t->buf_batch > 0 && need_x && t->x == NULL)
    t->x = lb_alloc_floats ((size_t) t->buf_batch * in);
  if (t->buf_batch == 0 || (need_x && t->x == NULL))
    {
      g_set_error (error, LB_ERROR, LB_ERROR_NO_MEMORY, "not enough memory for a batch of %d", batch);
      t->buf_batch = 0;
      return FALSE;
    }
  return TRUE;
}

/* ---- sparse inputs -----------------------------------------------------------------------------
 *
 * A model whose first layer is Dense takes its input as sparse rows when the data are sparse
 * (LB_DTYPE_SPARSE: multi-hot text) or a dense float32 set that is mostly zeros (≤ 10 % of the
 * values, e.g. multi-hot rows stored densely; converted once into CSR rows and kept). That
 * layer then multiplies only the nonzeros, forward and for the weight gradient, and the dense
 * batch (512 × 10000 floats for the IMDB model) is never built. */

#define SPARSE_MAX_DENSITY 0.10
#define SPARSE_MIN_FEATURES 256

/* the fraction of nonzero values of a float32 set, estimated from up to 2000 spread rows */
static double
estimate_density (const LbDataset *ds)
{
  size_t ss = lb_dataset_sample_size (ds);
  int rows = MIN (ds->n, 2000);
  guint64 nonzero = 0;

  if (rows == 0)
    return 1.0;
  for (int k = 0; k < rows; k++)
    {
      const float *x = ds->x_f32 + (size_t) ((gint64) k * ds->n / rows) * ss;

      for (size_t j = 0; j < ss; j++)
        nonzero += x[j] != 0.0f;
    }
  return (double) nonzero / ((double) rows * ss);
}

/* a sparse data set with ds's rows (inputs only; the targets stay in ds) */
static LbDataset *
csr_from_dense (const LbDataset *ds)
{
  size_t ss = lb_dataset_sample_size (ds), nnz = 0, pos = 0;
  gboolean ones = TRUE;
  LbDataset *out;

  for (size_t i = 0; i < (size_t) ds->n * ss; i++)
    if (ds->x_f32[i] != 0.0f)
      {
        nnz++;
        ones = ones && ds->x_f32[i] == 1.0f;
      }
  out = lb_dataset_new_sparse (ds->name, ds->n, (int) ss, nnz, !ones, 0, ds->target_kind,
                               ds->n_classes, NULL);
  if (out == NULL)
    return NULL;
  for (int r = 0; r < ds->n; r++)
    {
      const float *x = ds->x_f32 + (size_t) r * ss;

      for (size_t j = 0; j < ss; j++)
        if (x[j] != 0.0f)
          {
            out->sp_indices[pos] = (uint32_t) j;
            if (!ones)
              out->sp_values[pos] = x[j];
            pos++;
          }
      out->sp_indptr[r + 1] = pos;
    }
  return out;
}

/* The sparse set to gather ds's input rows from, or NULL for the dense path. */
static const LbDataset *
sparse_source (LbTrainer *t, LbDataset *ds)
{
  if (!lb_model_accepts_sparse (t->model) || t->transform != NULL)
    return NULL;
  if (ds->x_dtype == LB_DTYPE_SPARSE)
    return ds;
  if (ds->x_dtype != LB_DTYPE_FLOAT32 || lb_dataset_sample_size (ds) < SPARSE_MIN_FEATURES)
    return NULL;
  if (t->csr_of == ds && t->csr_copy != NULL)
    return t->csr_copy;
  if (estimate_density (ds) > SPARSE_MAX_DENSITY)
    return NULL;
  g_clear_pointer (&t->csr_copy, lb_dataset_unref);
  g_clear_pointer (&t->csr_of, lb_dataset_unref);
  t->csr_copy = csr_from_dense (ds);
  if (t->csr_copy != NULL)
    t->csr_of = lb_dataset_ref (ds);
  return t->csr_copy;
}

/* Make room for batches of `rows` rows of src (the largest nnz a batch can have). */
static gboolean
sparse_reserve (SparseBatch *sb, const LbDataset *src, int rows)
{
  uint64_t longest = 0;
  size_t cap;

  for (int i = 0; i < src->n; i++)
    longest = MAX (longest, src->sp_indptr[i + 1] - src->sp_indptr[i]);
  cap = (size_t) MIN ((guint64) longest * (guint64) rows, (guint64) src->sp_indptr[src->n]);
  cap = MAX (cap, 1);
  if (rows > sb->rows_cap)
    {
      g_free (sb->indptr);
      sb->indptr = g_try_new (uint64_t, (size_t) rows + 1);
      sb->rows_cap = sb->indptr ? rows : 0;
    }
  if (cap > sb->nnz_cap || (src->sp_values != NULL && sb->values == NULL))
    {
      cap = MAX (cap, sb->nnz_cap);
      g_free (sb->indices);
      g_free (sb->values);
      sb->indices = g_try_new (uint32_t, cap);
      sb->values = g_try_new (float, cap);
      sb->nnz_cap = sb->indices && sb->values ? cap : 0;
    }
  return sb->rows_cap >= rows && sb->nnz_cap >= cap;
}

/* The input rows idx[0..count) of src as one CSR batch. */
static const LbSparseRows *
sparse_gather (SparseBatch *sb, const LbDataset *src, const uint32_t *idx, int count)
{
  uint64_t pos = 0;

  sb->indptr[0] = 0;
  for (int i = 0; i < count; i++)
    {
      uint64_t a = src->sp_indptr[idx[i]], n = src->sp_indptr[idx[i] + 1] - a;

      memcpy (sb->indices + pos, src->sp_indices + a, n * sizeof (uint32_t));
      if (src->sp_values != NULL)
        memcpy (sb->values + pos, src->sp_values + a, n * sizeof (float));
      pos += n;
      sb->indptr[i + 1] = pos;
    }
  sb->rows.indptr = sb->indptr;
  sb->rows.indices = sb->indices;
  sb->rows.values = src->sp_values != NULL ? sb->values : NULL;
  return &sb->rows;
}

static gboolean
all_finite (const float *v, size_t n)
{
  for (size_t i = 0; i < n; i++)
    if (!isfinite (v[i]))
      return FALSE;
  return TRUE;
}

/* ---- evaluate / predict ----------------------------------------------------------------------- */

static gboolean
evaluate_view (LbModel *model, const LbCompileConfig *compile, const LbDataView *view,
               int batch_size, float *x, float *y, SparseBatch *sb, const LbDataset *src,
               const gint *cancel1, const gint *cancel2, double *loss, double *metrics,
               GError **error)
{
  int out = (int) lb_model_output_size (model);
  double loss_sum = 0.0, metric_sum[LB_MAX_METRICS] = { 0 };
  g_autofree uint32_t *seq = view->idx == NULL ? g_new (uint32_t, MAX (batch_size, 1)) : NULL;

  for (int start = 0; start < view->n; start += batch_size)
    {
      int b = MIN (batch_size, view->n - start);
      const uint32_t *idx = view->idx ? view->idx + start : NULL;
      const float *pred;

      if ((cancel1 && g_atomic_int_get (cancel1)) || (cancel2 && g_atomic_int_get (cancel2)))
        {
          g_set_error (error, LB_ERROR, LB_ERROR_CANCELLED, "cancelled during validation");
          return FALSE;
        }
      {
        if (idx == NULL)
          {
            for (int i = 0; i < b; i++)
              seq[i] = (uint32_t) (start + i);
            idx = seq;
          }
        if (src != NULL)
          {
            /* sparse rows (src holds view->ds's inputs), dense targets */
            lb_dataset_gather (view->ds, idx, b, NULL, y);
            pred = lb_model_forward_sparse (model, sparse_gather (sb, src, idx, b), b, FALSE,
                                            NULL);
          }
        else
          {
            lb_dataset_gather (view->ds, idx, b, x, y);
            pred = lb_model_forward (model, x, b, FALSE, NULL);
          }
      }
      loss_sum += lb_loss_forward (compile->loss, pred, y, b, out) * b;
      for (int m = 0; m < compile->n_metrics; m++)
        metric_sum[m] += lb_metric_sum (compile->metrics[m], pred, y, b, out);
    }
  *loss = view->n > 0 ? loss_sum / view->n : NAN;
  for (int m = 0; m < compile->n_metrics; m++)
    metrics[m] = view->n > 0 ? metric_sum[m] / view->n : NAN;
  return TRUE;
}

gboolean
lb_evaluate (LbModel *model, const LbCompileConfig *compile, const LbDataView *view,
             int batch_size, double *loss, double *metrics, GError **error)
{
  LbCompileConfig resolved = *compile;
  size_t in = lb_shape_size (lb_model_input_shape (model));
  size_t out = lb_model_output_size (model);
  int tdim = lb_loss_target_dim (compile->loss, (int) out);
  g_autofree float *x = NULL;
  g_autofree float *y = NULL;
  double dummy[LB_MAX_METRICS];

  g_return_val_if_fail (view != NULL && view->ds != NULL, FALSE);

  if (!lb_check_data_fits (model, compile->loss, view->ds, error))
    return FALSE;
  batch_size = batch_size > 0 ? batch_size : 32;
  batch_size = MIN (batch_size, MAX (view->n, 1));
  if (!lb_model_reserve (model, batch_size, error))
    return FALSE;
  for (int i = 0; i < resolved.n_metrics; i++)
    resolved.metrics[i] = lb_metric_resolve_for_output (resolved.metrics[i], compile->loss,
                                                        (int) lb_model_output_size (model));
  y = g_new (float, (size_t) batch_size * (size_t) tdim);
  if (view->ds->x_dtype == LB_DTYPE_SPARSE && lb_model_accepts_sparse (model))
    {
      /* multi-hot rows stay sparse */
      SparseBatch sb = { 0 };
      gboolean ok;

      if (!sparse_reserve (&sb, view->ds, batch_size))
        {
          g_set_error (error, LB_ERROR, LB_ERROR_NO_MEMORY,
                       "not enough memory for a batch of %d", batch_size);
          ok = FALSE;
        }
      else
        ok = evaluate_view (model, &resolved, view, batch_size, NULL, y, &sb, view->ds, NULL,
                            NULL, loss, metrics ? metrics : dummy, error);
      g_free (sb.indptr);
      g_free (sb.indices);
      g_free (sb.values);
      return ok;
    }
  x = g_new (float, (size_t) batch_size * in);
  return evaluate_view (model, &resolved, view, batch_size, x, y, NULL, NULL, NULL, NULL, loss,
                        metrics ? metrics : dummy, error);
}

gboolean
lb_predict (LbModel *model, const LbDataView *view, int batch_size, float *out_buf, GError **error)
{
  size_t in = lb_shape_size (lb_model_input_shape (model));
  size_t out = lb_model_output_size (model);
  g_autofree float *x = NULL;
  g_autofree uint32_t *seq = NULL;

  g_return_val_if_fail (view != NULL && view->ds != NULL && out_buf != NULL, FALSE);

  if (lb_dataset_sample_size (view->ds) != in)
    {
      g_autofree char *a = lb_shape_to_string (&view->ds->x_shape);
      g_autofree char *b = lb_shape_to_string (lb_model_input_shape (model));
      g_set_error (error, LB_ERROR, LB_ERROR_SHAPE,
                   "the samples have shape %s but the model's input is %s", a, b);
      return FALSE;
    }
  batch_size = batch_size > 0 ? batch_size : 32;
  batch_size = MIN (batch_size, MAX (view->n, 1));
  if (!lb_model_reserve (model, batch_size, error))
    return FALSE;
  x = g_new (float, (size_t) batch_size * in);
  seq = g_new (uint32_t, batch_size);
  for (int start = 0; start < view->n; start += batch_size)
    {
      int b = MIN (batch_size, view->n - start);
      const uint32_t *idx = view->idx ? view->idx + start : seq;
      const float *pred;

      if (!view->idx)
        for (int i = 0; i < b; i++)
          seq[i] = (uint32_t) (start + i);
      lb_dataset_gather (view->ds, idx, b, x, NULL);
      pred = lb_model_forward (model, x, b, FALSE, NULL);
      memcpy (out_buf + (size_t) start * out, pred, (size_t) b * out * sizeof (float));
    }
  return TRUE;
}

/* ---- fit -------------------------------------------------------------------------------------- */

static void
keep_best (LbTrainer *t, int epoch, double value)
{
  size_t np = lb_model_n_trainable (t->model), ns = lb_model_n_state (t->model);

  if (!(value < t->best_value))
    return;
  if (t->best_params == NULL)
    {
      t->best_params = lb_alloc_floats (np);
      t->best_state = lb_alloc_floats (ns);
    }
  memcpy (t->best_params, lb_model_params (t->model), np * sizeof (float));
  memcpy (t->best_state, lb_model_state (t->model), ns * sizeof (float));
  t->best_value = value;
  t->best_epoch = epoch;
}

/* the optimizer's update of the parameters [lo, hi), on one of the model's threads */
static void
optimizer_slice (gpointer data, size_t lo, size_t hi)
{
  LbTrainer *t = data;

  lb_optimizer_step_slice (t->optimizer, lb_model_params (t->model), lb_model_grads (t->model),
                           lo, hi);
}

static LbHistory *
fit (LbTrainer *t, const LbDataView *train_in, const LbDataView *val_in, GError **error)
{
  LbModel *model = t->model;
  const LbCompileConfig *compile = &t->compile;
  LbLoss loss_kind = compile->loss;
  int out = (int) lb_model_output_size (model);
  int tdim = lb_loss_target_dim (loss_kind, out);
  size_t np = lb_model_n_trainable (model), ns = lb_model_n_state (model);
  gboolean fused = lb_loss_can_fuse (loss_kind, lb_model_output_activation (model));
  gboolean has_penalty = lb_model_has_regularizers (model);
  int bs = t->fit.batch_size;
  g_autoptr (LbHistory) history = NULL;
  g_autofree uint32_t *order = NULL;
  g_autofree uint32_t *val_idx = NULL;
  LbDataView train, val;
  const LbDataset *train_src, *val_src;
  gboolean has_val;
  gint64 fit_start = g_get_monotonic_time ();
  double paused_total = 0.0;
  int since_best = 0;
  int first_epoch = t->epoch;

  g_return_val_if_fail (train_in != NULL && train_in->ds != NULL, NULL);

  if (t->optimizer == NULL)
    {
      g_set_error (error, LB_ERROR, LB_ERROR_NO_MEMORY,
                   "not enough memory for the optimizer state of %zu parameters", np);
      return NULL;
    }
  if (!lb_check_data_fits (model, loss_kind, train_in->ds, error))
    return NULL;
  if (val_in && val_in->ds && !lb_check_data_fits (model, loss_kind, val_in->ds, error))
    return NULL;

  /* the views: a validation set, or the last fraction of the training data (Keras) */
  train = *train_in;
  has_val = FALSE;
  if (val_in && val_in->ds && val_in->n > 0)
    {
      val = *val_in;
      has_val = TRUE;
    }
  else if (t->fit.validation_split > 0.0 && t->fit.validation_split < 1.0)
    {
      int split_at = (int) floor (train.n * (1.0 - t->fit.validation_split));
      int n_val = train.n - split_at;

      if (n_val > 0 && split_at > 0)
        {
          val_idx = g_new (uint32_t, n_val);
          for (int i = 0; i < n_val; i++)
            val_idx[i] = train.idx ? train.idx[split_at + i] : (uint32_t) (split_at + i);
          val.ds = train.ds;
          val.idx = val_idx;
          val.n = n_val;
          train.n = split_at;
          has_val = TRUE;
        }
    }
  if (train.n <= 0)
    {
      g_set_error (error, LB_ERROR, LB_ERROR_INVALID_ARG, "there are no training samples");
      return NULL;
    }

  lb_gemm_set_threads (t->fit.threads);
  bs = MIN (bs, train.n);
  /* sparse input rows where the data allow (see "sparse inputs") */
  train_src = sparse_source (t, train.ds);
  val_src = NULL;
  if (has_val)
    val_src = val.ds == train.ds ? train_src
              : val.ds->x_dtype == LB_DTYPE_SPARSE ? sparse_source (t, val.ds) : NULL;
  if ((train_src != NULL && !sparse_reserve (&t->sparse, train_src, bs))
      || (val_src != NULL && !sparse_reserve (&t->sparse, val_src, bs)))
    {
      g_set_error (error, LB_ERROR, LB_ERROR_NO_MEMORY, "not enough memory for a batch of %d", bs);
      return NULL;
    }
  if (!ensure_buffers (t, bs, tdim, train_src == NULL || (has_val && val_src == NULL), error))
    return NULL;
  if (t->snapshot == NULL)
    {
      t->snapshot = lb_alloc_floats (np);
      t->snapshot_state = lb_alloc_floats (ns);
    }

  history = lb_history_new (compile->n_metrics, compile->metrics);
  order = g_new (uint32_t, train.n);
  /* early stopping counts from the best epoch of earlier fit calls too (resuming) */
  if (t->best_epoch >= 0)
    since_best = MAX (t->epoch - 1 - t->best_epoch, 0);

  for (int e = 0; e < t->fit.epochs; e++)
    {
      int epoch = t->epoch;
      int n_batches = (train.n + bs - 1) / bs;
      gint64 epoch_start = g_get_monotonic_time ();
      double epoch_paused = 0.0;
      double sum_loss = 0.0, sum_data = 0.0, sum_pen = 0.0, sum_m[LB_MAX_METRICS] = { 0 };
      int seen = 0;
      LbEpochRecord rec = { 0 };

      /* a fresh permutation of the view each epoch (as Keras does), so that the shuffle
       * depends on the RNG stream only and a resumed run shuffles as an uninterrupted one */
      for (int i = 0; i < train.n; i++)
        order[i] = train.idx ? train.idx[i] : (uint32_t) i;
      if (t->fit.shuffle)
        lb_rng_shuffle_u32 (&t->shuffle_rng, order, (size_t) train.n);
      memcpy (t->snapshot, lb_model_params (model), np * sizeof (float));
      memcpy (t->snapshot_state, lb_model_state (model), ns * sizeof (float));

      for (int b = 0; b < n_batches; b++)
        {
          int start = b * bs, count = MIN (bs, train.n - start);
          const float *pred;
          double data_loss, penalty, metrics[LB_MAX_METRICS];
          LbBatchEvent ev = { 0 };

          epoch_paused += wait_while_paused (t);
          if (cancelled (t))
            {
              history->cancelled = TRUE;
              g_set_error (error, LB_ERROR, LB_ERROR_CANCELLED,
                           "cancelled at epoch %d, batch %d", epoch + 1, b + 1);
              goto done;
            }

          if (train_src != NULL)
            {
              /* sparse rows straight into the first layer, dense targets */
              lb_dataset_gather (train.ds, order + start, count, NULL, t->y);
              pred = lb_model_forward_sparse (model,
                                              sparse_gather (&t->sparse, train_src,
                                                             order + start, count),
                                              count, TRUE, &t->dropout_rng);
            }
          else
            {
              lb_dataset_gather (train.ds, order + start, count, t->x, t->y);
              if (t->transform)
                t->transform (t->x, count, lb_model_input_shape (model), &t->transform_rng,
                              t->transform_data);
              pred = lb_model_forward (model, t->x, count, TRUE, &t->dropout_rng);
            }
          data_loss = lb_loss_forward (loss_kind, pred, t->y, count, out);
          penalty = has_penalty ? lb_model_penalty (model) : 0.0;

          if (!isfinite (data_loss) || !isfinite (penalty))
            {
              gboolean restored = FALSE;

              if (!all_finite (lb_model_params (model), np) || !all_finite (lb_model_state (model), ns))
                {
                  memcpy (lb_model_params (model), t->snapshot, np * sizeof (float));
                  memcpy (lb_model_state (model), t->snapshot_state, ns * sizeof (float));
                  restored = TRUE;
                }
              history->diverged = TRUE;
              g_set_error (error, LB_ERROR, LB_ERROR_DIVERGED,
                           "the loss became %s at epoch %d, batch %d: training diverged "
                           "(the learning rate %g is probably too high, or the inputs are not "
                           "normalized); training stopped and the weights %s are kept",
                           isnan (data_loss + penalty) ? "NaN" : "infinite", epoch + 1, b + 1,
                           compile->optimizer.learning_rate,
                           restored ? "from the start of this epoch" : "of the last finite step");
              goto done;
            }

          for (int m = 0; m < compile->n_metrics; m++)
            metrics[m] = lb_metric_sum (compile->metrics[m], pred, t->y, count, out) / count;

          if (fused)
            lb_loss_backward_fused (loss_kind, pred, t->y, count, out, t->dout);
          else
            lb_loss_backward (loss_kind, pred, t->y, count, out, t->dout);
          if (train_src != NULL)
            lb_model_backward_sparse (model, &t->sparse.rows, t->dout, fused);
          else
            lb_model_backward (model, t->x, t->dout, fused, NULL);
          if (has_penalty)
            lb_model_add_penalty_grad (model);
          lb_model_for_param_slices (model, optimizer_slice, t);
          lb_optimizer_step_end (t->optimizer);

          seen += count;
          sum_data += data_loss * count;
          sum_pen += penalty * count;
          sum_loss += (data_loss + penalty) * count;
          for (int m = 0; m < compile->n_metrics; m++)
            sum_m[m] += metrics[m] * count;

          if (t->callbacks.batch_end)
            {
              double secs = (double) (g_get_monotonic_time () - epoch_start) / G_USEC_PER_SEC
                            - epoch_paused;

              ev.epoch = epoch;
              ev.epochs = first_epoch + t->fit.epochs;
              ev.batch = b;
              ev.n_batches = n_batches;
              ev.batch_samples = count;
              ev.loss = data_loss + penalty;
              ev.data_loss = data_loss;
              ev.penalty = penalty;
              ev.epoch_loss = sum_loss / seen;
              ev.epoch_data_loss = sum_data / seen;
              ev.epoch_penalty = sum_pen / seen;
              for (int m = 0; m < compile->n_metrics; m++)
                {
                  ev.metrics[m] = metrics[m];
                  ev.epoch_metrics[m] = sum_m[m] / seen;
                }
              ev.samples_per_sec = secs > 0 ? seen / secs : 0.0;
              ev.elapsed = (double) (g_get_monotonic_time () - fit_start) / G_USEC_PER_SEC
                           - paused_total - epoch_paused;
              t->callbacks.batch_end (&ev, t->callbacks.user_data);
            }
        }

      rec.epoch = epoch;
      rec.loss = sum_loss / seen;
      rec.data_loss = sum_data / seen;
      rec.penalty = sum_pen / seen;
      for (int m = 0; m < compile->n_metrics; m++)
        rec.metrics[m] = sum_m[m] / seen;
      {
        double train_secs = (double) (g_get_monotonic_time () - epoch_start) / G_USEC_PER_SEC - epoch_paused;
        rec.samples_per_sec = train_secs > 0 ? seen / train_secs : 0.0;
      }

      if (has_val)
        {
          GError *val_error = NULL;

          rec.has_val = TRUE;
          if (!evaluate_view (model, compile, &val, bs, t->x, t->y, &t->sparse, val_src,
                              &t->cancel, t->external_cancel,
                              &rec.val_loss, rec.val_metrics, &val_error))
            {
              history->cancelled = TRUE;
              g_propagate_error (error, val_error);
              goto done;
            }
          if (!isfinite (rec.val_loss))
            {
              history->diverged = TRUE;
              g_set_error (error, LB_ERROR, LB_ERROR_DIVERGED,
                           "the validation loss became %s at epoch %d: training diverged (the "
                           "learning rate %g is probably too high); training stopped",
                           isnan (rec.val_loss) ? "NaN" : "infinite", epoch + 1,
                           compile->optimizer.learning_rate);
              goto done;
            }
        }
      rec.seconds = (double) (g_get_monotonic_time () - epoch_start) / G_USEC_PER_SEC - epoch_paused;
      paused_total += epoch_paused;

      g_array_append_val (history->epochs, rec);
      t->epoch++;

      /* best epoch and early stopping: on val_loss, or on the training loss without validation */
      {
        double value = has_val ? rec.val_loss : rec.loss;
        if (value < t->best_value)
          {
            keep_best (t, epoch, value);
            since_best = 0;
          }
        else
          since_best++;
        history->best_epoch = t->best_epoch;
      }

      if (t->callbacks.epoch_end)
        t->callbacks.epoch_end (&rec, history, t->callbacks.user_data);

      if (t->fit.patience > 0 && since_best >= t->fit.patience)
        {
          history->stopped_early = TRUE;
          break;
        }
    }

done:
  return g_steal_pointer (&history);
}

LbHistory *
lb_trainer_fit (LbTrainer *t, const LbDataView *train_in, const LbDataView *val_in, GError **error)
{
  LbFpMode mode = lb_fp_flush_denormals ();
  LbHistory *history = fit (t, train_in, val_in, error);

  lb_fp_restore (mode);
  return history;
}
