/* fpenv.h — flush-to-zero for the threads that train
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Values below FLT_MIN (denormals) are 2.5× to 100× slower to compute with on x86, and
 * training makes them: an RMSprop or Adam accumulator of a weight whose gradient is (nearly)
 * always zero — a border pixel of MNIST, a word that is rare in IMDB — decays geometrically
 * through the denormal range. TensorFlow (hence Keras) trains with denormals flushed to zero
 * on CPU; so do we. The mode is per thread: the trainer sets it for the duration of a fit,
 * evaluation or prediction and puts the caller's mode back; the model's own worker threads
 * set it when they start. A denormal is < 1.2e-38: no loss, metric or weight of any
 * significance changes.
 */
#pragma once

#if defined(__x86_64__) || defined(__i386__)
#include <xmmintrin.h>

typedef unsigned int LbFpMode;

static inline LbFpMode
lb_fp_get_mode (void)
{
  return _mm_getcsr ();
}

/* flush denormal results to zero and treat denormal inputs as zero; returns the old mode */
static inline LbFpMode
lb_fp_flush_denormals (void)
{
  LbFpMode old = _mm_getcsr ();

  _mm_setcsr (old | 0x8040u);   /* FTZ (bit 15) | DAZ (bit 6) */
  return old;
}

/* set a mode (from lb_fp_get_mode () or lb_fp_flush_denormals ()) */
static inline void
lb_fp_restore (LbFpMode old)
{
  _mm_setcsr (old);
}
#else
typedef int LbFpMode;

static inline LbFpMode
lb_fp_get_mode (void)
{
  return 0;
}

static inline LbFpMode
lb_fp_flush_denormals (void)
{
  return 0;
}

static inline void
lb_fp_restore (LbFpMode old)
{
  (void) old;
}
#endif
