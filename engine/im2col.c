/* im2col.c — convolution as one GEMM over a whole batch (NHWC)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * In NHWC the window row (ky, kx, c) of one output position is, for a fixed ky, one
 * contiguous run of the input: the cells (iy, ix0 … ix1, all channels). So each window row
 * is at most three pieces — zero padding on the left, one memcpy of the cells inside the
 * image, zero padding on the right — and col2im adds the same runs back.
 */
#include <string.h>

#include "gemm.h"
#include "im2col.h"

gboolean
lb_conv_geometry (LbConvGeometry *g, int batch, int h, int w, int c,
                  int kh, int kw, int sh, int sw, gboolean same_padding)
{
  g_return_val_if_fail (g != NULL, FALSE);
  g_return_val_if_fail (batch >= 0 && h >= 0 && w >= 0 && c >= 0, FALSE);
  g_return_val_if_fail (kh >= 1 && kw >= 1 && sh >= 1 && sw >= 1, FALSE);

  g->batch = batch;
  g->h = h;
  g->w = w;
  g->c = c;
  g->kh = kh;
  g->kw = kw;
  g->sh = sh;
  g->sw = sw;

  if (same_padding)
    {
      /* Keras/TensorFlow "same": out = ceil (in / s), the extra padding goes after */
      g->out_h = (h + sh - 1) / sh;
      g->out_w = (w + sw - 1) / sw;
      g->pad_top = MAX ((g->out_h - 1) * sh + kh - h, 0) / 2;
      g->pad_left = MAX ((g->out_w - 1) * sw + kw - w, 0) / 2;
    }
  else
    {
      /* "valid": only whole windows (careful: (in − k) / s truncates towards zero) */
      g->out_h = h >= kh ? (h - kh) / sh + 1 : 0;
      g->out_w = w >= kw ? (w - kw) / sw + 1 : 0;
      g->pad_top = 0;
      g->pad_left = 0;
    }
  return g->out_h >= 1 && g->out_w >= 1;
}

/* The part kx ∈ [*k0, *k1) of a window starting at input column `start` that lies inside
 * [0, n). */
static inline void
valid_span (int start, int k, int n, int *k0, int *k1)
{
  *k0 = start < 0 ? -start : 0;
  *k1 = start + k > n ? n - start : k;
  if (*k1 < *k0)
    *k1 = *k0;
}

static inline void
copy_floats (float *dst, const float *src, size_t n)
{
  /* tiny runs (a 3-wide window on a 1-channel image) are cheaper without the call */
  if (n <= 8)
    for (size_t i = 0; i < n; i++)
      dst[i] = src[i];
  else
    memcpy (dst, src, n * sizeof (float));
}

/* dst += src; written in blocks of 8 so that -O2 (GCC's very-cheap vector cost model)
 * vectorizes it */
static inline void
add_floats (float *restrict dst, const float *restrict src, size_t n)
{
  size_t i = 0;

  for (; i + 8 <= n; i += 8)
    for (int k = 0; k < 8; k++)
      dst[i + k] += src[i + k];
  for (; i < n; i++)
    dst[i] += src[i];
}

static inline void
zero_floats (float *dst, size_t n)
{
  if (n <= 8)
    for (size_t i = 0; i < n; i++)
      dst[i] = 0.0f;
  else
    memset (dst, 0, n * sizeof (float));
}

/* dst[0 … n) = src[0 … n) for the runs of a window row: inlined copies of the short usual
 * lengths (kw·C of a 3×3 window on 1 to 5 channels); longer runs go to the C library's
 * memcpy (faster there than what the compiler inlines) */
static inline __attribute__ ((always_inline)) void
copy_run (float *restrict dst, const float *restrict src, size_t n)
{
  switch (n)
    {
#define RUN(k) case k: memcpy (dst, src, (k) * sizeof (float)); break;
      RUN (1) RUN (2) RUN (3) RUN (4) RUN (5) RUN (6) RUN (8) RUN (9) RUN (12) RUN (15)
#undef RUN
    default:
      memcpy (dst, src, n * sizeof (float));
    }
}

