/* test-data-npy.c — .npy / .npz / zip reader and the restricted unpickler
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The numpy pickles below were produced once by Python's pickle module with stand-ins for
 * numpy.core.multiarray._reconstruct, numpy.ndarray and numpy.dtype whose __reduce__ returns
 * exactly what numpy's C implementation returns (array_reduce / arraydescr_reduce):
 *   (_reconstruct, (ndarray, (0,), b'b'), (1, shape, dtype('O8', 0, 1) with state
 *    (3, '|', None, None, None, -1, -1, 63), False, [list, list, …]))
 * for the object array [[1, 14, 22, 16], [], [1, 300, 70000, 2**31 - 1, 0], [5]], at
 * protocols 2 (Python 3: bytes via _codecs.encode), 3 and 4; "py2" is the protocol-3 stream
 * rewritten the way Python 2 writes str (SHORT_BINSTRING). tests/data/pickle-objarray-1001-*
 * hold 1001 lists (list i = [i, i² mod 100000] if i mod 3 else []) at protocols 2 and 4: more
 * than 256 memo entries (LONG_BINPUT) and APPENDS batches of 1000.
 */
#include <glib.h>
#include <glib/gstdio.h>
#include <string.h>
#include <zlib.h>

#include "config.h"
#include "lb-error.h"
#include "data/npy.h"
#include "data/pickle.h"
#include "data/zip.h"
#include "lb-test-util.h"

static char *tmpdir;

static const guint8 pickle_p2_py3[240] = {
  0x80, 0x02, 0x63, 0x6e, 0x75, 0x6d, 0x70, 0x79, 0x2e, 0x63, 0x6f, 0x72, 0x65, 0x2e, 0x6d, 0x75,
  0x6c, 0x74, 0x69, 0x61, 0x72, 0x72, 0x61, 0x79, 0x0a, 0x5f, 0x72, 0x65, 0x63, 0x6f, 0x6e, 0x73,
  0x74, 0x72, 0x75, 0x63, 0x74, 0x0a, 0x71, 0x00, 0x63, 0x6e, 0x75, 0x6d, 0x70, 0x79, 0x0a, 0x6e,
  0x64, 0x61, 0x72, 0x72, 0x61, 0x79, 0x0a, 0x71, 0x01, 0x4b, 0x00, 0x85, 0x71, 0x02, 0x63, 0x5f,
  0x63, 0x6f, 0x64, 0x65, 0x63, 0x73, 0x0a, 0x65, 0x6e, 0x63, 0x6f, 0x64, 0x65, 0x0a, 0x71, 0x03,
  0x58, 0x01, 0x00, 0x00, 0x00, 0x62, 0x71, 0x04, 0x58, 0x06, 0x00, 0x00, 0x00, 0x6c, 0x61, 0x74,
  0x69, 0x6e, 0x31, 0x71, 0x05, 0x86, 0x71, 0x06, 0x52, 0x71, 0x07, 0x87, 0x71, 0x08, 0x52, 0x71,
  0x09, 0x28, 0x4b, 0x01, 0x4b, 0x04, 0x85, 0x71, 0x0a, 0x63, 0x6e, 0x75, 0x6d, 0x70, 0x79, 0x0a,
  0x64, 0x74, 0x79, 0x70, 0x65, 0x0a, 0x71, 0x0b, 0x58, 0x02, 0x00, 0x00, 0x00, 0x4f, 0x38, 0x71,
  0x0c, 0x4b, 0x00, 0x4b, 0x01, 0x87, 0x71, 0x0d, 0x52, 0x71, 0x0e, 0x28, 0x4b, 0x03, 0x58, 0x01,
  0x00, 0x00, 0x00, 0x7c, 0x71, 0x0f, 0x4e, 0x4e, 0x4e, 0x4a, 0xff, 0xff, 0xff, 0xff, 0x4a, 0xff,
  0xff, 0xff, 0xff, 0x4b, 0x3f, 0x74, 0x71, 0x10, 0x62, 0x89, 0x5d, 0x71, 0x11, 0x28, 0x5d, 0x71,
  0x12, 0x28, 0x4b, 0x01, 0x4b, 0x0e, 0x4b, 0x16, 0x4b, 0x10, 0x65, 0x5d, 0x71, 0x13, 0x5d, 0x71,
  0x14, 0x28, 0x4b, 0x01, 0x4d, 0x2c, 0x01, 0x4a, 0x70, 0x11, 0x01, 0x00, 0x4a, 0xff, 0xff, 0xff,
  0x7f, 0x4b, 0x00, 0x65, 0x5d, 0x71, 0x15, 0x4b, 0x05, 0x61, 0x65, 0x74, 0x71, 0x16, 0x62, 0x2e,
};

static const guint8 pickle_p3[200] = {
  0x80, 0x03, 0x63, 0x6e, 0x75, 0x6d, 0x70, 0x79, 0x2e, 0x63, 0x6f, 0x72, 0x65, 0x2e, 0x6d, 0x75,
  0x6c, 0x74, 0x69, 0x61, 0x72, 0x72, 0x61, 0x79, 0x0a, 0x5f, 0x72, 0x65, 0x63, 0x6f, 0x6e, 0x73,
  0x74, 0x72, 0x75, 0x63, 0x74, 0x0a, 0x71, 0x00, 0x63, 0x6e, 0x75, 0x6d, 0x70, 0x79, 0x0a, 0x6e,
  0x64, 0x61, 0x72, 0x72, 0x61, 0x79, 0x0a, 0x71, 0x01, 0x4b, 0x00, 0x85, 0x71, 0x02, 0x43, 0x01,
  0x62, 0x71, 0x03, 0x87, 0x71, 0x04, 0x52, 0x71, 0x05, 0x28, 0x4b, 0x01, 0x4b, 0x04, 0x85, 0x71,
  0x06, 0x63, 0x6e, 0x75, 0x6d, 0x70, 0x79, 0x0a, 0x64, 0x74, 0x79, 0x70, 0x65, 0x0a, 0x71, 0x07,
  0x58, 0x02, 0x00, 0x00, 0x00, 0x4f, 0x38, 0x71, 0x08, 0x4b, 0x00, 0x4b, 0x01, 0x87, 0x71, 0x09,
  0x52, 0x71, 0x0a, 0x28, 0x4b, 0x03, 0x58, 0x01, 0x00, 0x00, 0x00, 0x7c, 0x71, 0x0b, 0x4e, 0x4e,
  0x4e, 0x4a, 0xff, 0xff, 0xff, 0xff, 0x4a, 0xff, 0xff, 0xff, 0xff, 0x4b, 0x3f, 0x74, 0x71, 0x0c,
  0x62, 0x89, 0x5d, 0x71, 0x0d, 0x28, 0x5d, 0x71, 0x0e, 0x28, 0x4b, 0x01, 0x4b, 0x0e, 0x4b, 0x16,
  0x4b, 0x10, 0x65, 0x5d, 0x71, 0x0f, 0x5d, 0x71, 0x10, 0x28, 0x4b, 0x01, 0x4d, 0x2c, 0x01, 0x4a,
  0x70, 0x11, 0x01, 0x00, 0x4a, 0xff, 0xff, 0xff, 0x7f, 0x4b, 0x00, 0x65, 0x5d, 0x71, 0x11, 0x4b,
  0x05, 0x61, 0x65, 0x74, 0x71, 0x12, 0x62, 0x2e,
};

