#!/bin/sh
# Sizes the Node heap from the container's memory limit (75 %), then runs the
# connector with Airbyte's arguments (spec | check | discover | read …).
# An explicit --max-old-space-size in NODE_OPTIONS wins. CGROUP_ROOT exists for tests.
# The Dockerfile's compile cache (NODE_COMPILE_CACHE) is dropped whenever the heap is sized (here or by the user):
# it was made without that V8 flag, and Node keys it by the flags, so it would miss, then spend the exit writing a
# new one that no later container sees.
set -e
cgroup=${CGROUP_ROOT:-/sys/fs/cgroup}
limit=""
if [ -r "$cgroup/memory.max" ]; then
  limit=$(cat "$cgroup/memory.max")                      # cgroup v2
elif [ -r "$cgroup/memory/memory.limit_in_bytes" ]; then
  limit=$(cat "$cgroup/memory/memory.limit_in_bytes")    # cgroup v1
fi
case "${NODE_OPTIONS:-}" in
  *max-old-space-size*) limit=""; unset NODE_COMPILE_CACHE ;;
esac
case "$limit" in
  ""|max) ;;
  *)
    # cgroup v1 reports "no limit" as a huge number; ignore anything above 1 TiB.
    if [ "$limit" -lt 1099511627776 ] 2>/dev/null; then
      heap_mb=$((limit * 3 / 4 / 1048576))
      if [ "$heap_mb" -ge 64 ]; then
        export NODE_OPTIONS="${NODE_OPTIONS:-} --max-old-space-size=${heap_mb}"
        unset NODE_COMPILE_CACHE
      fi
    fi
    ;;
esac
exec node "$(dirname "$0")/../bin/main" "$@"
