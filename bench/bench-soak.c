/* bench-soak.c — soak test: many start/cancel cycles of a short training, and (with the GUI)
 * many open/close cycles of the window, reporting how the resident memory grows
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Usage: bench-soak [--cycles N] [--windows N] [--max-growth-kb K] [--quiet]
 *                   [--instances]
 *
 *   --cycles N         start/cancel cycles of a training run (default 1000): each starts the
 *                      runner on a worker thread, as the window does, with a run record in a
 *                      temporary folder, cancels it after a random 0–30 ms (so that the cancel
 *                      lands while the data is prepared, in a batch, in validation or while
 *                      the record is saved), waits for it, and deletes the record
 *   --windows N        open/close cycles of the workbench window (default 100; 0 skips; only
 *                      in builds with the GUI, and it needs a display: run it under xvfb-run)
 *   --max-growth-kb K  exit status 1 if the resident set grew by more than K KiB per cycle
 *                      after the warm-up (default 8)
 *   --instances        after the window cycles, list the GObject types with live instances
 *                      (needs a GLib built with debugging and GOBJECT_DEBUG=instance-count):
 *                      a type whose count grows with the cycles is what leaks
 * Each closed window must be finalized (a weak reference checks it); the number that were not
 * is reported as windows_alive=….
 *
 * The resident set (VmRSS, after malloc_trim) is measured after every cycle; after a warm-up
 * of 10 % of the cycles (caches filling) the growth per cycle is the least-squares slope of
 * those measurements, which a steady leak shows and the allocator's (or the GPU driver's)
 * ups and downs do not. Reported per phase as key=value lines:
 *   phase=train cycles=1000 rss_start_kb=… rss_end_kb=… rss_min_kb=… rss_max_kb=…
 *   growth_per_cycle_kb=…
 * plus progress lines every 10 % (unless --quiet).
 */
#include <glib.h>
#include <glib/gstdio.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "data/archive.h"
#include "lb-error.h"
#include "runner.h"

#ifdef LB_SOAK_WINDOW
#include "lb-application.h"
#include "lb-window.h"
#endif

static gboolean quiet;
static gboolean instances;

/* the resident set after each cycle past the warm-up, for the trend */
typedef struct
{
  GArray *rss;     /* of double, KiB */
} Samples;

/* the resident set, in KiB, after giving freed memory back */
static long
rss_kb (void)
{
  g_autofree char *status = NULL;
  const char *p;

  malloc_trim (0);
  if (!g_file_get_contents ("/proc/self/status", &status, NULL, NULL))
    return -1;
  p = strstr (status, "VmRSS:");
  return p ? strtol (p + 6, NULL, 10) : -1;
}

/* ---- training start/cancel ----------------------------------------------------------------- */

static LbExperiment *
soak_experiment (void)
{
  LbExperiment *e = lb_experiment_new ();
  LbShape in = lb_shape_1d (2);
  LbLayerConfig *l;

  e->name = g_strdup ("soak");
  e->data.source = g_strdup ("moons");
  e->data.synthetic_n = 400;
  e->data.synthetic_noise = 0.2f;
  e->validation.kind = LB_VALIDATION_SPLIT;
  e->validation.fraction = 0.25;
  lb_model_config_free (e->model);
  e->model = lb_model_config_new (&in);
  l = lb_model_config_append (e->model, LB_LAYER_DENSE);
  l->units = 16;
  l->activation = LB_ACTIVATION_RELU;
  l = lb_model_config_append (e->model, LB_LAYER_DROPOUT);
  l->rate = 0.2f;
  l = lb_model_config_append (e->model, LB_LAYER_DENSE);
  l->units = 1;
  l->activation = LB_ACTIVATION_SIGMOID;
  lb_compile_config_init (&e->compile, LB_OPTIMIZER_ADAM, LB_LOSS_BINARY_CROSSENTROPY);
  lb_compile_config_add_metric (&e->compile, LB_METRIC_ACCURACY);
  e->fit.epochs = 500;   /* longer than the 30 ms before the cancel */
  e->fit.batch_size = 32;
  e->fit.threads = 1;
  return e;
}

typedef struct
{
  LbRunner       *runner;
  LbRunnerResult *result;
  GError         *error;
} Job;

static gpointer
run_job (gpointer data)
{
  Job *job = data;

  job->result = lb_runner_run (job->runner, &job->error);
  return NULL;
}

