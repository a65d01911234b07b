/*
 * sigchain's key agent asks the kernel who is on the other end of a unix socket (SO_PEERCRED)
 * and hardens its own process (no core files, not dumpable, not ptrace-able by the same uid).
 * Node has no API for either, so this tiny N-API addon does exactly those two things.
 *
 *   peercred(fd)  -> { pid, uid, gid }   (throws on a bad fd or a non-unix socket)
 *   harden()      -> { core: 0, dumpable: 0 } (throws when the kernel refuses)
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <node_api.h>

static napi_value throw_errno(napi_env env, const char *what, int err) {
  char msg[160];
  snprintf(msg, sizeof msg, "%s: %s", what, strerror(err));
  napi_throw_error(env, "PEERCRED_SYSCALL", msg);
  return NULL;
}

static napi_value set_int(napi_env env, napi_value obj, const char *name, int64_t v) {
  napi_value n;
  if (napi_create_int64(env, v, &n) != napi_ok) return NULL;
  if (napi_set_named_property(env, obj, name, n) != napi_ok) return NULL;
  return obj;
}

static napi_value Peercred(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  int32_t fd;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok) return NULL;
  if (argc < 1 || napi_get_value_int32(env, argv[0], &fd) != napi_ok || fd < 0) {
    napi_throw_type_error(env, NULL, "peercred(fd) takes a file descriptor");
    return NULL;
  }
#ifdef SO_PEERCRED
  struct ucred cred;
  socklen_t len = sizeof cred;
  if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) != 0) return throw_errno(env, "getsockopt(SO_PEERCRED)", errno);
  if (len != sizeof cred) return throw_errno(env, "getsockopt(SO_PEERCRED) short answer", EINVAL);
  napi_value out;
  if (napi_create_object(env, &out) != napi_ok) return NULL;
  if (!set_int(env, out, "pid", cred.pid) || !set_int(env, out, "uid", cred.uid) || !set_int(env, out, "gid", cred.gid)) return NULL;
  return out;
#else
  napi_throw_error(env, "PEERCRED_UNSUPPORTED", "SO_PEERCRED is not available on this system");
  return NULL;
#endif
}

static napi_value Harden(napi_env env, napi_callback_info info) {
  (void)info;
  struct rlimit none = {0, 0};
  if (setrlimit(RLIMIT_CORE, &none) != 0) return throw_errno(env, "setrlimit(RLIMIT_CORE, 0)", errno);
#ifdef PR_SET_DUMPABLE
  if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) != 0) return throw_errno(env, "prctl(PR_SET_DUMPABLE, 0)", errno);
#endif
  struct rlimit now;
  if (getrlimit(RLIMIT_CORE, &now) != 0) return throw_errno(env, "getrlimit(RLIMIT_CORE)", errno);
  napi_value out;
  if (napi_create_object(env, &out) != napi_ok) return NULL;
  if (!set_int(env, out, "core", (int64_t)now.rlim_cur)) return NULL;
#ifdef PR_GET_DUMPABLE
  if (!set_int(env, out, "dumpable", prctl(PR_GET_DUMPABLE, 0, 0, 0, 0))) return NULL;
#endif
  return out;
}

static napi_value Init(napi_env env, napi_value exports) {
  napi_property_descriptor props[] = {
    {"peercred", NULL, Peercred, NULL, NULL, NULL, napi_enumerable, NULL},
    {"harden", NULL, Harden, NULL, NULL, NULL, napi_enumerable, NULL},
  };
  if (napi_define_properties(env, exports, sizeof props / sizeof props[0], props) != napi_ok) return NULL;
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, Init)
