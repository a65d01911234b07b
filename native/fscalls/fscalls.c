/*
 * File-system calls Node has no API for, for sigchain's bulk store work. A tiny N-API addon:
 *
 *   exchange(a, b) -> 0 when swapped, else the errno (ENOENT: a name is missing; EISDIR: b is
 *                     a folder, ELOOP: b is another non-regular file (symlink, fifo…), EMLINK:
 *                     b has other hard links; all left alone, since the caller reuses what
 *                     lands under a as its own plain file; EINVAL, ENOSYS, EOPNOTSUPP: the
 *                     kernel or filesystem cannot swap). Linux renameat2 with RENAME_EXCHANGE:
 *                     a bulk replace swaps a file's new content in and keeps the old inode under
 *                     the temp name for reuse, in one directory operation instead of a hard link
 *                     plus a rename.
 *
 *   readFiles(dir, names, max[, modes]) -> one entry per name: its bytes as a latin1 string,
 *                     the errno that stopped it, or -1 when it holds more than max bytes. Or a
 *                     number (the errno) when dir cannot be opened. With modes (a Uint32Array),
 *                     each opened file's st_mode is written there, for callers that check it. Each file is opened relative to the
 *                     folder (openat: one path component to resolve, not the whole path) and
 *                     read in one loop here, so listing 10,000 tokens costs the kernel's work
 *                     and not ten thousand round trips through node:fs.
 *
 *   readFilesAsync(dir, names, max) -> a promise of [entries, modes]: what readFiles answers (the
 *                     entries), read on libuv's thread pool, with each opened file's st_mode in
 *                     modes (an ArrayBuffer of uint32); or of the errno when dir cannot be
 *                     opened. A listing decodes one slice of files while the next is read.
 *
 *   createFiles(paths, data, ends, modes) -> [done, errno]: creates each new file of paths
 *                     (O_EXCL: an existing name is EEXIST, a symlink is never followed) with its
 *                     exact mode (fchmod when the umask took bits away) and writes its bytes,
 *                     data[ends[i-1]..ends[i]); stops at the first failure. For the temp files of
 *                     a bulk write: one call per thousands of files instead of three round trips
 *                     through node:fs for each.
 *
 *   renameFiles(from, to) -> [done, errno]: renames each from[i] to to[i]; stops at the first
 *                     failure.
 *
 * All return errnos rather than throwing: every caller has a fallback for them.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <node_api.h>

#ifndef RENAME_EXCHANGE
#define RENAME_EXCHANGE (1 << 1)
#endif

#define MAX_PATH_BYTES 4096

/* Copies a JS string into buf; 0 on success, else an errno for the caller to return. */
static int path_arg(napi_env env, napi_value v, char *buf) {
  size_t len;
  if (napi_get_value_string_utf8(env, v, NULL, 0, &len) != napi_ok) return EINVAL;
  if (len >= MAX_PATH_BYTES) return ENAMETOOLONG;
  if (napi_get_value_string_utf8(env, v, buf, MAX_PATH_BYTES, &len) != napi_ok) return EINVAL;
  /* A NUL inside would name a shorter path than the caller meant (node:fs refuses those too). */
  if (strlen(buf) != len) return EINVAL;
  return 0;
}

static napi_value Exchange(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  char a[MAX_PATH_BYTES], b[MAX_PATH_BYTES]; /* on the stack: worker threads call this at once */
  int err;
  napi_value out;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok) return NULL;
  if (argc < 2) {
    napi_throw_type_error(env, NULL, "exchange(a, b) takes two paths");
    return NULL;
  }
  err = path_arg(env, argv[0], a);
  if (!err) err = path_arg(env, argv[1], b);
  if (!err) {
    struct stat st;
    if (fstatat(AT_FDCWD, b, &st, AT_SYMLINK_NOFOLLOW) != 0) err = errno;
    else if (S_ISDIR(st.st_mode)) err = EISDIR;
    else if (!S_ISREG(st.st_mode)) err = ELOOP;
    else if (st.st_nlink > 1) err = EMLINK; /* linked elsewhere too: reusing it would write there */
  }
#ifdef SYS_renameat2
  if (!err && syscall(SYS_renameat2, AT_FDCWD, a, AT_FDCWD, b, RENAME_EXCHANGE) != 0) err = errno;
