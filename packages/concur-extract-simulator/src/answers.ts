/** What every answer of the simulator is built from: the scenario's links and quirks, views of definitions and jobs, XML or JSON documents. */
import {randomUUID} from 'crypto';
import {OutgoingHttpHeaders} from 'http';

import {AuthServer} from './auth';
import {FaultInjector} from './faults';
import {FileBody} from './files';
import {Clock, jobState, JobStore, SimDefinition, SimJob} from './jobs';
import {Exchange, RecordedRequest, send} from './respond';
import {guid, hashSeed, Rng} from './rng';
import {Scenario} from './scenario';
import * as X from './xml';

export const API_BASE = '/api/expense/extract/v1.0';
export const TOKEN_PATH = '/oauth2/v0/token';

const STATUS_NUMBER = {Queued: 0, Running: 1, Completed: 2, Failed: 3} as const;

export interface SimulatorState {
  scenario: Scenario;
  clock: Clock;
  jobs: JobStore;
  auth: AuthServer;
  faults: FaultInjector;
  requests: RecordedRequest[];
  rng: Rng;
  samplesDir: string;
  /** Folder that relative file paths of added jobs resolve against. */
  baseDir: string;
  /** Set once listening, e.g. http://127.0.0.1:41234 */
  url: string;
  port: number;
  fileCache: Map<SimJob, Promise<FileBody>>;
}

/** The answers of the simulator's HTTP handler (server.ts routes the requests). */
export abstract class Answers {
  constructor(protected readonly s: SimulatorState) {}

  protected get quirks() {
    return this.s.scenario.quirks ?? {};
  }

  protected get render() {
    return X.renderOptions(this.quirks);
  }

  protected substitute(template: string): string {
    return template.replace(/PORT/g, String(this.s.port));
  }

  protected linkBase(): string {
    const lb = this.s.scenario.link_base;
    return (lb ? this.substitute(lb) : this.s.url).replace(/\/+$/, '');
  }

  protected geolocation(): string {
    const g = this.s.scenario.geolocation;
    return g ? this.substitute(g) : this.s.url;
  }

  // ---- views

  protected defUrl(d: SimDefinition): string {
    return `${this.linkBase()}${API_BASE}/${d.id}`;
  }

  protected defView(d: SimDefinition): X.DefinitionView {
    const url = this.defUrl(d);
    const noJob = (this.quirks.job_link_without_job_for ?? []).includes(d.id);
    return {id: url, jobLink: noJob ? url : `${url}/job`, name: d.name};
  }

  protected jobView(d: SimDefinition, j: SimJob): X.JobView {
    const q = this.quirks;
    const state = jobState(j, this.s.clock.now());
    const id = `${this.defUrl(d)}/job/${j.id}`;
    let status: string = state.status;
    if (status === 'Completed') {
      const spelling = q.complete_spelling ?? 'Completed';
      if (
        spelling === 'Complete' ||
        (spelling === 'mixed' && hashSeed(j.id) % 2 === 1)
      ) {
        status = 'Complete';
      }
    }
    return {
      id,
      statusLink: `${id}/status`,
      startTime: X.formatTime(j.startMs, j.startRaw, `${j.id}:start`, q),
      stopTime:
        state.stopMs === undefined
          ? undefined
          : X.formatTime(state.stopMs, state.stopRaw, `${j.id}:stop`, q),
      status,
      statusNumber: STATUS_NUMBER[state.status],
      fileLink: state.status === 'Completed' ? `${id}/file` : undefined,
    };
  }

  // ---- generic answers

  protected wantsJson(x: Exchange): boolean {
    if (this.quirks.json_when_accepted === false) return false;
    const accept = x.req.headers.accept ?? '';
    return accept.includes('application/json') && !accept.includes('xml');
  }

  protected headers(extra: OutgoingHttpHeaders = {}): OutgoingHttpHeaders {
    return {'concur-correlationid': randomUUID(), ...extra};
  }

  protected document(
    x: Exchange,
    status: number,
    xml: string,
    json: unknown,
    extra = {}
  ): void {
    if (this.wantsJson(x)) {
      const h = this.headers({
        'Content-Type': 'application/json; charset=utf-8',
        ...extra,
      });
      send(x, status, h, JSON.stringify(json));
    } else {
      const h = this.headers({
        'Content-Type': 'application/xml; charset=utf-8',
        ...extra,
      });
      send(x, status, h, xml, status < 300);
    }
  }

  protected error(
    x: Exchange,
    status: number,
    message: string,
    extra: OutgoingHttpHeaders = {}
  ): void {
    const e = {
      message,
      serverTime: X.serverTime(this.s.clock.now()),
      id: guid(this.s.rng),
    };
    this.document(x, status, X.errorXml(e, this.render), X.errorJson(e), extra);
  }

  protected sendJson(x: Exchange, status: number, body: unknown): void {
    const h = this.headers({'Content-Type': 'application/json; charset=utf-8'});
    send(x, status, h, JSON.stringify(body));
  }
}
