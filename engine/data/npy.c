/* npy.c — numpy .npy arrays and .npz archives
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <math.h>
#include <string.h>

#include "npy.h"
#include "../lb-error.h"

#define MAGIC_LEN       6
#define MAX_HEADER      ((gsize) 1 << 20)

struct _LbNpz
{
  LbZip *zip;
};

typedef struct
{
  const char *descr;
  LbNpyDType  dtype;
  gsize       size;
} DescrInfo;

static const DescrInfo descrs[] = {
  { "b1", LB_NPY_BOOL,    1 },
  { "i1", LB_NPY_INT8,    1 },
  { "u1", LB_NPY_UINT8,   1 },
  { "i2", LB_NPY_INT16,   2 },
  { "u2", LB_NPY_UINT16,  2 },
  { "i4", LB_NPY_INT32,   4 },
  { "u4", LB_NPY_UINT32,  4 },
  { "i8", LB_NPY_INT64,   8 },
  { "u8", LB_NPY_UINT64,  8 },
  { "f2", LB_NPY_FLOAT16, 2 },
  { "f4", LB_NPY_FLOAT32, 4 },
  { "f8", LB_NPY_FLOAT64, 8 },
  { "O",  LB_NPY_OBJECT,  0 },
  { "O8", LB_NPY_OBJECT,  0 },
  { "O4", LB_NPY_OBJECT,  0 },
};

const char *
lb_npy_dtype_name (LbNpyDType dtype)
{
  static const char *const names[] = {
    "bool", "int8", "uint8", "int16", "uint16", "int32", "uint32", "int64", "uint64",
    "float16", "float32", "float64", "object",
  };

  if ((guint) dtype < G_N_ELEMENTS (names))
    return names[dtype];
  return "unknown";
}

void
lb_npy_array_free (LbNpyArray *array)
{
  if (array == NULL)
    return;
  g_free (array->storage);
  lb_int_seqs_free (array->seqs);
  g_free (array);
}

/* ------------------------------------------------------------------ the header dict */

typedef struct
{
  const char *name;
  const char *start, *p, *end;
  gsize       base;       /* file offset of start */
} Lex;

static gboolean
lex_fail (Lex *lx, GError **error, int code, const char *what)
{
  g_set_error (error, LB_ERROR, code, "%s, byte %zu (.npy header): %s", lx->name,
               lx->base + (gsize) (lx->p - lx->start), what);
  return FALSE;
}

static void
lex_ws (Lex *lx)
{
  while (lx->p < lx->end && g_ascii_isspace (*lx->p))
    lx->p++;
}

static gboolean
lex_string (Lex *lx, char **out, GError **error)
{
  char q;
  GString *s;

  lex_ws (lx);
  if (lx->p >= lx->end || (*lx->p != '\'' && *lx->p != '"'))
    return lex_fail (lx, error, LB_ERROR_PARSE, "expected a quoted string");
  q = *lx->p++;
  s = g_string_new (NULL);
  while (lx->p < lx->end && *lx->p != q)
    {
      if (*lx->p == '\\' && lx->p + 1 < lx->end)
        lx->p++;
      g_string_append_c (s, *lx->p++);
    }
  if (lx->p >= lx->end)
    {
      g_string_free (s, TRUE);
      return lex_fail (lx, error, LB_ERROR_PARSE, "an unterminated string");
    }
  lx->p++;
  *out = g_string_free (s, FALSE);
  return TRUE;
}

static gboolean
lex_shape (Lex *lx, int *rank, guint64 *shape, GError **error)
{
  lex_ws (lx);
  if (lx->p >= lx->end || *lx->p != '(')
    return lex_fail (lx, error, LB_ERROR_PARSE, "expected the shape tuple");
  lx->p++;
  *rank = 0;
  for (;;)
    {
      guint64 v = 0;
      const char *digits;

      lex_ws (lx);
      if (lx->p < lx->end && *lx->p == ')')
        {
          lx->p++;
          return TRUE;
        }
      digits = lx->p;
      while (lx->p < lx->end && g_ascii_isdigit (*lx->p))
        {
          if (v > (G_MAXUINT64 - 9) / 10)
            return lex_fail (lx, error, LB_ERROR_PARSE, "a dimension too large");
          v = v * 10 + (guint64) (*lx->p++ - '0');
        }
      if (lx->p == digits)
        return lex_fail (lx, error, LB_ERROR_PARSE, "expected a dimension (a non-negative "
                         "integer)");
      if (lx->p < lx->end && *lx->p == 'L')   /* Python 2 long */
        lx->p++;
      if (*rank >= LB_NPY_MAX_RANK)
        return lex_fail (lx, error, LB_ERROR_UNSUPPORTED, "more than 8 dimensions");
      shape[(*rank)++] = v;
      lex_ws (lx);
      if (lx->p < lx->end && *lx->p == ',')
        lx->p++;
      else if (lx->p < lx->end && *lx->p != ')')
        return lex_fail (lx, error, LB_ERROR_PARSE, "expected “,” or “)” in the shape");
    }
}