#else
  if (!err) err = ENOSYS;
#endif
  if (napi_create_int32(env, err, &out) != napi_ok) return NULL;
  return out;
}

#define MAX_READ_BYTES (1 << 20)

static napi_value int_value(napi_env env, int32_t v) {
  napi_value out;
  if (napi_create_int32(env, v, &out) != napi_ok) return NULL;
  return out;
}

/* Reads fd to its end into buf (up to cap bytes); the count, or -errno. */
static long read_all(int fd, char *buf, long cap) {
  long total = 0;
  while (total < cap) {
    ssize_t r = read(fd, buf + total, (size_t)(cap - total));
    if (r < 0) {
      if (errno == EINTR) continue;
      return -(long)errno;
    }
    if (r == 0) break;
    total += r;
  }
  return total;
}

static napi_value ReadFiles(napi_env env, napi_callback_info info) {
  size_t argc = 4;
  napi_value argv[4];
  uint32_t *modes = NULL;
  size_t modes_length = 0;
  char dir[MAX_PATH_BYTES], name[MAX_PATH_BYTES];
  uint32_t n = 0;
  int32_t max = 0;
  bool is_array = false;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok) return NULL;
  if (argc < 3 || napi_is_array(env, argv[1], &is_array) != napi_ok || !is_array || napi_get_value_int32(env, argv[2], &max) != napi_ok || max < 1 || max > MAX_READ_BYTES) {
    napi_throw_type_error(env, NULL, "readFiles(dir, names, max) takes a folder, an array of names and a size of 1 byte to 1 MiB");
    return NULL;
  }
  if (argc >= 4) {
    /* Optional: a Uint32Array that gets each opened file's st_mode (0 for the others). */
    napi_typedarray_type ta_type;
    void *data = NULL;
    bool is_ta = false;
    if (napi_is_typedarray(env, argv[3], &is_ta) != napi_ok || !is_ta || napi_get_typedarray_info(env, argv[3], &ta_type, &modes_length, &data, NULL, NULL) != napi_ok || ta_type != napi_uint32_array) {
      napi_throw_type_error(env, NULL, "readFiles: the fourth argument, when given, is a Uint32Array for the modes");
      return NULL;
    }
    modes = data;
  }
  int err = path_arg(env, argv[0], dir);
  if (err) return int_value(env, err);
  if (napi_get_array_length(env, argv[1], &n) != napi_ok) return NULL;
  int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd < 0) return int_value(env, errno);
  /* One byte more than max: a file that fills it holds more than max. */
  char *buf = malloc((size_t)max + 1);
  napi_value out;
  if (!buf || napi_create_array_with_length(env, n, &out) != napi_ok) {
    free(buf);
    close(dfd);
    return buf ? NULL : int_value(env, ENOMEM);
  }
  for (uint32_t i = 0; i < n; i++) {
    napi_value v, entry;
    napi_valuetype type;
    if (napi_get_element(env, argv[1], i, &v) != napi_ok || napi_typeof(env, v, &type) != napi_ok) break;
    /* Names come from a folder listing: one component, never a path out of the folder. */
    err = type == napi_string ? path_arg(env, v, name) : EINVAL;
    if (!err && (name[0] == 0 || strchr(name, '/') != NULL)) err = EINVAL;
    long got = 0;
    if (!err) {
      /* O_NONBLOCK: a fifo planted in the folder reads as empty instead of hanging the reader. */
      int fd = openat(dfd, name, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
      if (fd < 0) err = errno;
      else {
        if (modes && i < modes_length) {
          struct stat st;
          modes[i] = fstat(fd, &st) == 0 ? (uint32_t)st.st_mode : 0;
        }
        got = read_all(fd, buf, (long)max + 1);
        if (got < 0) err = (int)-got;
        close(fd);
      }
    }
    if (err && modes && i < modes_length) modes[i] = 0;
    napi_status st;
    if (err) st = napi_create_int32(env, err, &entry);
    else if (got > max) st = napi_create_int32(env, -1, &entry);
    else st = napi_create_string_latin1(env, buf, (size_t)got, &entry);
    if (st != napi_ok || napi_set_element(env, out, i, entry) != napi_ok) break;
  }
  free(buf);
  close(dfd);
  return out;
}

