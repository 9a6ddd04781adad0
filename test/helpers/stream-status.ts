/**
 * The stream-status rules a read must keep, as the Airbyte platform reads
 * them: per stream STARTED first, RUNNING (also with a RATE_LIMITED reason)
 * only after it, exactly one COMPLETE or INCOMPLETE last (INCOMPLETE may stand
 * alone: a stream rejected before it started), records only while RUNNING;
 * and every configured stream ends with one of the two.
 */
export function streamStatusProblems(
  messages: any[],
  configured?: string[]
): string[] {
  const problems: string[] = [];
  const seen = new Map<string, string[]>();
  messages.forEach((m, i) => {
    if (m?.type === 'RECORD') {
      const s = seen.get(m.record.stream) ?? [];
      if (!s.includes('RUNNING') || isEnded(s))
        problems.push(`#${i}: a ${m.record.stream} record outside RUNNING`);
      return;
    }
    if (m?.type !== 'TRACE' || m.trace.type !== 'STREAM_STATUS') return;
    const {stream_descriptor, status} = m.trace.stream_status;
    const name = stream_descriptor.name;
    const s = seen.get(name) ?? [];
    if (isEnded(s)) problems.push(`#${i}: ${name} ${status} after its end`);
    else if (status === 'STARTED' && s.length)
      problems.push(`#${i}: ${name} STARTED twice`);
    else if (status === 'RUNNING' && !s.includes('STARTED'))
      problems.push(`#${i}: ${name} RUNNING before STARTED`);
    else if (status === 'COMPLETE' && !s.includes('STARTED'))
      problems.push(`#${i}: ${name} COMPLETE before STARTED`);
    seen.set(name, [...s, status]);
  });
  for (const [name, s] of seen) {
    if (!isEnded(s)) problems.push(`${name} never ended: ${s.join(' ')}`);
  }
  for (const name of configured ?? []) {
    if (!seen.has(name)) problems.push(`${name} has no status`);
  }
  return problems;
}

const isEnded = (s: string[]): boolean =>
  s.includes('COMPLETE') || s.includes('INCOMPLETE');
