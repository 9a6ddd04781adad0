import {spawn} from 'child_process';
import fs from 'fs';
import path from 'path';

import {tempDir} from './temp';

export const ROOT = path.join(__dirname, '..', '..');
export const MAIN = path.join(ROOT, 'bin', 'main');

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** Every stdout line that is JSON, parsed. */
  messages: any[];
  /** Non-empty stdout lines that are not JSON (a protocol violation; tests assert there are none). */
  nonJson: string[];
}

export interface RunOptions {
  env?: Record<string, string | undefined>;
  /** Kill the process once this predicate holds for a stdout message. */
  killWhen?: (msg: any, all: any[]) => boolean;
  /** The signal killWhen sends (default SIGKILL). */
  killSignal?: NodeJS.Signals;
  timeoutMs?: number;
  /**
   * Give the connector a pipe for stdout, as the Airbyte platform does (a
   * named pipe on Kubernetes): bin/main runs in `bash -c '… | cat'`. By
   * default Node gives a child a socket.
   */
  stdoutPipe?: boolean;
}

/** Runs `bin/main` (the built connector) as a user or Airbyte would. */
export function runCli(
  args: string[],
  opts: RunOptions = {}
): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const env: Record<string, string | undefined> = {
      ...process.env,
      ...opts.env,
    };
    if (!opts.env || !('WORKER_JOB_ID' in opts.env)) delete env.WORKER_JOB_ID;
    const argv = [process.execPath, MAIN, ...args];
    const [cmd, ...rest] = opts.stdoutPipe
      ? ['bash', '-c', 'set -o pipefail; "$0" "$@" | cat', ...argv]
      : argv;
    const child = spawn(cmd, rest, {env: env as NodeJS.ProcessEnv, cwd: ROOT});
    let stdout = '';
    let stderr = '';
    let pending = '';
    const messages: any[] = [];
    const nonJson: string[] = [];
    let killed = false;
    const parse = (line: string): any => {
      try {
        return JSON.parse(line);
      } catch {
        nonJson.push(line);
        return undefined;
      }
    };
    const timer = setTimeout(
      () => child.kill('SIGKILL'),
      opts.timeoutMs ?? 120_000
    );
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
      pending += chunk;
      let nl: number;
      while ((nl = pending.indexOf('\n')) >= 0) {
        const line = pending.slice(0, nl);
        pending = pending.slice(nl + 1);
        if (!line.trim()) continue;
        const msg = parse(line);
        if (msg === undefined) continue;
        messages.push(msg);
        if (!killed && opts.killWhen?.(msg, messages)) {
          killed = true;
          child.kill(opts.killSignal ?? 'SIGKILL');
        }
      }
    });
    child.stderr
      .setEncoding('utf8')
      .on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      // A killed process may leave half a line: not a message.
      const last = pending.trim() && !signal ? parse(pending) : undefined;
      if (last !== undefined) messages.push(last);
      resolve({code, signal, stdout, stderr, messages, nonJson});
    });
  });
}

/** Writes JSON files into a fresh temp folder (removed after the test file) and returns their paths. */
export function tempFiles(
  files: Record<string, unknown>
): Record<string, string> & {dir: string} {
  const dir = tempDir('concur-test-');
  const out: Record<string, string> = {dir};
  for (const [name, content] of Object.entries(files)) {
    const p = path.join(dir, `${name}.json`);
    fs.writeFileSync(
      p,
      typeof content === 'string' ? content : JSON.stringify(content)
    );
    out[name] = p;
  }
  return out as Record<string, string> & {dir: string};
}

/** Every stdout line, with RECORD emitted_at and the log lines that carry times or settings taken out. */
export function comparableLines(res: CliResult): string[] {
  return res.stdout
    .split('\n')
    .map((l) => l.replace(/"emitted_at":\d+/, '"emitted_at":0'))
    .filter(
      (l) => !/"type":"LOG"/.test(l) || !/ in \d|Config:|written by/.test(l)
    );
}

export const byType = (messages: any[], type: string): any[] =>
  messages.filter((m) => m.type === type);
/** The message of every LOG, or of those at `level` (e.g. 'WARN'). */
export const logs = (messages: any[], level?: string): string[] =>
  byType(messages, 'LOG')
    .filter((m) => !level || m.log.level === level)
    .map((m) => m.log.message as string);
/** The `error` of every TRACE ERROR (STREAM_STATUS traces left out). */
export const errorTraces = (messages: any[]): any[] =>
  byType(messages, 'TRACE')
    .filter((m) => m.trace.type === 'ERROR')
    .map((m) => m.trace.error);
/** The error codes of a run's TRACE errors (the first word of each internal_message). */
export const errorCodes = (messages: any[]): string[] =>
  errorTraces(messages).map((e) => String(e.internal_message).split(':')[0]);
/** Per stream, its STREAM_STATUS sequence, e.g. {extract_jobs: ['STARTED', 'RUNNING', 'COMPLETE']}. */
export function streamStatuses(messages: any[]): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const m of byType(messages, 'TRACE')) {
    if (m.trace.type !== 'STREAM_STATUS') continue;
    const s = m.trace.stream_status;
    const reason = s.reasons?.[0]?.type;
    (out[s.stream_descriptor.name] ??= []).push(
      reason ? `${s.status}:${reason}` : s.status
    );
  }
  return out;
}
export const records = (messages: any[], stream?: string): any[] =>
  byType(messages, 'RECORD')
    .filter((m) => !stream || m.record.stream === stream)
    .map((m) => m.record.data);
export const states = (messages: any[], stream?: string): any[] =>
  byType(messages, 'STATE').filter(
    (m) => !stream || m.state.stream?.stream_descriptor?.name === stream
  );

/** The state to pass to the next read, as Airbyte does: the latest STATE per stream, as an array. */
export function nextState(messages: any[]): any[] {
  const latest = new Map<string, any>();
  for (const m of byType(messages, 'STATE'))
    latest.set(m.state.stream.stream_descriptor.name, m.state);
  return [...latest.values()];
}

export function catalog(
  streams: Record<string, 'full_refresh' | 'incremental'>
): object {
  const keys: Record<string, {pk: string[][]; cursor?: string[]}> = {
    extract_definitions: {pk: [['id']]},
    extract_jobs: {pk: [['id']], cursor: ['stop_time']},
    extract_file_rows: {
      pk: [['job_id'], ['file_name'], ['line_number']],
      cursor: ['job_stop_time'],
    },
    sae_rows: {
      pk: [['job_id'], ['file_name'], ['line_number']],
      cursor: ['job_stop_time'],
    },
    prae_rows: {
      pk: [['job_id'], ['file_name'], ['line_number']],
      cursor: ['job_stop_time'],
    },
    extract_files: {pk: [['job_id'], ['file_name']], cursor: ['job_stop_time']},
  };
  return {
    streams: Object.entries(streams).map(([name, mode]) => ({
      stream: {
        name,
        json_schema: {},
        supported_sync_modes: keys[name]?.cursor
          ? ['full_refresh', 'incremental']
          : ['full_refresh'],
        ...(keys[name]?.cursor
          ? {
              source_defined_cursor: true,
              default_cursor_field: keys[name].cursor,
            }
          : {}),
        source_defined_primary_key: keys[name]?.pk,
      },
      sync_mode: mode,
      destination_sync_mode:
        mode === 'incremental' ? 'append_dedup' : 'overwrite',
      ...(keys[name]?.cursor && mode === 'incremental'
        ? {cursor_field: keys[name].cursor}
        : {}),
      primary_key: keys[name]?.pk,
    })),
  };
}
