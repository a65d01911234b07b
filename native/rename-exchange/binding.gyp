{
  "targets": [
    {
      "target_name": "rename_exchange",
      "sources": ["rename_exchange.c"],
      "cflags": ["-Wall", "-Wextra", "-O2"]
    }
  ]
}