static gboolean
lex_bool (Lex *lx, gboolean *out, GError **error)
{
  lex_ws (lx);
  if (lx->end - lx->p >= 4 && memcmp (lx->p, "True", 4) == 0)
    {
      *out = TRUE;
      lx->p += 4;
      return TRUE;
    }
  if (lx->end - lx->p >= 5 && memcmp (lx->p, "False", 5) == 0)
    {
      *out = FALSE;
      lx->p += 5;
      return TRUE;
    }
  return lex_fail (lx, error, LB_ERROR_PARSE, "expected True or False");
}

/* ------------------------------------------------------------------ conversion */

static float
half_to_float (guint16 h)
{
  int s = h >> 15, e = (h >> 10) & 0x1f, m = h & 0x3ff;
  float v;

  if (e == 0)
    v = ldexpf ((float) m, -24);
  else if (e == 31)
    v = m ? NAN : INFINITY;
  else
    v = ldexpf ((float) (m | 0x400), e - 25);
  return s ? -v : v;
}

double
lb_npy_array_get (const LbNpyArray *a, gsize i)
{
  const void *d;

  g_return_val_if_fail (a != NULL, 0);
  g_return_val_if_fail (i < a->n_elements || a->dtype == LB_NPY_OBJECT, 0);
  d = a->data;
  switch (a->dtype)
    {
    case LB_NPY_BOOL:    return ((const guint8 *) d)[i] != 0;
    case LB_NPY_INT8:    return ((const gint8 *) d)[i];
    case LB_NPY_UINT8:   return ((const guint8 *) d)[i];
    case LB_NPY_INT16:   return ((const gint16 *) d)[i];
    case LB_NPY_UINT16:  return ((const guint16 *) d)[i];
    case LB_NPY_INT32:   return ((const gint32 *) d)[i];
    case LB_NPY_UINT32:  return ((const guint32 *) d)[i];
    case LB_NPY_INT64:   return (double) ((const gint64 *) d)[i];
    case LB_NPY_UINT64:  return (double) ((const guint64 *) d)[i];
    case LB_NPY_FLOAT16: return half_to_float (((const guint16 *) d)[i]);
    case LB_NPY_FLOAT32: return ((const float *) d)[i];
    case LB_NPY_FLOAT64: return ((const double *) d)[i];
    default:             return 0;
    }
}

gboolean
lb_npy_array_to_float (const LbNpyArray *a, float *out)
{
  g_return_val_if_fail (a != NULL, FALSE);
  g_return_val_if_fail (out != NULL || a->n_elements == 0, FALSE);

  switch (a->dtype)
    {
    case LB_NPY_OBJECT:
      return FALSE;
    case LB_NPY_FLOAT32:
      memcpy (out, a->data, a->n_elements * sizeof (float));
      return TRUE;
    case LB_NPY_UINT8:
      for (gsize i = 0; i < a->n_elements; i++)
        out[i] = ((const guint8 *) a->data)[i];
      return TRUE;
    case LB_NPY_FLOAT64:
      for (gsize i = 0; i < a->n_elements; i++)
        out[i] = (float) ((const double *) a->data)[i];
      return TRUE;
    default:
      for (gsize i = 0; i < a->n_elements; i++)
        out[i] = (float) lb_npy_array_get (a, i);
      return TRUE;
    }
}

static void
swap_bytes (void *data, gsize n, gsize size)
{
  guint8 *p = data;

  for (gsize i = 0; i < n; i++, p += size)
    for (gsize a = 0, b = size - 1; a < b; a++, b--)
      {
        guint8 t = p[a];
        p[a] = p[b];
        p[b] = t;
      }
}

/* ------------------------------------------------------------------ .npy */

