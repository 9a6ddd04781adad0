#!/bin/sh
# Sizes the Node heap from the container's memory limit (75 %), then runs the
# connector with Airbyte's arguments (spec | check | discover | read …).
set -e
limit=""
if [ -r /sys/fs/cgroup/memory.max ]; then
  limit=$(cat /sys/fs/cgroup/memory.max)               # cgroup v2
elif [ -r /sys/fs/cgroup/memory/memory.limit_in_bytes ]; then
  limit=$(cat /sys/fs/cgroup/memory/memory.limit_in_bytes) # cgroup v1
fi
case "$limit" in
  ""|max) ;;
  *)
    # cgroup v1 reports "no limit" as a huge number; ignore anything above 1 TiB.
    if [ "$limit" -lt 1099511627776 ] 2>/dev/null; then
      heap_mb=$((limit * 3 / 4 / 1048576))
      if [ "$heap_mb" -ge 64 ]; then
        export NODE_OPTIONS="${NODE_OPTIONS:-} --max-old-space-size=${heap_mb}"
      fi
    fi
    ;;
esac
exec node /home/node/airbyte/bin/main "$@"
