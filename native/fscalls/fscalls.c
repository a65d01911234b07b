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

/*
 * A read of many files of one folder, for readFiles and readFilesAsync: the names copied out of
 * JS (so a pool thread can read them), every file read into one growing buffer, and the entries
 * made back in JS. The reading touches no JS value.
 */
typedef struct {
  napi_async_work work;
  napi_deferred deferred;
  char *dir;
  char **names;
  uint32_t n;
  long max;
  int dir_err;   /* the folder could not be opened (or named): the call answers this errno */
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

/*
 * The job for (dir, names, max); NULL with a JS exception pending when the arguments are wrong.
 * A name that is not one path component is that file's EINVAL, never a path out of the folder.
 */
static read_job *read_job_new(napi_env env, const char *call, napi_value dir, napi_value names, napi_value maxv) {
  int32_t max = 0;
  uint32_t n = 0;
  bool is_array = false;
  char path[MAX_PATH_BYTES];
  napi_value name;
  if (napi_is_array(env, names, &is_array) != napi_ok || !is_array || napi_get_value_int32(env, maxv, &max) != napi_ok || max < 1 || max > MAX_READ_BYTES || napi_get_array_length(env, names, &n) != napi_ok) {
    char msg[160];
    snprintf(msg, sizeof msg, "%s(dir, names, max) takes a folder, an array of names and a size of 1 byte to 1 MiB", call);
    napi_throw_type_error(env, NULL, msg);
    return NULL;
  }
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
  int err = path_arg(env, dir, path);
  if (!j->names || !j->errs || !j->ends || !j->modes || !j->data) err = ENOMEM;
  if (!err && !(j->dir = strdup(path))) err = ENOMEM;
  j->dir_err = err;
  for (uint32_t i = 0; !err && i < n; i++) {
    napi_valuetype type;
    if (napi_get_element(env, names, i, &name) != napi_ok || napi_typeof(env, name, &type) != napi_ok) {
      read_job_free(j);
      return NULL;
    }
    int bad = type == napi_string ? path_arg(env, name, path) : EINVAL;
    if (!bad && (path[0] == 0 || strchr(path, '/') != NULL)) bad = EINVAL;
    if (!bad && !(j->names[i] = strdup(path))) bad = ENOMEM;
    j->errs[i] = bad;
  }
  return j;
}

/* Reads every file of the job (any thread). Each opened relative to the folder (openat). */
static void read_job_execute(napi_env env, void *arg) {
  (void)env;
  read_job *j = arg;
  if (j->dir_err) return;
  int dfd = open(j->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd < 0) {
    j->dir_err = errno;
    return;
  }
  size_t used = 0;
  for (uint32_t i = 0; i < j->n; i++) {
    j->ends[i] = used;
    if (j->errs[i]) continue; /* a bad name, found when the job was made */
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
    /* O_NONBLOCK: a fifo planted in the folder reads as empty instead of hanging the reader. */
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
    if (j->errs[i] > 0) j->modes[i] = 0; /* a file too big keeps its mode */
    j->ends[i] = used;
  }
  close(dfd);
}

/* The job's answer: the folder's errno, or one entry per name (latin1 text, or errno / -1). */
static napi_status read_job_entries(napi_env env, read_job *j, napi_value *out) {
  if (j->dir_err) return napi_create_int32(env, j->dir_err, out);
  napi_status st = napi_create_array_with_length(env, j->n, out);
  for (uint32_t i = 0; st == napi_ok && i < j->n; i++) {
    napi_value entry;
    size_t from = i ? j->ends[i - 1] : 0;
    st = j->errs[i] ? napi_create_int32(env, j->errs[i], &entry) : napi_create_string_latin1(env, j->data + from, j->ends[i] - from, &entry);
    if (st == napi_ok) st = napi_set_element(env, *out, i, entry);
  }
  return st;
}

static napi_value ReadFiles(napi_env env, napi_callback_info info) {
  size_t argc = 4;
  napi_value argv[4] = {NULL, NULL, NULL, NULL}, out;
  uint32_t *modes = NULL;
  size_t modes_length = 0;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok) return NULL;
  if (argc < 3) {
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
  read_job *j = read_job_new(env, "readFiles", argv[0], argv[1], argv[2]);
  if (!j) return NULL;
  read_job_execute(env, j);
  if (modes && !j->dir_err) for (uint32_t i = 0; i < j->n && i < modes_length; i++) modes[i] = j->modes[i];
  napi_status st = read_job_entries(env, j, &out);
  read_job_free(j);
  return st == napi_ok ? out : NULL;
}

/* readFilesAsync, back on the JS thread: [entries, modes] (or the folder's errno) settles the promise. */
static void read_job_complete(napi_env env, napi_status status, void *arg) {
  read_job *j = arg;
  napi_value entries = NULL, modes_buf = NULL, result = NULL;
  void *mode_data = NULL;
  bool ok = status == napi_ok && read_job_entries(env, j, &entries) == napi_ok;
  if (ok && j->dir_err) result = entries;
  else if (ok) {
    ok = napi_create_arraybuffer(env, (size_t)j->n * 4, &mode_data, &modes_buf) == napi_ok;
    if (ok && j->n) memcpy(mode_data, j->modes, (size_t)j->n * 4);
    if (ok) ok = napi_create_array_with_length(env, 2, &result) == napi_ok && napi_set_element(env, result, 0, entries) == napi_ok && napi_set_element(env, result, 1, modes_buf) == napi_ok;
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
  napi_value argv[3] = {NULL, NULL, NULL}, promise, resource_name;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok) return NULL;
  if (argc < 3) {
    napi_throw_type_error(env, NULL, "readFilesAsync(dir, names, max) takes a folder, an array of names and a size of 1 byte to 1 MiB");
    return NULL;
  }
  read_job *j = read_job_new(env, "readFilesAsync", argv[0], argv[1], argv[2]);
  if (!j) return NULL;
  if (napi_create_promise(env, &j->deferred, &promise) != napi_ok || napi_create_string_utf8(env, "sigchain:readFilesAsync", NAPI_AUTO_LENGTH, &resource_name) != napi_ok ||
      napi_create_async_work(env, NULL, resource_name, read_job_execute, read_job_complete, j, &j->work) != napi_ok || napi_queue_async_work(env, j->work) != napi_ok) {
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
