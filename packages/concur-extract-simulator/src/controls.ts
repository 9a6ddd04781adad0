/** The `/__sim/*` test controls: recorded requests, jobs added, faults and the clock changed at run time. */
import {SimulatorState} from './answers';
import {Faults, ScenarioError, validateJob} from './scenario';

/** A control request's answer (always JSON): a bad body is a 400, an unknown endpoint a 404. */
export function simControl(
  s: SimulatorState,
  method: string | undefined,
  path: string,
  body: Buffer
): {status: number; body: unknown} {
  const parse = () => (body.length ? JSON.parse(body.toString('utf8')) : {});
  try {
    if (path === '/__sim/requests' && method === 'GET') {
      return {status: 200, body: s.requests};
    }
    const jobMatch = /^\/__sim\/jobs\/([^/]+)$/.exec(path);
    if (jobMatch && method === 'POST') {
      const defId = decodeURIComponent(jobMatch[1]);
      if (!s.jobs.definition(defId)) {
        return {status: 404, body: {error: 'unknown definition'}};
      }
      const job = s.jobs.add(defId, validateJob('job', parse(), s.baseDir));
      return {status: 201, body: {id: job.id, definition: defId}};
    }
    if (path === '/__sim/faults' && method === 'POST') {
      s.faults.update(parse() as Partial<Faults>);
      return {status: 200, body: s.faults.settings};
    }
    if (path === '/__sim/clock' && method === 'POST') {
      s.clock.advance(Number(parse().advance_ms ?? 0));
      return {status: 200, body: {now: new Date(s.clock.now()).toISOString()}};
    }
    return {status: 404, body: {error: 'unknown control endpoint'}};
  } catch (e) {
    const status =
      e instanceof ScenarioError || e instanceof SyntaxError ? 400 : 500;
    return {status, body: {error: (e as Error).message}};
  }
}