static const guint8 pickle_p4[190] = {
  0x80, 0x04, 0x95, 0xb3, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x8c, 0x15, 0x6e, 0x75, 0x6d,
  0x70, 0x79, 0x2e, 0x63, 0x6f, 0x72, 0x65, 0x2e, 0x6d, 0x75, 0x6c, 0x74, 0x69, 0x61, 0x72, 0x72,
  0x61, 0x79, 0x94, 0x8c, 0x0c, 0x5f, 0x72, 0x65, 0x63, 0x6f, 0x6e, 0x73, 0x74, 0x72, 0x75, 0x63,
  0x74, 0x94, 0x93, 0x94, 0x8c, 0x05, 0x6e, 0x75, 0x6d, 0x70, 0x79, 0x94, 0x8c, 0x07, 0x6e, 0x64,
  0x61, 0x72, 0x72, 0x61, 0x79, 0x94, 0x93, 0x94, 0x4b, 0x00, 0x85, 0x94, 0x43, 0x01, 0x62, 0x94,
  0x87, 0x94, 0x52, 0x94, 0x28, 0x4b, 0x01, 0x4b, 0x04, 0x85, 0x94, 0x68, 0x03, 0x8c, 0x05, 0x64,
  0x74, 0x79, 0x70, 0x65, 0x94, 0x93, 0x94, 0x8c, 0x02, 0x4f, 0x38, 0x94, 0x4b, 0x00, 0x4b, 0x01,
  0x87, 0x94, 0x52, 0x94, 0x28, 0x4b, 0x03, 0x8c, 0x01, 0x7c, 0x94, 0x4e, 0x4e, 0x4e, 0x4a, 0xff,
  0xff, 0xff, 0xff, 0x4a, 0xff, 0xff, 0xff, 0xff, 0x4b, 0x3f, 0x74, 0x94, 0x62, 0x89, 0x5d, 0x94,
  0x28, 0x5d, 0x94, 0x28, 0x4b, 0x01, 0x4b, 0x0e, 0x4b, 0x16, 0x4b, 0x10, 0x65, 0x5d, 0x94, 0x5d,
  0x94, 0x28, 0x4b, 0x01, 0x4d, 0x2c, 0x01, 0x4a, 0x70, 0x11, 0x01, 0x00, 0x4a, 0xff, 0xff, 0xff,
  0x7f, 0x4b, 0x00, 0x65, 0x5d, 0x94, 0x4b, 0x05, 0x61, 0x65, 0x74, 0x94, 0x62, 0x2e,
};

static const guint8 pickle_p2_py2[194] = {
  0x80, 0x02, 0x63, 0x6e, 0x75, 0x6d, 0x70, 0x79, 0x2e, 0x63, 0x6f, 0x72, 0x65, 0x2e, 0x6d, 0x75,
  0x6c, 0x74, 0x69, 0x61, 0x72, 0x72, 0x61, 0x79, 0x0a, 0x5f, 0x72, 0x65, 0x63, 0x6f, 0x6e, 0x73,
  0x74, 0x72, 0x75, 0x63, 0x74, 0x0a, 0x71, 0x00, 0x63, 0x6e, 0x75, 0x6d, 0x70, 0x79, 0x0a, 0x6e,
  0x64, 0x61, 0x72, 0x72, 0x61, 0x79, 0x0a, 0x71, 0x01, 0x4b, 0x00, 0x85, 0x71, 0x02, 0x55, 0x01,
  0x62, 0x71, 0x03, 0x87, 0x71, 0x04, 0x52, 0x71, 0x05, 0x28, 0x4b, 0x01, 0x4b, 0x04, 0x85, 0x71,
  0x06, 0x63, 0x6e, 0x75, 0x6d, 0x70, 0x79, 0x0a, 0x64, 0x74, 0x79, 0x70, 0x65, 0x0a, 0x71, 0x07,
  0x55, 0x02, 0x4f, 0x38, 0x71, 0x08, 0x4b, 0x00, 0x4b, 0x01, 0x87, 0x71, 0x09, 0x52, 0x71, 0x0a,
  0x28, 0x4b, 0x03, 0x55, 0x01, 0x7c, 0x71, 0x0b, 0x4e, 0x4e, 0x4e, 0x4a, 0xff, 0xff, 0xff, 0xff,
  0x4a, 0xff, 0xff, 0xff, 0xff, 0x4b, 0x3f, 0x74, 0x71, 0x0c, 0x62, 0x89, 0x5d, 0x71, 0x0d, 0x28,
  0x5d, 0x71, 0x0e, 0x28, 0x4b, 0x01, 0x4b, 0x0e, 0x4b, 0x16, 0x4b, 0x10, 0x65, 0x5d, 0x71, 0x0f,
  0x5d, 0x71, 0x10, 0x28, 0x4b, 0x01, 0x4d, 0x2c, 0x01, 0x4a, 0x70, 0x11, 0x01, 0x00, 0x4a, 0xff,
  0xff, 0xff, 0x7f, 0x4b, 0x00, 0x65, 0x5d, 0x71, 0x11, 0x4b, 0x05, 0x61, 0x65, 0x74, 0x71, 0x12,
  0x62, 0x2e,
};


static const gint32 fixture_values[] = { 1, 14, 22, 16, 1, 300, 70000, G_MAXINT32, 0, 5 };
static const guint64 fixture_offsets[] = { 0, 4, 4, 9, 10 };

/* ------------------------------------------------------------------ helpers */

static void
assert_error_names (const GError *error, int code, const char *name, const char *fragment)
{
  g_assert_error ((GError *) error, LB_ERROR, code);
  g_test_message ("%s", error->message);
  if (name != NULL && strstr (error->message, name) == NULL)
    g_error ("message “%s” does not name “%s”", error->message, name);
  if (fragment != NULL && strstr (error->message, fragment) == NULL)
    g_error ("message “%s” does not say “%s”", error->message, fragment);
}

static char *
write_file (const char *name, const void *data, gsize len)
{
  char *path = g_build_filename (tmpdir, name, NULL);
  g_autoptr (GError) error = NULL;

  g_file_set_contents (path, data, (gssize) len, &error);
  g_assert_no_error (error);
  return path;
}

