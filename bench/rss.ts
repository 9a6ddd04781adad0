/**
 * Preloaded into a measured process (`node -r lib/bench/rss.js …`): on exit it
 * writes the process's peak resident set size and CPU time to the file named by BENCH_RSS_FILE.
 */
import fs from 'fs';

const out = process.env.BENCH_RSS_FILE;
if (out) {
  process.on('exit', () => {
    const u = process.resourceUsage();
    // Peak RSS in bytes, then CPU seconds (user + system): steadier than wall time on a shared machine.
    fs.writeFileSync(
      out,
      `${u.maxRSS * 1024} ${(u.userCPUTime + u.systemCPUTime) / 1e6}`
    );
  });
}