/*
 * readFilesAsync: what readFiles does, on libuv's thread pool. The names are copied here (the
 * pool thread touches no JS value), every file is read into one growing buffer there, and the
 * strings are made back on the JS thread, where the promise settles. A listing reads the next
 * slice of files while it decodes the one before.
 */
typedef struct {
  napi_async_work work;
  napi_deferred deferred;
  char *dir;
  char **names;
  uint32_t n;
  long max;
  int dir_err;   /* the folder could not be opened: the promise gets this errno */
  int *errs;     /* per file: 0, an errno, or -1 (more than max bytes) */
  size_t *ends;  /* per file: the end of its bytes in data */
  uint32_t *modes;
  char *data;
  size_t cap;
} read_job;

static void read_job_free(read_job *j) {
  if (j->names) for (uint32_t i = 0; i < j->n; i++) free(j->names[i]);
  free(j->names);
  free(j->dir);
  free(j->errs);
  free(j->ends);
  free(j->modes);
  free(j->data);
  free(j);
}

static void read_job_execute(napi_env env, void *arg) {
  (void)env;
  read_job *j = arg;
  int dfd = open(j->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd < 0) {
    j->dir_err = errno;
    return;
  }
  size_t used = 0;
  for (uint32_t i = 0; i < j->n; i++) {
    j->ends[i] = used;
    if (j->errs[i]) continue; /* a bad name, found on the JS thread */
    /* Room for max + 1 bytes: a file that fills it holds more than max. */
    if (j->cap - used < (size_t)j->max + 1) {
      size_t cap = j->cap * 2 > used + (size_t)j->max + 1 ? j->cap * 2 : used + (size_t)j->max + 1;
      char *grown = realloc(j->data, cap);
      if (!grown) {
        j->errs[i] = ENOMEM;
        continue;
      }
      j->data = grown;
      j->cap = cap;
    }
    int fd = openat(dfd, j->names[i], O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
    if (fd < 0) {
      j->errs[i] = errno;
      continue;
    }
    struct stat st;
    j->modes[i] = fstat(fd, &st) == 0 ? (uint32_t)st.st_mode : 0;
    long got = read_all(fd, j->data + used, j->max + 1);
    close(fd);
    if (got < 0) j->errs[i] = (int)-got;
    else if (got > j->max) j->errs[i] = -1;
    else used += (size_t)got;
    if (j->errs[i] > 0) j->modes[i] = 0; /* as readFiles: a file too big keeps its mode */
    j->ends[i] = used;
  }
  close(dfd);
}

static void read_job_execute_or_skip(napi_env env, void *arg) {
  read_job *j = arg;
  if (!j->dir_err) read_job_execute(env, arg);
}

static void read_job_complete(napi_env env, napi_status status, void *arg) {
  read_job *j = arg;
  napi_value out = NULL, modes_buf = NULL, result = NULL;
  bool ok = status == napi_ok;
  if (ok && j->dir_err) {
    ok = napi_create_int32(env, j->dir_err, &result) == napi_ok;
  } else if (ok) {
    void *mode_data = NULL;
    ok = napi_create_array_with_length(env, j->n, &out) == napi_ok && napi_create_arraybuffer(env, (size_t)j->n * 4, &mode_data, &modes_buf) == napi_ok;
    if (ok && j->n) memcpy(mode_data, j->modes, (size_t)j->n * 4);
    for (uint32_t i = 0; ok && i < j->n; i++) {
      napi_value entry;
      size_t from = i ? j->ends[i - 1] : 0;
      if (j->errs[i]) ok = napi_create_int32(env, j->errs[i], &entry) == napi_ok;
      else ok = napi_create_string_latin1(env, j->data + from, j->ends[i] - from, &entry) == napi_ok;
      if (ok) ok = napi_set_element(env, out, i, entry) == napi_ok;
    }
    /* [texts, modes]: the modes as an ArrayBuffer of n uint32. */
    if (ok) ok = napi_create_array_with_length(env, 2, &result) == napi_ok && napi_set_element(env, result, 0, out) == napi_ok && napi_set_element(env, result, 1, modes_buf) == napi_ok;
  }
  if (ok) napi_resolve_deferred(env, j->deferred, result);
  else {
    napi_value msg, err;
    napi_create_string_utf8(env, "readFilesAsync failed", NAPI_AUTO_LENGTH, &msg);
    napi_create_error(env, NULL, msg, &err);
    napi_reject_deferred(env, j->deferred, err);
  }
  napi_delete_async_work(env, j->work);
  read_job_free(j);
}

static napi_value ReadFilesAsync(napi_env env, napi_callback_info info) {
  size_t argc = 3;
  napi_value argv[3], promise, name;
  int32_t max = 0;
  uint32_t n = 0;
  bool is_array = false;
  char path[MAX_PATH_BYTES];
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok) return NULL;
  if (argc < 3 || napi_is_array(env, argv[1], &is_array) != napi_ok || !is_array || napi_get_value_int32(env, argv[2], &max) != napi_ok || max < 1 || max > MAX_READ_BYTES) {
    napi_throw_type_error(env, NULL, "readFilesAsync(dir, names, max) takes a folder, an array of names and a size of 1 byte to 1 MiB");
    return NULL;
  }
  if (napi_get_array_length(env, argv[1], &n) != napi_ok) return NULL;
  read_job *j = calloc(1, sizeof *j);
  if (!j) return NULL;
  j->n = n;
  j->max = max;
  j->names = calloc(n ? n : 1, sizeof *j->names);
  j->errs = calloc(n ? n : 1, sizeof *j->errs);
  j->ends = calloc(n ? n : 1, sizeof *j->ends);
  j->modes = calloc(n ? n : 1, sizeof *j->modes);
  j->cap = 64 * 1024;
  j->data = malloc(j->cap);
  int err = path_arg(env, argv[0], path);
  if (!j->names || !j->errs || !j->ends || !j->modes || !j->data) err = ENOMEM;
  if (!err) j->dir = strdup(path);
  if (!err && !j->dir) err = ENOMEM;
  if (err) j->dir_err = err; /* settled as a folder that cannot be opened */
  for (uint32_t i = 0; !err && i < n; i++) {
    napi_valuetype type;
    if (napi_get_element(env, argv[1], i, &name) != napi_ok || napi_typeof(env, name, &type) != napi_ok) {
      read_job_free(j);
      return NULL;
    }
    /* Names come from a folder listing: one component, never a path out of the folder. */
    int bad = type == napi_string ? path_arg(env, name, path) : EINVAL;
    if (!bad && (path[0] == 0 || strchr(path, '/') != NULL)) bad = EINVAL;
    if (!bad && !(j->names[i] = strdup(path))) bad = ENOMEM;
    j->errs[i] = bad;
  }
  napi_value resource_name;
  if (napi_create_promise(env, &j->deferred, &promise) != napi_ok || napi_create_string_utf8(env, "sigchain:readFilesAsync", NAPI_AUTO_LENGTH, &resource_name) != napi_ok ||
      napi_create_async_work(env, NULL, resource_name, read_job_execute_or_skip, read_job_complete, j, &j->work) != napi_ok || napi_queue_async_work(env, j->work) != napi_ok) {
    read_job_free(j);
    return NULL;
  }
  return promise;
}