/* host values → little-endian bytes */
static void
append_le (GByteArray *b, const void *values, gsize n, gsize size)
{
  const guint8 *v = values;

  for (gsize i = 0; i < n; i++, v += size)
    for (gsize k = 0; k < size; k++)
      {
#if G_BYTE_ORDER == G_LITTLE_ENDIAN
        g_byte_array_append (b, v + k, 1);
#else
        g_byte_array_append (b, v + size - 1 - k, 1);
#endif
      }
}

/* A .npy file as numpy writes it: magic, version, header length, the dict padded with spaces
 * and a newline so that the data starts at a multiple of 64. */
static GByteArray *
npy_bytes (int major, const char *descr, const char *fortran, const char *shape, const void *data,
           gsize n, gsize size)
{
  GByteArray *b = g_byte_array_new ();
  g_autoptr (GString) h = g_string_new (NULL);
  gsize prefix = major == 1 ? 10 : 12;
  guint8 pre[12] = { 0x93, 'N', 'U', 'M', 'P', 'Y', (guint8) major, 0 };

  g_string_printf (h, "{'descr': '%s', 'fortran_order': %s, 'shape': %s, }", descr, fortran,
                   shape);
  while ((prefix + h->len + 1) % 64 != 0)
    g_string_append_c (h, ' ');
  g_string_append_c (h, '\n');
  pre[8] = h->len & 0xff;
  pre[9] = (h->len >> 8) & 0xff;
  pre[10] = (h->len >> 16) & 0xff;
  pre[11] = (h->len >> 24) & 0xff;
  g_byte_array_append (b, pre, (guint) prefix);
  g_byte_array_append (b, (const guint8 *) h->str, (guint) h->len);
  if (size == 0)
    g_byte_array_append (b, data, (guint) n);   /* raw bytes (a pickle) */
  else
    append_le (b, data, n, size);
  return b;
}

static void
put16 (GByteArray *b, guint v)
{
  guint8 x[2] = { v & 0xff, (v >> 8) & 0xff };
  g_byte_array_append (b, x, 2);
}

static void
put32 (GByteArray *b, guint32 v)
{
  guint8 x[4] = { v & 0xff, (v >> 8) & 0xff, (v >> 16) & 0xff, v >> 24 };
  g_byte_array_append (b, x, 4);
}

static void
put64 (GByteArray *b, guint64 v)
{
  put32 (b, (guint32) v);
  put32 (b, (guint32) (v >> 32));
}

static GBytes *
raw_deflate (const void *data, gsize len)
{
  z_stream zs = { 0 };
  gsize cap = compressBound (len) + 64;
  guint8 *out = g_malloc (cap);

  g_assert_cmpint (deflateInit2 (&zs, 9, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY), ==, Z_OK);
  zs.next_in = (Bytef *) data;
  zs.avail_in = (uInt) len;
  zs.next_out = out;
  zs.avail_out = (uInt) cap;
  g_assert_cmpint (deflate (&zs, Z_FINISH), ==, Z_STREAM_END);
  cap = zs.total_out;
  deflateEnd (&zs);
  return g_bytes_new_take (out, cap);
}

typedef struct
{
  const char   *name;
  const guint8 *data;
  gsize         len;
  int           method;        /* 0 stored, 8 deflate */
  guint64       fake_size;     /* declared uncompressed size when nonzero */
} Member;

/* A zip archive written field by field (APPNOTE 6.3): local headers + data, the central
 * directory, and the end records; with zip64 every size and offset goes through the zip64
 * extra field (as numpy's savez writes local headers with force_zip64). */
static GByteArray *
zip_bytes (const Member *m, int n, gboolean zip64)
{
  GByteArray *b = g_byte_array_new ();
  g_autoptr (GByteArray) cd = g_byte_array_new ();
  guint64 cd_offset;

  for (int i = 0; i < n; i++)
    {
      g_autoptr (GBytes) packed = m[i].method == 8 ? raw_deflate (m[i].data, m[i].len)
                                                   : g_bytes_new_static (m[i].data, m[i].len);
      gsize csize;
      const guint8 *cdata = g_bytes_get_data (packed, &csize);
      guint64 usize = m[i].fake_size ? m[i].fake_size : m[i].len;
      guint32 crc = (guint32) crc32 (0, m[i].data, (uInt) m[i].len);
      guint64 offset = b->len;
      guint nlen = (guint) strlen (m[i].name);

      /* local header */
      put32 (b, 0x04034b50);
      put16 (b, zip64 ? 45 : 20);
      put16 (b, 0);
      put16 (b, (guint) m[i].method);
      put16 (b, 0);
      put16 (b, 0x21);
      put32 (b, crc);
      put32 (b, zip64 ? 0xffffffffu : (guint32) csize);
      put32 (b, zip64 ? 0xffffffffu : (guint32) usize);
      put16 (b, nlen);
      put16 (b, zip64 ? 20 : 0);
      g_byte_array_append (b, (const guint8 *) m[i].name, nlen);
      if (zip64)
        {
          put16 (b, 1);
          put16 (b, 16);
          put64 (b, usize);
          put64 (b, csize);
        }
      g_byte_array_append (b, cdata, (guint) csize);

      /* central directory entry */
      put32 (cd, 0x02014b50);
      put16 (cd, zip64 ? 45 : 20);
      put16 (cd, zip64 ? 45 : 20);
      put16 (cd, 0);
      put16 (cd, (guint) m[i].method);
      put16 (cd, 0);
      put16 (cd, 0x21);
      put32 (cd, crc);
      put32 (cd, zip64 ? 0xffffffffu : (guint32) csize);
      put32 (cd, zip64 ? 0xffffffffu : (guint32) usize);
      put16 (cd, nlen);
      put16 (cd, zip64 ? 28 : 0);
      put16 (cd, 0);
      put16 (cd, 0);
      put16 (cd, 0);
      put32 (cd, 0);
      put32 (cd, zip64 ? 0xffffffffu : (guint32) offset);
      g_byte_array_append (cd, (const guint8 *) m[i].name, nlen);
      if (zip64)
        {
          put16 (cd, 1);
          put16 (cd, 24);
          put64 (cd, usize);
          put64 (cd, csize);
          put64 (cd, offset);
        }
    }
  cd_offset = b->len;
  g_byte_array_append (b, cd->data, cd->len);
  if (zip64)
    {
      guint64 e64 = b->len;

      put32 (b, 0x06064b50);
      put64 (b, 44);
      put16 (b, 45);
      put16 (b, 45);
      put32 (b, 0);
      put32 (b, 0);
      put64 (b, (guint64) n);
      put64 (b, (guint64) n);
      put64 (b, cd->len);
      put64 (b, cd_offset);
      put32 (b, 0x07064b50);
      put32 (b, 0);
      put64 (b, e64);
      put32 (b, 1);
    }
  put32 (b, 0x06054b50);
  put16 (b, 0);
  put16 (b, 0);
  put16 (b, zip64 ? 0xffff : (guint) n);
  put16 (b, zip64 ? 0xffff : (guint) n);
  put32 (b, zip64 ? 0xffffffffu : cd->len);
  put32 (b, zip64 ? 0xffffffffu : (guint32) cd_offset);
  put16 (b, 0);
  return b;
}

