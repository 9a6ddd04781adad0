import fs from 'fs';
import os from 'os';
import path from 'path';

/** The CPUs this process may use: its affinity (`taskset`) and a container's CPU quota, whichever is fewer. */
export function usableCpus(): number {
  return Math.min(os.availableParallelism(), cpuQuota() ?? Infinity);
}

/** The CPUs a cgroup's quota allows (v2 `cpu.max`, v1 `cfs_quota_us`), rounded down; undefined: no quota. */
export function cpuQuota(root = '/sys/fs/cgroup'): number | undefined {
  const read = (f: string): string | undefined => {
    try {
      return fs.readFileSync(path.join(root, f), 'utf8').trim();
    } catch {
      return undefined;
    }
  };
  const v2 = read('cpu.max')?.split(/\s+/);
  const [quota, period] = v2
    ? [Number(v2[0]), Number(v2[1])]
    : [
        Number(read('cpu/cpu.cfs_quota_us')),
        Number(read('cpu/cpu.cfs_period_us')),
      ];
  if (!(quota > 0) || !(period > 0)) return undefined; // "max", -1 or unreadable
  return Math.max(1, Math.floor(quota / period));
}