/* [done, errno] as a JS array. */
static napi_value progress(napi_env env, uint32_t done, int err) {
  napi_value out, a, b;
  if (napi_create_array_with_length(env, 2, &out) != napi_ok || napi_create_uint32(env, done, &a) != napi_ok || napi_create_int32(env, err, &b) != napi_ok ||
      napi_set_element(env, out, 0, a) != napi_ok || napi_set_element(env, out, 1, b) != napi_ok)
    return NULL;
  return out;
}

/* The i-th string of a JS array into buf (a path). */
static int path_at(napi_env env, napi_value list, uint32_t i, char *buf) {
  napi_value v;
  napi_valuetype type;
  if (napi_get_element(env, list, i, &v) != napi_ok || napi_typeof(env, v, &type) != napi_ok || type != napi_string) return EINVAL;
  return path_arg(env, v, buf);
}

static napi_value CreateFiles(napi_env env, napi_callback_info info) {
  size_t argc = 4;
  napi_value argv[4];
  char path[MAX_PATH_BYTES];
  uint32_t n = 0;
  bool is_array = false, is_buffer = false;
  void *data = NULL, *ends_data = NULL, *modes_data = NULL;
  size_t data_len = 0, ends_len = 0, modes_len = 0;
  napi_typedarray_type t1, t2;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok) return NULL;
  if (argc < 4 || napi_is_array(env, argv[0], &is_array) != napi_ok || !is_array || napi_get_array_length(env, argv[0], &n) != napi_ok ||
      napi_is_buffer(env, argv[1], &is_buffer) != napi_ok || !is_buffer || napi_get_buffer_info(env, argv[1], &data, &data_len) != napi_ok ||
      napi_get_typedarray_info(env, argv[2], &t1, &ends_len, &ends_data, NULL, NULL) != napi_ok || t1 != napi_uint32_array ||
      napi_get_typedarray_info(env, argv[3], &t2, &modes_len, &modes_data, NULL, NULL) != napi_ok || t2 != napi_uint32_array || ends_len < n || modes_len < n) {
    napi_throw_type_error(env, NULL, "createFiles(paths, data, ends, modes) takes an array of paths, a Buffer and two Uint32Arrays of one entry per path");
    return NULL;
  }
  const uint32_t *ends = ends_data, *modes = modes_data;
  /* The umask is the process's: a mode that came out whole once does for every file. */
  mode_t whole[8];
  int nwhole = 0;
  uint32_t start = 0;
  for (uint32_t i = 0; i < n; i++) {
    int err = path_at(env, argv[0], i, path);
    if (!err && (ends[i] < start || ends[i] > data_len)) err = EINVAL;
    if (err) return progress(env, i, err);
    mode_t mode = (mode_t)(modes[i] & 07777);
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY, mode);
    if (fd < 0) return progress(env, i, errno);
    int known = 0;
    for (int k = 0; k < nwhole; k++) known |= whole[k] == mode;
    if (!known) {
      struct stat st;
      if (fstat(fd, &st) != 0) err = errno;
      else if ((st.st_mode & 07777) != mode) {
        if (fchmod(fd, mode) != 0) err = errno;
      } else if (nwhole < 8) whole[nwhole++] = mode;
    }
    const char *p = (const char *)data + start;
    size_t left = ends[i] - start;
    while (!err && left > 0) {
      ssize_t w = write(fd, p, left);
      if (w < 0) {
        if (errno == EINTR) continue;
        err = errno;
      } else p += w, left -= (size_t)w;
    }
    if (close(fd) != 0 && !err && errno != EINTR) err = errno;
    if (err) return progress(env, i, err);
    start = ends[i];
  }
  return progress(env, n, 0);
}