/* Returns FALSE if a cycle went wrong (not cancelled, not completed, or an error). */
static void
sample (Samples *samples, int cycle, int cycles)
{
  double kb;

  if (cycle + 1 <= MAX (cycles / 10, 1))
    return;
  kb = (double) rss_kb ();
  g_array_append_val (samples->rss, kb);
}

static gboolean
train_cycles (int cycles, int *by_status, Samples *samples)
{
  g_autoptr (LbExperiment) e = soak_experiment ();
  g_autoptr (GRand) rand = g_rand_new_with_seed (1);
  g_autoptr (GError) error = NULL;
  g_autofree char *runs = g_dir_make_tmp ("lb-soak-XXXXXX", &error);
  gboolean ok = TRUE;
  LbRunnerOptions opt;

  if (runs == NULL)
    {
      fprintf (stderr, "bench-soak: %s\n", error->message);
      return FALSE;
    }
  lb_runner_options_init (&opt);
  opt.runs_dir = runs;
  for (int c = 0; c < cycles; c++)
    {
      Job job = { 0 };
      GThread *thread;

      e->fit.seed = (guint64) c;
      job.runner = lb_runner_new (e, &opt);
      thread = g_thread_new ("soak-run", run_job, &job);
      g_usleep (g_rand_int_range (rand, 0, 30000));
      lb_runner_cancel (job.runner);
      g_thread_join (thread);

      if (job.result == NULL)
        {
          /* cancelled before the record existed */
          if (!g_error_matches (job.error, LB_ERROR, LB_ERROR_CANCELLED))
            {
              fprintf (stderr, "bench-soak: cycle %d: %s\n", c, job.error->message);
              ok = FALSE;
            }
          by_status[LB_RUN_CANCELLED]++;
        }
      else
        {
          LbRunResult *run = job.result->runs->pdata[0];

          by_status[job.result->status]++;
          if (job.result->status != LB_RUN_CANCELLED && job.result->status != LB_RUN_COMPLETED)
            {
              fprintf (stderr, "bench-soak: cycle %d ended %s: %s\n", c,
                       lb_run_status_to_string (job.result->status),
                       run->error ? run->error->message : "");
              ok = FALSE;
            }
          if (run->info->id != NULL
              && !lb_run_record_delete (runs, run->info->id, &job.error))
            {
              fprintf (stderr, "bench-soak: cycle %d: %s\n", c, job.error->message);
              ok = FALSE;
            }
          lb_runner_result_free (job.result);
        }
      g_clear_error (&job.error);
      lb_runner_free (job.runner);

      sample (samples, c, cycles);
      if (!quiet && (c + 1) % MAX (cycles / 10, 1) == 0)
        printf ("progress phase=train cycle=%d rss_kb=%ld\n", c + 1, rss_kb ());
    }
  lb_archive_remove_tree (runs, NULL);
  return ok;
}

/* ---- window open/close --------------------------------------------------------------------- */

#ifdef LB_SOAK_WINDOW
static void
list_instances (GType type, int depth)
{
  guint n = 0;
  g_autofree GType *children = g_type_children (type, &n);
  int count = g_type_get_instance_count (type);

  if (count > 0)
    printf ("instances type=%s count=%d\n", g_type_name (type), count);
  for (guint i = 0; i < n; i++)
    list_instances (children[i], depth + 1);
}

static void
pump (void)
{
  /* let the frame clock draw a few frames and idles run */
  for (int i = 0; i < 20; i++)
    {
      while (g_main_context_iteration (NULL, FALSE))
        ;
      g_usleep (2000);
    }
}

static void
window_finalized (gpointer data, GObject *where_the_object_was)
{
  (*(int *) data)--;
}

static gboolean
window_cycles (int cycles, Samples *samples)
{
  int alive = 0;
  static const char *const views[] = { "data", "model", "train", "compare", "inspect" };
  g_autoptr (LbApplication) app = lb_application_new ();
  g_autoptr (GError) error = NULL;

  if (!g_application_register (G_APPLICATION (app), NULL, &error))
    {
      fprintf (stderr, "bench-soak: %s\n", error->message);
      return FALSE;
    }
  for (int c = 0; c < cycles; c++)
    {
      LbWindow *window = lb_window_new (app);

      alive++;
      g_object_weak_ref (G_OBJECT (window), window_finalized, &alive);
      gtk_window_present (GTK_WINDOW (window));
      pump ();
      for (gsize v = 0; v < G_N_ELEMENTS (views); v++)
        {
          lb_window_show_view (window, views[v]);
          pump ();
        }
      gtk_window_destroy (GTK_WINDOW (window));
      pump ();
      sample (samples, c, cycles);
      if (!quiet && (c + 1) % MAX (cycles / 10, 1) == 0)
        printf ("progress phase=window cycle=%d rss_kb=%ld\n", c + 1, rss_kb ());
    }
  printf ("windows_alive=%d\n", alive);
  return alive == 0;
}
#endif

