/**
 * Preloaded into a measured process (`node -r lib/bench/rss.js …`): on exit it
 * writes the process's peak resident set size (bytes) and CPU time (user +
 * system, seconds) as JSON to the file named by BENCH_RSS_FILE. CPU time is
 * the figure to trust when other work shares the machine.
 */
import fs from 'fs';

const out = process.env.BENCH_RSS_FILE;
if (out) {
  process.on('exit', () => {
    const u = process.resourceUsage();
    fs.writeFileSync(
      out,
      JSON.stringify({
        peakRss: u.maxRSS * 1024,
        cpuSeconds: (u.userCPUTime + u.systemCPUTime) / 1e6,
      })
    );
  });
}