LbNpyArray *
lb_npy_parse (guint8 *bytes, gsize length, const char *name, GError **error)
{
  g_autofree guint8 *buf = bytes;
  g_autoptr (LbNpyArray) a = NULL;
  g_autofree char *descr = NULL;
  gboolean fortran = FALSE, have_descr = FALSE, have_fortran = FALSE, have_shape = FALSE;
  gsize prefix, hlen, data_off, need;
  const DescrInfo *info = NULL;
  guint8 major, minor;
  char order;
  Lex lx;

  g_return_val_if_fail (bytes != NULL || length == 0, NULL);
  g_return_val_if_fail (name != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (length == 0)
    {
      g_set_error (error, LB_ERROR, LB_ERROR_PARSE, "%s is empty (0 bytes): expected a .npy "
                   "array", name);
      return NULL;
    }
  if (length < MAGIC_LEN + 4 || memcmp (buf, "\x93NUMPY", MAGIC_LEN) != 0)
    {
      g_set_error (error, LB_ERROR, LB_ERROR_PARSE, "%s is not a .npy array (it does not start "
                   "with \\x93NUMPY)", name);
      return NULL;
    }
  major = buf[6];
  minor = buf[7];
  if (major == 1)
    {
      prefix = 10;
      hlen = buf[8] | (buf[9] << 8);
    }
  else if (major == 2 || major == 3)
    {
      if (length < 12)
        {
          g_set_error (error, LB_ERROR, LB_ERROR_PARSE, "%s ends inside the .npy preamble "
                       "(%zu bytes)", name, length);
          return NULL;
        }
      prefix = 12;
      hlen = (gsize) buf[8] | ((gsize) buf[9] << 8) | ((gsize) buf[10] << 16)
             | ((gsize) buf[11] << 24);
    }
  else
    {
      g_set_error (error, LB_ERROR, LB_ERROR_UNSUPPORTED, "%s uses .npy format version %u.%u; "
                   "versions 1.0, 2.0 and 3.0 are read", name, major, minor);
      return NULL;
    }
  if (hlen > length - prefix || hlen > MAX_HEADER)
    {
      g_set_error (error, LB_ERROR, LB_ERROR_PARSE, "%s, byte 8: the header declares %zu bytes "
                   "but only %zu follow: the file is truncated or corrupt", name, hlen,
                   length - prefix);
      return NULL;
    }
  data_off = prefix + hlen;

  a = g_new0 (LbNpyArray, 1);
  lx.name = name;
  lx.start = lx.p = (const char *) buf + prefix;
  lx.end = lx.start + hlen;
  lx.base = prefix;
  lex_ws (&lx);
  if (lx.p >= lx.end || *lx.p != '{')
    {
      lex_fail (&lx, error, LB_ERROR_PARSE, "expected “{”");
      return NULL;
    }
  lx.p++;
  for (;;)
    {
      g_autofree char *key = NULL;

      lex_ws (&lx);
      if (lx.p < lx.end && *lx.p == '}')
        break;
      if (!lex_string (&lx, &key, error))
        return NULL;
      lex_ws (&lx);
      if (lx.p >= lx.end || *lx.p != ':')
        {
          lex_fail (&lx, error, LB_ERROR_PARSE, "expected “:”");
          return NULL;
        }
      lx.p++;
      lex_ws (&lx);
      if (strcmp (key, "descr") == 0)
        {
          if (lx.p < lx.end && *lx.p == '[')
            {
              lex_fail (&lx, error, LB_ERROR_UNSUPPORTED, "a structured dtype (record array); "
                        "save each field as its own array");
              return NULL;
            }
          g_clear_pointer (&descr, g_free);
          if (!lex_string (&lx, &descr, error))
            return NULL;
          have_descr = TRUE;
        }
      else if (strcmp (key, "fortran_order") == 0)
        {
          if (!lex_bool (&lx, &fortran, error))
            return NULL;
          have_fortran = TRUE;
        }
      else if (strcmp (key, "shape") == 0)
        {
          if (!lex_shape (&lx, &a->rank, a->shape, error))
            return NULL;
          have_shape = TRUE;
        }
      else
        {
          g_autofree char *msg = g_strdup_printf ("an unknown key “%s”", key);
          lex_fail (&lx, error, LB_ERROR_PARSE, msg);
          return NULL;
        }
      lex_ws (&lx);
      if (lx.p < lx.end && *lx.p == ',')
        lx.p++;
      else if (lx.p < lx.end && *lx.p != '}')
        {
          lex_fail (&lx, error, LB_ERROR_PARSE, "expected “,” or “}”");
          return NULL;
        }
    }
  if (!have_descr || !have_fortran || !have_shape)
    {
      g_set_error (error, LB_ERROR, LB_ERROR_PARSE, "%s: the .npy header lacks “%s”", name,
                   !have_descr ? "descr" : !have_fortran ? "fortran_order" : "shape");
      return NULL;
    }

  order = descr[0];
  if (order == '<' || order == '>' || order == '|' || order == '=')
    {
      for (gsize k = 0; k < G_N_ELEMENTS (descrs); k++)
        if (strcmp (descr + 1, descrs[k].descr) == 0)
          info = &descrs[k];
    }
  if (info == NULL)
    {
      g_set_error (error, LB_ERROR, LB_ERROR_UNSUPPORTED, "%s: dtype “%s” is not read (numbers "
                   "such as <f4, <f8, |u1, <i4, <i8, or object arrays of integer lists); convert "
                   "with .astype('<f4')", name, descr);
      return NULL;
    }
  if (order == '>' && info->size > 1)
    {
      g_set_error (error, LB_ERROR, LB_ERROR_UNSUPPORTED, "%s: dtype “%s” is big-endian; re-save "
                   "it little-endian, e.g. np.save(path, a.astype('<%s'))", name, descr,
                   info->descr);
      return NULL;
    }
  if (fortran && a->rank > 1)
    {
      g_set_error (error, LB_ERROR, LB_ERROR_UNSUPPORTED, "%s is stored in Fortran (column-major) "
                   "order; re-save it in C order, e.g. np.save(path, np.ascontiguousarray(a))",
                   name);
      return NULL;
    }
  a->dtype = info->dtype;
  a->item_size = info->size;
  {
    guint64 n = 1;

    for (int k = 0; k < a->rank; k++)
      if (!g_uint64_checked_mul (&n, n, a->shape[k]))
        n = G_MAXUINT64;
    if (n > G_MAXSIZE / 16)
      {
        if (n == G_MAXUINT64)
          g_set_error (error, LB_ERROR, LB_ERROR_PARSE, "%s: the shape in the .npy header "
                       "declares more than 2⁶⁴ elements: the header is corrupt", name);
        else
          g_set_error (error, LB_ERROR, LB_ERROR_PARSE, "%s: the shape in the .npy header "
                       "declares %" G_GUINT64_FORMAT " elements: the header is corrupt", name, n);
        return NULL;
      }
    a->n_elements = (gsize) n;
  }

  if (a->dtype == LB_NPY_OBJECT)
    {
      a->seqs = lb_pickle_load_int_seqs (buf + data_off, length - data_off, name, data_off, error);
      if (a->seqs == NULL)
        return NULL;
      if (a->seqs->n != a->n_elements)
        {
          g_set_error (error, LB_ERROR, LB_ERROR_PARSE, "%s: the header declares %zu elements "
                       "but the pickled data holds %zu", name, a->n_elements, a->seqs->n);
          return NULL;
        }
      return g_steal_pointer (&a);
    }

  need = a->n_elements * a->item_size;
  if (length - data_off != need)
    {
      g_autoptr (GString) shape = g_string_new (NULL);

      for (int k = 0; k < a->rank; k++)
        g_string_append_printf (shape, "%s%" G_GUINT64_FORMAT, k ? "×" : "", a->shape[k]);
      g_set_error (error, LB_ERROR, LB_ERROR_PARSE, "%s: the header declares %s %s values "
                   "(%zu bytes from byte %zu) but %zu bytes follow it: %s", name,
                   a->rank ? shape->str : "a scalar", lb_npy_dtype_name (a->dtype), need,
                   data_off, length - data_off,
                   length - data_off < need ? "the file is truncated" : "the file is corrupt");
      return NULL;
    }
  /* numpy pads the header so the data is aligned; move it if it is not */
  if (data_off % MAX (a->item_size, 1) != 0)
    {
      memmove (buf, buf + data_off, need);
      data_off = 0;
    }
  a->storage = g_steal_pointer (&buf);
  a->data = (guint8 *) a->storage + data_off;
#if G_BYTE_ORDER == G_BIG_ENDIAN
  if (order == '<' && a->item_size > 1)
    swap_bytes (a->data, a->n_elements, a->item_size);
#else
  (void) swap_bytes;
#endif
  return g_steal_pointer (&a);
}

LbNpyArray *
lb_npy_load (const char *path, GCancellable *cancellable, GError **error)
{
  g_autoptr (GError) local = NULL;
  char *contents = NULL;
  gsize length = 0;

  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (cancellable != NULL && g_cancellable_is_cancelled (cancellable))
    {
      g_set_error (error, LB_ERROR, LB_ERROR_CANCELLED, "Reading “%s” was cancelled", path);
      return NULL;
    }
  /* allocates what the file really holds, never what a header claims */
  if (!g_file_get_contents (path, &contents, &length, &local))
    {
      g_set_error (error, LB_ERROR,
                   g_error_matches (local, G_FILE_ERROR, G_FILE_ERROR_NOENT) ? LB_ERROR_NOT_FOUND
                                                                             : LB_ERROR_IO,
                   "Could not read “%s”: %s", path, local->message);
      return NULL;
    }
  {
    g_autofree char *label = g_strdup_printf ("“%s”", path);
    return lb_npy_parse ((guint8 *) contents, length, label, error);
  }
}

/* ------------------------------------------------------------------ .npz */

LbNpz *
lb_npz_open (const char *path, GError **error)
{
  LbZip *zip;
  LbNpz *npz;

  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  zip = lb_zip_open (path, error);
  if (zip == NULL)
    return NULL;
  npz = g_new0 (LbNpz, 1);
  npz->zip = zip;
  return npz;
}

void
lb_npz_close (LbNpz *npz)
{
  if (npz == NULL)
    return;
  lb_zip_close (npz->zip);
  g_free (npz);
}

LbZip *
lb_npz_get_zip (LbNpz *npz)
{
  g_return_val_if_fail (npz != NULL, NULL);
  return npz->zip;
}

char **
lb_npz_list_members (LbNpz *npz)
{
  GPtrArray *names;
  guint n;

  g_return_val_if_fail (npz != NULL, NULL);
  n = lb_zip_get_n_entries (npz->zip);
  names = g_ptr_array_new ();
  for (guint i = 0; i < n; i++)
    {
      const char *m = lb_zip_get_entry (npz->zip, i)->name;
      gsize len = strlen (m);

      if (len > 4 && strcmp (m + len - 4, ".npy") == 0)
        g_ptr_array_add (names, g_strndup (m, len - 4));
      else
        g_ptr_array_add (names, g_strdup (m));
    }
  g_ptr_array_add (names, NULL);
  return (char **) g_ptr_array_free (names, FALSE);
}

static const LbZipEntry *
find_member (LbNpz *npz, const char *name)
{
  const LbZipEntry *e = lb_zip_find (npz->zip, name);

  /* as numpy's NpzFile: the name as stored, else the name listed (without ".npy"), which for
   * a member "a.npy.npy" is "a.npy" */
  if (e == NULL)
    {
      g_autofree char *full = g_strconcat (name, ".npy", NULL);
      e = lb_zip_find (npz->zip, full);
    }
  return e;
}

gboolean
lb_npz_has_member (LbNpz *npz, const char *name)
{
  g_return_val_if_fail (npz != NULL, FALSE);
  g_return_val_if_fail (name != NULL, FALSE);
  return find_member (npz, name) != NULL;
}

LbNpyArray *
lb_npz_read_member (LbNpz *npz, const char *name, GCancellable *cancellable, GError **error)
{
  const LbZipEntry *e;
  g_autofree char *label = NULL;
  guint8 *bytes;
  gsize length;

  g_return_val_if_fail (npz != NULL, NULL);
  g_return_val_if_fail (name != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  e = find_member (npz, name);
  if (e == NULL)
    {
      g_auto (GStrv) members = lb_npz_list_members (npz);
      g_autofree char *list = g_strjoinv (", ", members);

      g_set_error (error, LB_ERROR, LB_ERROR_NOT_FOUND, "“%s” has no array “%s” (it holds: %s)",
                   lb_zip_get_path (npz->zip), name, list[0] ? list : "nothing");
      return NULL;
    }
  bytes = lb_zip_read (npz->zip, e, &length, cancellable, error);
  if (bytes == NULL)
    return NULL;
  label = g_strdup_printf ("“%s”: member “%s”", lb_zip_get_path (npz->zip), e->name);
  return lb_npy_parse (bytes, length, label, error);
}
