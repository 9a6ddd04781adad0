/**
 * SIGTERM / SIGINT (Airbyte cancelling a sync, Ctrl-C) end the connector at
 * once, after the registered clean-ups (e.g. removing the work folder), with
 * the shell's exit code 128 + signal number. The exit is explicit: under
 * `docker run` node is PID 1, for which the kernel ignores a signal without a
 * handler, so re-sending the signal to ourselves would do nothing.
 */
const EXIT_CODES: Partial<Record<NodeJS.Signals, number>> = {
  SIGINT: 130,
  SIGTERM: 143,
};

const cleanups = new Set<() => void>();
let installed = false;

/** Installs the handlers once per process (every command: check and discover can be cancelled too). */
export function exitOnSignals(): void {
  if (installed) return;
  installed = true;
  for (const signal of Object.keys(EXIT_CODES) as NodeJS.Signals[]) {
    process.on(signal, () => {
      for (const cleanup of cleanups) {
        try {
          cleanup();
        } catch {
          // Nothing more can be done while exiting; the stale-folder sweep catches leftovers.
        }
      }
      process.exit(EXIT_CODES[signal]);
    });
  }
}

/** Runs `cleanup` (synchronously) if a signal ends the process; the returned function unregisters it. */
export function onSignalExit(cleanup: () => void): () => void {
  cleanups.add(cleanup);
  return () => cleanups.delete(cleanup);
}