static napi_value RenameFiles(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  char a[MAX_PATH_BYTES], b[MAX_PATH_BYTES];
  uint32_t n = 0, m = 0;
  bool x = false, y = false;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok) return NULL;
  if (argc < 2 || napi_is_array(env, argv[0], &x) != napi_ok || napi_is_array(env, argv[1], &y) != napi_ok || !x || !y ||
      napi_get_array_length(env, argv[0], &n) != napi_ok || napi_get_array_length(env, argv[1], &m) != napi_ok || n != m) {
    napi_throw_type_error(env, NULL, "renameFiles(from, to) takes two arrays of paths of the same length");
    return NULL;
  }
  for (uint32_t i = 0; i < n; i++) {
    int err = path_at(env, argv[0], i, a);
    if (!err) err = path_at(env, argv[1], i, b);
    if (!err && rename(a, b) != 0) err = errno;
    if (err) return progress(env, i, err);
  }
  return progress(env, n, 0);
}

static napi_value Init(napi_env env, napi_value exports) {
  napi_property_descriptor props[] = {
    {"exchange", NULL, Exchange, NULL, NULL, NULL, napi_enumerable, NULL},
    {"readFiles", NULL, ReadFiles, NULL, NULL, NULL, napi_enumerable, NULL},
    {"readFilesAsync", NULL, ReadFilesAsync, NULL, NULL, NULL, napi_enumerable, NULL},
    {"createFiles", NULL, CreateFiles, NULL, NULL, NULL, napi_enumerable, NULL},
    {"renameFiles", NULL, RenameFiles, NULL, NULL, NULL, napi_enumerable, NULL},
  };
  if (napi_define_properties(env, exports, sizeof props / sizeof props[0], props) != napi_ok) return NULL;
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, Init)