static void
check_fixture_seqs (const LbIntSeqs *s)
{
  g_assert_nonnull (s);
  g_assert_cmpuint (s->n, ==, 4);
  g_assert_cmpmem (s->offsets, sizeof fixture_offsets, fixture_offsets, sizeof fixture_offsets);
  g_assert_cmpmem (s->values, sizeof fixture_values, fixture_values, sizeof fixture_values);
}

/* ------------------------------------------------------------------ .npy */

static void
test_npy_dtypes (void)
{
  static const float f4[6] = { 0.5f, -1.25f, 3e38f, 0, 1e-38f, -7 };
  static const double f8[3] = { 1e300, -0.1, 2.5 };
  static const guint8 u1[4] = { 0, 1, 128, 255 };
  static const gint32 i4[4] = { -2147483647 - 1, -1, 0, 2147483647 };
  static const gint64 i8[2] = { G_MININT64, 1234567890123LL };
  static const guint16 u2[3] = { 0, 40000, 65535 };
  static const gint16 i2[2] = { -32768, 12345 };
  static const guint8 b1[3] = { 1, 0, 1 };
  /* float16: 1.0 = 0x3c00, −2.0 = 0xc000, 0.5 = 0x3800, 65504 = 0x7bff */
  static const guint16 f2[4] = { 0x3c00, 0xc000, 0x3800, 0x7bff };
  static const float f2_expect[4] = { 1.0f, -2.0f, 0.5f, 65504.0f };
  struct
  {
    const char *descr, *shape;
    const void *data;
    gsize n, size;
    LbNpyDType dtype;
    int rank;
    int major;
  } cases[] = {
    { "<f4", "(2, 3)", f4, 6, 4, LB_NPY_FLOAT32, 2, 1 },
    { "<f8", "(3,)", f8, 3, 8, LB_NPY_FLOAT64, 1, 2 },
    { "|u1", "(2, 1, 2)", u1, 4, 1, LB_NPY_UINT8, 3, 3 },
    { "<i4", "(4,)", i4, 4, 4, LB_NPY_INT32, 1, 1 },
    { "<i8", "(1, 2)", i8, 2, 8, LB_NPY_INT64, 2, 1 },
    { "<u2", "(3L,)", u2, 3, 2, LB_NPY_UINT16, 1, 1 },   /* a Python 2 long */
    { "<i2", "(2,)", i2, 2, 2, LB_NPY_INT16, 1, 1 },
    { "|b1", "(3,)", b1, 3, 1, LB_NPY_BOOL, 1, 1 },
    { "<f2", "(4,)", f2, 4, 2, LB_NPY_FLOAT16, 1, 1 },
  };

  for (gsize k = 0; k < G_N_ELEMENTS (cases); k++)
    {
      g_autoptr (GByteArray) b = npy_bytes (cases[k].major, cases[k].descr, "False",
                                            cases[k].shape, cases[k].data, cases[k].n,
                                            cases[k].size);
      g_autoptr (GError) error = NULL;
      g_autoptr (LbNpyArray) a = lb_npy_parse (g_memdup2 (b->data, b->len), b->len,
                                               cases[k].descr, &error);

      g_assert_no_error (error);
      g_assert_cmpint (a->dtype, ==, cases[k].dtype);
      g_assert_cmpint (a->rank, ==, cases[k].rank);
      g_assert_cmpuint (a->n_elements, ==, cases[k].n);
      g_assert_cmpuint (a->item_size, ==, cases[k].size);
      g_assert_cmpmem (a->data, a->n_elements * a->item_size, cases[k].data,
                       cases[k].n * cases[k].size);
      if (cases[k].dtype == LB_NPY_FLOAT16)
        {
          float out[4];

          g_assert_true (lb_npy_array_to_float (a, out));
          g_assert_cmpmem (out, sizeof out, f2_expect, sizeof f2_expect);
        }
    }
  {
    g_autoptr (GByteArray) b = npy_bytes (1, "<f4", "False", "(2, 3)", f4, 6, 4);
    g_autoptr (GError) error = NULL;
    g_autoptr (LbNpyArray) a = lb_npy_parse (g_memdup2 (b->data, b->len), b->len, "f4", &error);
    float out[6];

    g_assert_no_error (error);
    g_assert_cmpuint (a->shape[0], ==, 2);
    g_assert_cmpuint (a->shape[1], ==, 3);
    g_assert_true (lb_npy_array_to_float (a, out));
    g_assert_cmpmem (out, sizeof out, f4, sizeof f4);
    g_assert_cmpfloat (lb_npy_array_get (a, 1), ==, -1.25);
  }
}

