/**
 * Preloaded into a measured process (`node -r lib/bench/rss.js …`): on exit it
 * writes the process's peak resident set size to the file named by BENCH_RSS_FILE.
 */
import fs from 'fs';

const out = process.env.BENCH_RSS_FILE;
if (out) {
  process.on('exit', () => {
    fs.writeFileSync(out, String(process.resourceUsage().maxRSS * 1024));
  });
}