static gboolean
report (const char *phase, int cycles, const Samples *samples, double max_kb)
{
  const double *y = (const double *) samples->rss->data;
  guint n = samples->rss->len;
  double mx = 0, my = 0, sxy = 0, sxx = 0, lo = G_MAXDOUBLE, hi = 0, slope;

  if (n < 2)
    {
      printf ("phase=%s cycles=%d too few cycles to measure\n", phase, cycles);
      return TRUE;
    }
  for (guint i = 0; i < n; i++)
    {
      mx += i;
      my += y[i];
      lo = MIN (lo, y[i]);
      hi = MAX (hi, y[i]);
    }
  mx /= n;
  my /= n;
  for (guint i = 0; i < n; i++)
    {
      sxy += (i - mx) * (y[i] - my);
      sxx += (i - mx) * (i - mx);
    }
  slope = sxy / sxx;
  printf ("phase=%s cycles=%d rss_start_kb=%.0f rss_end_kb=%.0f rss_min_kb=%.0f rss_max_kb=%.0f "
          "growth_per_cycle_kb=%.2f\n", phase, cycles, y[0], y[n - 1], lo, hi, slope);
  if (slope > max_kb)
    {
      fprintf (stderr, "bench-soak: %s: the resident set grows by %.2f KiB per cycle "
               "(limit %.2f)\n", phase, slope, max_kb);
      return FALSE;
    }
  return TRUE;
}

int
main (int argc, char **argv)
{
  int cycles = 1000, windows = 100;
  double max_kb = 8;
  gboolean ok = TRUE;

  for (int i = 1; i < argc; i++)
    {
      if (g_str_equal (argv[i], "--cycles") && i + 1 < argc)
        cycles = atoi (argv[++i]);
      else if (g_str_equal (argv[i], "--windows") && i + 1 < argc)
        windows = atoi (argv[++i]);
      else if (g_str_equal (argv[i], "--max-growth-kb") && i + 1 < argc)
        max_kb = g_ascii_strtod (argv[++i], NULL);
      else if (g_str_equal (argv[i], "--quiet"))
        quiet = TRUE;
      else if (g_str_equal (argv[i], "--instances"))
        instances = TRUE;
      else
        {
          fprintf (stderr, "usage: bench-soak [--cycles N] [--windows N] [--max-growth-kb K] "
                   "[--quiet] [--instances]\n");
          return 2;
        }
    }

  if (cycles > 0)
    {
      int by_status[LB_N_RUN_STATUSES] = { 0 };
      Samples samples = { g_array_new (FALSE, FALSE, sizeof (double)) };

      ok &= train_cycles (cycles, by_status, &samples);
      printf ("runs cancelled=%d completed=%d\n", by_status[LB_RUN_CANCELLED],
              by_status[LB_RUN_COMPLETED]);
      ok &= report ("train", cycles, &samples, max_kb);
      g_array_unref (samples.rss);
    }

#ifdef LB_SOAK_WINDOW
  if (windows > 0)
    {
      Samples samples = { g_array_new (FALSE, FALSE, sizeof (double)) };

      /* no accessibility bus under Xvfb */
      g_setenv ("GTK_A11Y", "none", TRUE);
      if (!gtk_init_check ())
        {
          fprintf (stderr, "bench-soak: no display; run it under xvfb-run for the window "
                   "cycles\n");
          return ok ? 77 : 1;
        }
      adw_init ();
      ok &= window_cycles (windows, &samples);
      ok &= report ("window", windows, &samples, max_kb);
      if (instances)
        list_instances (G_TYPE_OBJECT, 0);
      g_array_unref (samples.rss);
    }
#else
  if (windows > 0 && !quiet)
    printf ("phase=window skipped (built without the GUI)\n");
#endif
  return ok ? 0 : 1;
}
