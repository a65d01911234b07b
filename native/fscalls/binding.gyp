{
  "targets": [
    {
      "target_name": "fscalls",
      "sources": ["fscalls.c"],
      "cflags": ["-Wall", "-Wextra", "-O2"]
    }
  ]
}