static void
test_npy_scalar_empty_file (void)
{
  static const double pi = 3.25;
  g_autoptr (GByteArray) s = npy_bytes (1, "<f8", "False", "()", &pi, 1, 8);
  g_autoptr (GByteArray) e = npy_bytes (1, "<f4", "False", "(0, 5)", NULL, 0, 4);
  g_autofree char *path = write_file ("scalar.npy", s->data, s->len);
  g_autoptr (GError) error = NULL;
  g_autoptr (LbNpyArray) a = lb_npy_load (path, NULL, &error);
  g_autoptr (LbNpyArray) z = NULL;

  g_assert_no_error (error);
  g_assert_cmpint (a->rank, ==, 0);
  g_assert_cmpuint (a->n_elements, ==, 1);
  g_assert_cmpfloat (lb_npy_array_get (a, 0), ==, 3.25);
  z = lb_npy_parse (g_memdup2 (e->data, e->len), e->len, "empty", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (z->n_elements, ==, 0);
  g_assert_cmpint (z->rank, ==, 2);
}

static void
test_npy_refused (void)
{
  static const float f4[6] = { 0 };
  struct
  {
    const char *descr, *fortran, *shape;
    int code;
    const char *fragment;
  } cases[] = {
    { ">f4", "False", "(6,)", LB_ERROR_UNSUPPORTED, "big-endian" },
    { "<f4", "True", "(2, 3)", LB_ERROR_UNSUPPORTED, "Fortran" },
    { "<U3", "False", "(2,)", LB_ERROR_UNSUPPORTED, "<U3" },
    { "<c8", "False", "(3,)", LB_ERROR_UNSUPPORTED, "<c8" },
  };

  for (gsize k = 0; k < G_N_ELEMENTS (cases); k++)
    {
      g_autoptr (GByteArray) b = npy_bytes (1, cases[k].descr, cases[k].fortran, cases[k].shape,
                                            f4, 6, 4);
      g_autofree char *path = write_file ("refused.npy", b->data, b->len);
      g_autoptr (GError) error = NULL;

      g_assert_null (lb_npy_load (path, NULL, &error));
      assert_error_names (error, cases[k].code, path, cases[k].fragment);
    }
  {
    /* 1-D arrays are both C and Fortran ordered: fortran_order True is fine */
    g_autoptr (GByteArray) b = npy_bytes (1, "<f4", "True", "(6,)", f4, 6, 4);
    g_autoptr (GError) error = NULL;
    g_autoptr (LbNpyArray) a = lb_npy_parse (g_memdup2 (b->data, b->len), b->len, "1d", &error);
    g_assert_no_error (error);
    g_assert_cmpuint (a->n_elements, ==, 6);
  }
  {
    /* a structured dtype */
    static const char hdr[] = "\x93NUMPY\x01\x00\x36\x00{'descr': [('a', '<f4')], "
                              "'fortran_order': False, 'shape': (1,), }\n";
    g_autoptr (GError) error = NULL;
    g_assert_null (lb_npy_parse (g_memdup2 (hdr, sizeof hdr - 1), sizeof hdr - 1, "rec",
                                 &error));
    assert_error_names (error, LB_ERROR_UNSUPPORTED, "rec", "structured");
  }
}

static void
test_npy_truncated (void)
{
  static const double f8[10] = { 0 };
  g_autoptr (GByteArray) b = npy_bytes (1, "<f8", "False", "(10,)", f8, 10, 8);
  g_autofree char *cut = write_file ("cut.npy", b->data, b->len - 40);   /* 5 of 10 values */
  g_autofree char *hdr = write_file ("cut-header.npy", b->data, 30);     /* inside the dict */
  g_autofree char *empty = write_file ("empty.npy", "", 0);
  g_autofree char *magic = write_file ("magic.npy", "PK\x03\x04 not numpy!!", 16);
  g_autoptr (GError) error = NULL;

  g_assert_null (lb_npy_load (cut, NULL, &error));
  /* 80 bytes declared from byte 128 (10 + a header padded to 118), 40 follow */
  assert_error_names (error, LB_ERROR_PARSE, cut, "80 bytes from byte 128");
  g_assert_nonnull (strstr (error->message, "truncated"));
  g_clear_error (&error);
  g_assert_null (lb_npy_load (hdr, NULL, &error));
  assert_error_names (error, LB_ERROR_PARSE, hdr, "byte 8");
  g_clear_error (&error);
  g_assert_null (lb_npy_load (empty, NULL, &error));
  assert_error_names (error, LB_ERROR_PARSE, empty, "empty");
  g_clear_error (&error);
  g_assert_null (lb_npy_load (magic, NULL, &error));
  assert_error_names (error, LB_ERROR_PARSE, magic, "NUMPY");
  g_clear_error (&error);
  {
    /* a shape whose byte count overflows */
    g_autoptr (GByteArray) o = npy_bytes (1, "<f8", "False",
                                          "(4294967296, 4294967296, 4294967296)", f8, 1, 8);
    g_assert_null (lb_npy_parse (g_memdup2 (o->data, o->len), o->len, "huge", &error));
    assert_error_names (error, LB_ERROR_PARSE, "huge", "corrupt");
  }
}

/* ------------------------------------------------------------------ .npz and zip */

static void
test_npz_members (void)
{
  static const float x[4] = { 1, 2, 3, 4.5f };
  static const gint64 y[2] = { 7, -1 };
  g_autoptr (GByteArray) xb = npy_bytes (1, "<f4", "False", "(2, 2)", x, 4, 4);
  g_autoptr (GByteArray) yb = npy_bytes (1, "<i8", "False", "(2,)", y, 2, 8);
  Member m[2] = {
    { "x_train.npy", xb->data, xb->len, 0, 0 },
    { "y_train.npy", yb->data, yb->len, 8, 0 },
  };

  for (int zip64 = 0; zip64 < 2; zip64++)
    {
      g_autoptr (GByteArray) z = zip_bytes (m, 2, zip64);
      g_autofree char *path = write_file (zip64 ? "members64.npz" : "members.npz", z->data,
                                          z->len);
      g_autoptr (GError) error = NULL;
      g_autoptr (LbNpz) npz = lb_npz_open (path, &error);
      g_auto (GStrv) names = NULL;

      g_assert_no_error (error);
      names = lb_npz_list_members (npz);
      g_assert_cmpuint (g_strv_length (names), ==, 2);
      g_assert_cmpstr (names[0], ==, "x_train");
      g_assert_cmpstr (names[1], ==, "y_train");
      g_assert_true (lb_npz_has_member (npz, "y_train.npy"));
      g_assert_false (lb_npz_has_member (npz, "x_test"));
      g_assert_cmpuint (lb_zip_get_entry (lb_npz_get_zip (npz), 1)->method, ==, 8);
      {
        g_autoptr (LbNpyArray) a = lb_npz_read_member (npz, "x_train", NULL, &error);
        g_assert_no_error (error);
        g_assert_cmpmem (a->data, 16, x, 16);
      }
      {
        g_autoptr (LbNpyArray) a = lb_npz_read_member (npz, "y_train.npy", NULL, &error);
        g_assert_no_error (error);
        g_assert_cmpint (a->dtype, ==, LB_NPY_INT64);
        g_assert_cmpmem (a->data, 16, y, 16);
      }
      g_assert_null (lb_npz_read_member (npz, "x_test", NULL, &error));
      assert_error_names (error, LB_ERROR_NOT_FOUND, path, "x_train, y_train");
    }
}

/* Every name lb_npz_list_members () gives can be read, as with numpy's NpzFile: a member
 * stored as "a.npy.npy" is listed as "a.npy" (found by the fuzzer) */
static void
test_npz_listed_names (void)
{
  static const float x[2] = { 1, -2 };
  g_autoptr (GByteArray) xb = npy_bytes (1, "<f4", "False", "(2,)", x, 2, 4);
  Member m[2] = {
    { "a.npy.npy", xb->data, xb->len, 0, 0 },
    { "b", xb->data, xb->len, 8, 0 },
  };
  g_autoptr (GByteArray) z = zip_bytes (m, 2, FALSE);
  g_autofree char *path = write_file ("names.npz", z->data, z->len);
  g_autoptr (GError) error = NULL;
  g_autoptr (LbNpz) npz = lb_npz_open (path, &error);
  g_auto (GStrv) names = NULL;

  g_assert_no_error (error);
  names = lb_npz_list_members (npz);
  g_assert_cmpuint (g_strv_length (names), ==, 2);
  g_assert_cmpstr (names[0], ==, "a.npy");
  g_assert_cmpstr (names[1], ==, "b");
  for (int i = 0; i < 2; i++)
    {
      g_autoptr (LbNpyArray) a = NULL;

      g_assert_true (lb_npz_has_member (npz, names[i]));
      a = lb_npz_read_member (npz, names[i], NULL, &error);
      g_assert_no_error (error);
      g_assert_cmpmem (a->data, 8, x, 8);
    }
  g_assert_true (lb_npz_has_member (npz, "a.npy.npy"));
  g_assert_false (lb_npz_has_member (npz, "a"));
}

static void
test_npz_object_member (void)
{
  g_autoptr (GByteArray) ob = npy_bytes (1, "|O", "False", "(4,)", pickle_p4,
                                         sizeof pickle_p4, 0);
  g_autoptr (GByteArray) wrong = npy_bytes (1, "|O", "False", "(5,)", pickle_p3,
                                            sizeof pickle_p3, 0);
  Member m[2] = {
    { "x_train.npy", ob->data, ob->len, 8, 0 },
    { "x_test.npy", wrong->data, wrong->len, 0, 0 },
  };
  g_autoptr (GByteArray) z = zip_bytes (m, 2, FALSE);
  g_autofree char *path = write_file ("imdb-like.npz", z->data, z->len);
  g_autoptr (GError) error = NULL;
  g_autoptr (LbNpz) npz = lb_npz_open (path, &error);
  g_autoptr (LbNpyArray) a = NULL;

  g_assert_no_error (error);
  a = lb_npz_read_member (npz, "x_train", NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (a->dtype, ==, LB_NPY_OBJECT);
  g_assert_null (a->data);
  check_fixture_seqs (a->seqs);
  /* the header's shape and the pickled data disagree */
  g_assert_null (lb_npz_read_member (npz, "x_test", NULL, &error));
  assert_error_names (error, LB_ERROR_PARSE, path, "x_test.npy");
}

static void
test_zip_bomb (void)
{
  g_autofree guint8 *zeros = g_malloc0 (1 << 20);
  g_autoptr (GError) error = NULL;

  {
    /* declares 100 bytes, inflates to 1 MiB: stopped at the declared size */
    Member m = { "bomb.npy", zeros, 1 << 20, 8, 100 };
    g_autoptr (GByteArray) z = zip_bytes (&m, 1, FALSE);
    g_autofree char *path = write_file ("bomb1.npz", z->data, z->len);
    g_autoptr (LbNpz) npz = lb_npz_open (path, &error);

    g_assert_no_error (error);
    g_assert_null (lb_npz_read_member (npz, "bomb", NULL, &error));
    assert_error_names (error, LB_ERROR_PARSE, path, "more than the 100 bytes");
    g_clear_error (&error);
  }
  {
    /* declares 50 GB from ~1 KB: refused before allocating (deflate tops out at 1032:1) */
    Member m = { "bomb.npy", zeros, 1 << 20, 8, (guint64) 50 << 30 };
    g_autoptr (GByteArray) z = zip_bytes (&m, 1, TRUE);
    g_autofree char *path = write_file ("bomb2.npz", z->data, z->len);
    g_autoptr (LbZip) zip = lb_zip_open (path, &error);
    gsize len;

    g_assert_no_error (error);
    lb_zip_set_max_member_size (zip, (guint64) 100 << 30);
    g_assert_null (lb_zip_read (zip, lb_zip_get_entry (zip, 0), &len, NULL, &error));
    assert_error_names (error, LB_ERROR_PARSE, path, "zip bomb");
    g_clear_error (&error);
    /* and with the default limit it is above the absolute cap */
    lb_zip_set_max_member_size (zip, LB_ZIP_DEFAULT_MAX_MEMBER_SIZE);
    g_assert_null (lb_zip_read (zip, lb_zip_get_entry (zip, 0), &len, NULL, &error));
    assert_error_names (error, LB_ERROR_NO_MEMORY, path, "limit");
    g_clear_error (&error);
  }
  {
    /* an honest 1 MiB member, but above a 64 KiB limit */
    Member m = { "big.npy", zeros, 1 << 20, 8, 0 };
    g_autoptr (GByteArray) z = zip_bytes (&m, 1, FALSE);
    g_autofree char *path = write_file ("big.npz", z->data, z->len);
    g_autoptr (LbZip) zip = lb_zip_open (path, &error);
    g_autofree guint8 *data = NULL;
    gsize len;

    g_assert_no_error (error);
    data = lb_zip_read (zip, lb_zip_get_entry (zip, 0), &len, NULL, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (len, ==, 1 << 20);
    g_assert_cmpmem (data, len, zeros, (gsize) 1 << 20);
    lb_zip_set_max_member_size (zip, 65536);
    g_assert_null (lb_zip_read (zip, lb_zip_get_entry (zip, 0), &len, NULL, &error));
    assert_error_names (error, LB_ERROR_NO_MEMORY, path, "limit of 65536");
  }
}

static void
test_zip_damaged (void)
{
  static const char text[] = "hello, npz";
  Member m = { "a.npy", (const guint8 *) text, sizeof text, 0, 0 };
  Member md = { "a.npy", (const guint8 *) text, sizeof text, 8, 0 };
  g_autoptr (GByteArray) z = zip_bytes (&m, 1, FALSE);
  g_autoptr (GByteArray) zd = zip_bytes (&md, 1, FALSE);
  g_autoptr (GError) error = NULL;
  gsize len;

  {
    /* cut in the middle: no end record */
    g_autofree char *path = write_file ("cut.npz", z->data, z->len / 2);
    g_assert_null (lb_npz_open (path, &error));
    assert_error_names (error, LB_ERROR_PARSE, path, "not a zip");
    g_clear_error (&error);
  }
  {
    g_autofree char *path = write_file ("empty.npz", "", 0);
    g_assert_null (lb_npz_open (path, &error));
    assert_error_names (error, LB_ERROR_PARSE, path, "empty");
    g_clear_error (&error);
  }
  {
    /* the central directory claims more compressed bytes than the file holds */
    g_autoptr (GByteArray) c = g_byte_array_new ();
    g_autofree char *path = NULL;
    g_autoptr (LbZip) zip = NULL;
    gsize cd = 30 + 5 + sizeof text;   /* local header + name + data */

    g_byte_array_append (c, z->data, z->len);
    c->data[cd + 20] = 0x00;
    c->data[cd + 21] = 0x10;   /* compressed size 4096 */
    c->data[cd + 24] = 0x00;
    c->data[cd + 25] = 0x10;   /* uncompressed size 4096 */
    path = write_file ("oversize.npz", c->data, c->len);
    zip = lb_zip_open (path, &error);
    g_assert_no_error (error);
    g_assert_null (lb_zip_read (zip, lb_zip_get_entry (zip, 0), &len, NULL, &error));
    assert_error_names (error, LB_ERROR_PARSE, path, "declares 4096 bytes");
    g_clear_error (&error);
  }
  {
    /* one flipped data byte: the CRC catches it */
    g_autoptr (GByteArray) c = g_byte_array_new ();
    g_autofree char *path = NULL;
    g_autoptr (LbZip) zip = NULL;

    g_byte_array_append (c, z->data, z->len);
    c->data[30 + 5 + 2] ^= 1;
    path = write_file ("crc.npz", c->data, c->len);
    zip = lb_zip_open (path, &error);
    g_assert_no_error (error);
    g_assert_null (lb_zip_read (zip, lb_zip_get_entry (zip, 0), &len, NULL, &error));
    assert_error_names (error, LB_ERROR_PARSE, path, "CRC");
    g_clear_error (&error);
  }
  {
    /* deflate data cut short: sizes say more than the stream holds */
    g_autoptr (GByteArray) c = g_byte_array_new ();
    g_autofree char *path = NULL;
    g_autoptr (LbZip) zip = NULL;

    g_byte_array_append (c, zd->data, zd->len);
    c->data[30 + 5] = 0xff;    /* garbage block header */
    path = write_file ("garbage.npz", c->data, c->len);
    zip = lb_zip_open (path, &error);
    g_assert_no_error (error);
    g_assert_null (lb_zip_read (zip, lb_zip_get_entry (zip, 0), &len, NULL, &error));
    assert_error_names (error, LB_ERROR_PARSE, path, "a.npy");
    g_clear_error (&error);
  }
  {
    /* an unsupported method (bzip2 = 12) and an encrypted member */
    g_autoptr (GByteArray) c = g_byte_array_new ();
    g_autofree char *path = NULL;
    g_autoptr (LbZip) zip = NULL;
    gsize cd = 30 + 5 + sizeof text;

    g_byte_array_append (c, z->data, z->len);
    c->data[cd + 10] = 12;
    path = write_file ("bzip2.npz", c->data, c->len);
    zip = lb_zip_open (path, &error);
    g_assert_no_error (error);
    g_assert_null (lb_zip_read (zip, lb_zip_get_entry (zip, 0), &len, NULL, &error));
    assert_error_names (error, LB_ERROR_UNSUPPORTED, path, "method 12");
    g_clear_error (&error);
    lb_zip_close (g_steal_pointer (&zip));
    c->data[cd + 10] = 0;
    c->data[cd + 8] = 1;
    g_free (path);
    path = write_file ("encrypted.npz", c->data, c->len);
    zip = lb_zip_open (path, &error);
    g_assert_no_error (error);
    g_assert_null (lb_zip_read (zip, lb_zip_get_entry (zip, 0), &len, NULL, &error));
    assert_error_names (error, LB_ERROR_UNSUPPORTED, path, "encrypted");
  }
}

/* ------------------------------------------------------------------ the unpickler */

static void
test_pickle_protocols (void)
{
  struct { const char *name; const guint8 *data; gsize len; } cases[] = {
    { "protocol 2 (Python 3)", pickle_p2_py3, sizeof pickle_p2_py3 },
    { "protocol 2 (Python 2)", pickle_p2_py2, sizeof pickle_p2_py2 },
    { "protocol 3", pickle_p3, sizeof pickle_p3 },
    { "protocol 4", pickle_p4, sizeof pickle_p4 },
  };

  for (gsize k = 0; k < G_N_ELEMENTS (cases); k++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (LbIntSeqs) s = lb_pickle_load_int_seqs (cases[k].data, cases[k].len,
                                                          cases[k].name, 0, &error);
      g_assert_no_error (error);
      check_fixture_seqs (s);
    }
}

static char *
data_path (const char *name)
{
  if (g_getenv ("G_TEST_SRCDIR") != NULL)
    return g_test_build_filename (G_TEST_DIST, "data", name, NULL);
  return g_build_filename (LB_SOURCE_DIR, "tests", "data", name, NULL);
}

static void
test_pickle_1001 (void)
{
  const char *names[] = { "pickle-objarray-1001-p2.bin", "pickle-objarray-1001-p4.bin" };

  for (gsize k = 0; k < G_N_ELEMENTS (names); k++)
    {
      g_autofree char *path = data_path (names[k]);
      g_autofree char *data = NULL;
      g_autoptr (GError) error = NULL;
      g_autoptr (LbIntSeqs) s = NULL;
      gsize len;

      g_file_get_contents (path, &data, &len, &error);
      g_assert_no_error (error);
      s = lb_pickle_load_int_seqs ((const guint8 *) data, len, names[k], 0, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (s->n, ==, 1001);
      for (int i = 0; i < 1001; i++)
        {
          guint64 a = s->offsets[i], b = s->offsets[i + 1];

          if (i % 3 == 0)
            g_assert_cmpuint (b - a, ==, 0);
          else
            {
              g_assert_cmpuint (b - a, ==, 2);
              g_assert_cmpint (s->values[a], ==, i);
              g_assert_cmpint (s->values[a + 1], ==, (i * i) % 100000);
            }
        }
    }
}

static void
expect_refused (const guint8 *data, gsize len, int code, const char *fragment)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (LbIntSeqs) s = lb_pickle_load_int_seqs (data, len, "evil.npy", 1000, &error);

  g_assert_null (s);
  assert_error_names (error, code, "evil.npy", fragment);
}

static void
test_pickle_malicious (void)
{
  /* os.system('ls'): GLOBAL at byte 2 (+1000 base offset) */
  static const guint8 os_system[] = "\x80\x02" "cos\nsystem\nq\x00X\x02\x00\x00\x00lsq\x01"
                                    "\x85q\x02Rq\x03.";
  /* builtins.eval through STACK_GLOBAL (protocol 4): the opcode at byte 20 */
  static const guint8 stack_eval[] = "\x80\x04\x8c\x08" "builtins\x94\x8c\x04" "eval\x94\x93"
                                     "\x94.";
  static const guint8 unknown_op[] = "\x80\x02]\xff.";
  static const guint8 dict_op[] = "\x80\x02}.";
  static const guint8 inst_op[] = "\x80\x02(iposix\nsystem\n.";
  /* BINUNICODE declaring 4 GB at byte 2 */
  static const guint8 huge_len[] = "\x80\x03X\xf0\xff\xff\xff" "abc.";
  static const guint8 truncated[] = "\x80\x02]q\x00(K\x01K\x02";
  /* a list appended to itself */
  static const guint8 self_list[] = "\x80\x02]q\x00h\x00" "a.";
  static const guint8 bad_proto[] = "\x80\x09]." ;
  static const guint8 stop_empty[] = "\x80\x02.";
  /* an int64 array, not an object array: dtype('<i8') */
  static const guint8 int_array[] = "\x80\x02" "cnumpy.core.multiarray\n_reconstruct\n"
                                    "cnumpy\nndarray\nK\x00\x85U\x01" "b\x87R"
                                    "(K\x01K\x01\x85" "cnumpy\ndtype\nU\x02i8K\x00K\x01\x87R"
                                    "(K\x03U\x01<NNNJ\xff\xff\xff\xffJ\xff\xff\xff\xffK\x00tb"
                                    "\x89U\x08\x01\x00\x00\x00\x00\x00\x00\x00tb.";
  GByteArray *deep = g_byte_array_new ();
  GByteArray *marks = g_byte_array_new ();
  GByteArray *shared = g_byte_array_new ();

  expect_refused (os_system, sizeof os_system - 1, LB_ERROR_UNSUPPORTED, "os.system");
  expect_refused (os_system, sizeof os_system - 1, LB_ERROR_UNSUPPORTED, "byte 1002");
  expect_refused (stack_eval, sizeof stack_eval - 1, LB_ERROR_UNSUPPORTED, "builtins.eval");
  expect_refused (stack_eval, sizeof stack_eval - 1, LB_ERROR_UNSUPPORTED, "byte 1020");
  expect_refused (unknown_op, sizeof unknown_op - 1, LB_ERROR_UNSUPPORTED, "0xff");
  expect_refused (unknown_op, sizeof unknown_op - 1, LB_ERROR_UNSUPPORTED, "byte 1003");
  expect_refused (dict_op, sizeof dict_op - 1, LB_ERROR_UNSUPPORTED, "EMPTY_DICT");
  expect_refused (inst_op, sizeof inst_op - 1, LB_ERROR_UNSUPPORTED, "INST");
  expect_refused (huge_len, sizeof huge_len - 1, LB_ERROR_PARSE, "byte 1002");
  expect_refused (huge_len, sizeof huge_len - 1, LB_ERROR_PARSE, "4294967280");
  expect_refused (truncated, sizeof truncated - 1, LB_ERROR_PARSE, "truncated");
  expect_refused (self_list, sizeof self_list - 1, LB_ERROR_UNSUPPORTED, "nest");
  expect_refused (bad_proto, sizeof bad_proto - 1, LB_ERROR_UNSUPPORTED, "protocol 9");
  expect_refused (stop_empty, sizeof stop_empty - 1, LB_ERROR_PARSE, "STOP");
  expect_refused (int_array, sizeof int_array - 1, LB_ERROR_UNSUPPORTED, "not an object array");
  expect_refused ((const guint8 *) "", 0, LB_ERROR_PARSE, "truncated");

  /* 10,000 nested 1-tuples */
  g_byte_array_append (deep, (const guint8 *) "\x80\x02)", 3);
  for (int i = 0; i < 10000; i++)
    g_byte_array_append (deep, (const guint8 *) "\x85", 1);
  g_byte_array_append (deep, (const guint8 *) ".", 1);
  expect_refused (deep->data, deep->len, LB_ERROR_UNSUPPORTED, "nested");
  g_byte_array_unref (deep);

  /* 100,000 MARKs */
  g_byte_array_append (marks, (const guint8 *) "\x80\x02", 2);
  for (int i = 0; i < 100000; i++)
    g_byte_array_append (marks, (const guint8 *) "(", 1);
  expect_refused (marks->data, marks->len, LB_ERROR_UNSUPPORTED, "MARK");
  g_byte_array_unref (marks);

  /* one list of 5 integers referenced 2000 times through the memo: 10,000 values from a
   * pickle of about 4 KB */
  g_byte_array_append (shared, (const guint8 *) "\x80\x02](]q\x00(K\x01K\x02K\x03K\x04K\x05"
                       "e", 19);
  for (int i = 0; i < 1999; i++)
    g_byte_array_append (shared, (const guint8 *) "h\x00", 2);
  g_byte_array_append (shared, (const guint8 *) "e.", 2);
  expect_refused (shared->data, shared->len, LB_ERROR_UNSUPPORTED, "expand");
  g_byte_array_unref (shared);

  /* 800,000 empty lists from 1.6 MB: each costs far more memory than its two bytes */
  {
    gsize n = 800000, len = 3 + 2 * n + 1;
    g_autofree guint8 *many = g_malloc (len);

    memcpy (many, "\x80\x02]", 3);
    for (gsize i = 0; i < n; i++)
      memcpy (many + 3 + 2 * i, "]a", 2);
    many[len - 1] = '.';
    expect_refused (many, len, LB_ERROR_UNSUPPORTED, "MB of objects");
  }
}

static void
test_keras_imdb (void)
{
  g_autofree char *path = g_build_filename (g_get_home_dir (), ".keras", "datasets", "imdb.npz",
                                            NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (LbNpz) npz = NULL;
  g_autoptr (LbNpyArray) x = NULL;
  g_autoptr (LbNpyArray) y = NULL;

  if (!g_file_test (path, G_FILE_TEST_EXISTS))
    {
      g_test_skip ("Keras's imdb.npz is not in ~/.keras/datasets");
      return;
    }
  npz = lb_npz_open (path, &error);
  g_assert_no_error (error);
  x = lb_npz_read_member (npz, "x_train", NULL, &error);
  g_assert_no_error (error);
  y = lb_npz_read_member (npz, "y_train", NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (x->seqs->n, ==, 25000);
  g_assert_cmpuint (y->n_elements, ==, 25000);
  g_assert_cmpint (x->seqs->values[0], ==, 1);   /* every review starts with the start token */
}

int
main (int argc, char **argv)
{
  int ret;

  g_test_init (&argc, &argv, NULL);
  tmpdir = g_dir_make_tmp ("lb-test-npy-XXXXXX", NULL);
  g_assert_nonnull (tmpdir);

  g_test_add_func ("/engine/data/npy/dtypes", test_npy_dtypes);
  g_test_add_func ("/engine/data/npy/scalar-empty-file", test_npy_scalar_empty_file);
  g_test_add_func ("/engine/data/npy/refused", test_npy_refused);
  g_test_add_func ("/engine/data/npy/truncated", test_npy_truncated);
  g_test_add_func ("/engine/data/npz/members", test_npz_members);
  g_test_add_func ("/engine/data/npz/listed-names", test_npz_listed_names);
  g_test_add_func ("/engine/data/npz/object-member", test_npz_object_member);
  g_test_add_func ("/engine/data/npz/zip-bomb", test_zip_bomb);
  g_test_add_func ("/engine/data/npz/zip-damaged", test_zip_damaged);
  g_test_add_func ("/engine/data/pickle/protocols", test_pickle_protocols);
  g_test_add_func ("/engine/data/pickle/1001-lists", test_pickle_1001);
  g_test_add_func ("/engine/data/pickle/malicious", test_pickle_malicious);
  g_test_add_func ("/engine/data/npz/keras-imdb", test_keras_imdb);

  ret = g_test_run ();
  lb_test_remove_tree (tmpdir);
  g_free (tmpdir);
  return ret;
}