/* im2col without padding (every window inside the image): each window row is one run */
LB_HOT_LOOPS static void
im2col_inside (const LbConvGeometry *g, const float *restrict x, float *restrict col)
{
  size_t C = (size_t) g->c, in_row = (size_t) g->w * C, in_img = (size_t) g->h * in_row;
  size_t run = (size_t) g->kw * C;

  for (int b = 0; b < g->batch; b++)
    {
      const float *img = x + (size_t) b * in_img;

      for (int oy = 0; oy < g->out_h; oy++)
        {
          const float *top = img + (size_t) oy * g->sh * in_row;

          for (int ox = 0; ox < g->out_w; ox++)
            {
              const float *src = top + (size_t) ox * g->sw * C;

              for (int ky = 0; ky < g->kh; ky++)
                {
                  copy_run (col, src + (size_t) ky * in_row, run);
                  col += run;
                }
            }
        }
    }
}

void
lb_im2col (const LbConvGeometry *g, const float *x, float *col)
{
  size_t C, in_row, in_img;

  g_return_if_fail (g != NULL && x != NULL && col != NULL);

  if (g->pad_top == 0 && g->pad_left == 0 && (g->out_h - 1) * g->sh + g->kh <= g->h
      && (g->out_w - 1) * g->sw + g->kw <= g->w)
    {
      im2col_inside (g, x, col);
      return;
    }

  C = (size_t) g->c;
  in_row = (size_t) g->w * C;
  in_img = (size_t) g->h * in_row;

  for (int b = 0; b < g->batch; b++)
    {
      const float *img = x + (size_t) b * in_img;

      for (int oy = 0; oy < g->out_h; oy++)
        {
          int iy0 = oy * g->sh - g->pad_top;

          for (int ox = 0; ox < g->out_w; ox++)
            {
              int ix0 = ox * g->sw - g->pad_left;
              int kx0, kx1;

              valid_span (ix0, g->kw, g->w, &kx0, &kx1);
              for (int ky = 0; ky < g->kh; ky++)
                {
                  int iy = iy0 + ky;

                  if (iy < 0 || iy >= g->h)
                    zero_floats (col, (size_t) g->kw * C);
                  else
                    {
                      const float *src = img + (size_t) iy * in_row + (size_t) (ix0 + kx0) * C;

                      zero_floats (col, (size_t) kx0 * C);
                      copy_floats (col + (size_t) kx0 * C, src, (size_t) (kx1 - kx0) * C);
                      zero_floats (col + (size_t) kx1 * C, (size_t) (g->kw - kx1) * C);
                    }
                  col += (size_t) g->kw * C;
                }
            }
        }
    }
}

void
lb_col2im (const LbConvGeometry *g, const float *col, float *dx)
{
  size_t C, in_row, in_img;

  g_return_if_fail (g != NULL && col != NULL && dx != NULL);

  C = (size_t) g->c;
  in_row = (size_t) g->w * C;
  in_img = (size_t) g->h * in_row;

  for (int b = 0; b < g->batch; b++)
    {
      float *img = dx + (size_t) b * in_img;

      for (int oy = 0; oy < g->out_h; oy++)
        {
          int iy0 = oy * g->sh - g->pad_top;

          for (int ox = 0; ox < g->out_w; ox++)
            {
              int ix0 = ox * g->sw - g->pad_left;
              int kx0, kx1;

              valid_span (ix0, g->kw, g->w, &kx0, &kx1);
              for (int ky = 0; ky < g->kh; ky++)
                {
                  int iy = iy0 + ky;

                  if (iy >= 0 && iy < g->h)
                    {
                      add_floats (img + (size_t) iy * in_row + (size_t) (ix0 + kx0) * C,
                                  col + (size_t) kx0 * C, (size_t) (kx1 - kx0) * C);
                    }
                  col += (size_t) g->kw * C;
                }
            }
        }
    }
}
