/**
 * The Concur Extract Web Service (docs/concur-extract-api.md#resources): definitions, jobs, starting a job and
 * downloading its file. Every call goes through Auth (token, 401/403 refresh)
 * and Http (timeouts, retries); errors carry their definition/job context.
 */
import {ResolvedConfig} from '../config';
import {ConnectorError, DataError, ErrorContext, withContext} from '../errors';
import {Auth, Session} from './auth';
import {BodyObserver, DownloadProgress, DownloadResult} from './download';
import {Http} from './http';
import {EXTRACT_BASE_PATH} from './limits';
import {jobIdOf, resolveOnBase} from './links';
import {describeRequest} from './request';
import {parseDefinitions, parseJob, parseJobs} from './resources';
import {Definition, Job, Logger, RetryPolicy} from './types';

export type {Definition, Job, JobStatus, Logger, RetryPolicy} from './types';

export interface ClientOptions {
  logger: Logger;
  /** Called with every new refresh token Concur issues (store it: the old one may stop working). */
  onRefreshTokenRotated?: (token: string) => void;
  retry?: Partial<RetryPolicy>;
  /** Socket idle timeout of every call (default 60 s, docs/concur-extract-api.md#errors-and-retries). */
  timeoutMs?: number;
  /** Told before each wait after a 429 (see HttpOptions.onRateLimited). */
  onRateLimited?: (quotaResetMs: number | undefined) => void;
}

export type StartJobResult = {conflict: false; job: Job} | {conflict: true};

const XML_ACCEPT = 'application/xml';
const FILE_ACCEPT = 'text/csv, application/zip, application/octet-stream, */*';
const XMLNS = 'http://www.concursolutions.com/api/expense/extract/2010/02';

type PostAnswer =
  | {conflict: true}
  | {conflict: false; body: string; location?: string; where: string};

export class ConcurClient {
  private constructor(
    private readonly auth: Auth,
    private readonly http: Http,
    private readonly logger: Logger
  ) {}

  /** Builds a client; nothing touches the network until the first call. */
  static create(config: ResolvedConfig, opts: ClientOptions): ConcurClient {
    const http = new Http({
      logger: opts.logger,
      retry: opts.retry,
      timeoutMs: opts.timeoutMs,
      onRateLimited: opts.onRateLimited,
    });
    const auth = new Auth(config, http, {
      logger: opts.logger,
      onRefreshTokenRotated: opts.onRefreshTokenRotated,
    });
    return new ConcurClient(auth, http, opts.logger);
  }

  /** Obtains an access token (no-op while one is valid). */
  async authenticate(): Promise<void> {
    await this.auth.session();
  }

  listDefinitions(): Promise<Definition[]> {
    return this.getXml(EXTRACT_BASE_PATH, {}, parseDefinitions);
  }

  /** The jobs as Concur lists them: at most the last 100, newest first (docs/concur-extract-api.md#jobs). */
  listJobs(def: Definition): Promise<Job[]> {
    return this.getXml(def.jobLink, {definition: def.name}, (body, where) =>
      parseJobs(body, where, def.id)
    );
  }

  /** The current state of a job, from its status link (docs/concur-extract-api.md#job-status). */
  getJob(job: Pick<Job, 'statusLink' | 'definitionId'>): Promise<Job> {
    return this.getXml(
      job.statusLink,
      {job: jobIdOf(job.statusLink)},
      (body, where) => parseJob(body, where, job.definitionId)
    );
  }

  /**
   * Starts a job (docs/concur-extract-api.md#starting-a-job); 409 (one is queued or running) → `{conflict: true}`.
   *
   * A job moves Concur data, so a POST is repeated only when it provably had no
   * effect: 429 or no connection, or — after an ambiguous failure (5xx, reset,
   * timeout) — when the job list shows no job that was not there before the
   * POST. If a new job is listed, it is the one returned.
   */
  async startJob(def: Definition): Promise<StartJobResult> {
    const ctx = {definition: def.name};
    try {
      const before = new Set((await this.listJobs(def)).map((j) => j.id));
      let adopted: Job | undefined;
      const confirmNotProcessed = async (
        err: ConnectorError
      ): Promise<boolean> => {
        const check = await this.checkForNewJob(def, before, err);
        adopted = check.job;
        return check.noEffect;
      };
      let answer: PostAnswer;
      try {
        answer = await this.auth.call((s) =>
          this.postJob(s, def, confirmNotProcessed)
        );
      } catch (err) {
        if (adopted) return {conflict: false, job: adopted};
        throw err;
      }
      if (answer.conflict) return answer;
      return {conflict: false, job: await this.readStartedJob(answer, def)};
    } catch (err) {
      throw withContext(err, ctx);
    }
  }

  /**
   * Streams the job's file to `destPath` (docs/concur-extract-api.md#file).
   * `onProgress` gets the bytes written so far and the body's size when the
   * answer gave it. A body cut short is retried from scratch (the file is
   * truncated, `onProgress` restarts from 0, and `observe` gives a fresh
   * observer).
   */
  async downloadFile(
    job: Job,
    destPath: string,
    onProgress?: DownloadProgress,
    observe?: () => BodyObserver
  ): Promise<DownloadResult> {
    const fileLink = job.fileLink;
    if (!fileLink) {
      throw new DataError(
        `no file-link (status ${job.status}): the job has no file yet.`,
        {code: 'JOB_NO_FILE', context: {job: job.id}}
      );
    }
    try {
      return await this.auth.call((s) =>
        this.http.download(
          {
            method: 'GET',
            url: resolveOnBase(s.apiBaseUrl, fileLink),
            headers: {Authorization: s.authorization, Accept: FILE_ACCEPT},
          },
          destPath,
          onProgress,
          observe
        )
      );
    } catch (err) {
      throw withContext(err, {job: job.id});
    }
  }

  private async getXml<T>(
    link: string,
    ctx: ErrorContext,
    read: (body: string, where: string) => T
  ): Promise<T> {
    try {
      return await this.auth.call(async (s) => {
        const url = resolveOnBase(s.apiBaseUrl, link);
        const res = await this.http.request({
          method: 'GET',
          url,
          headers: {Authorization: s.authorization, Accept: XML_ACCEPT},
        });
        return read(res.body, describeRequest({method: 'GET', url}));
      });
    } catch (err) {
      throw withContext(err, ctx);
    }
  }

  private async postJob(
    s: Session,
    def: Definition,
    confirmNotProcessed: (err: ConnectorError) => Promise<boolean>
  ): Promise<PostAnswer> {
    const url = resolveOnBase(s.apiBaseUrl, def.jobLink);
    const res = await this.http.request({
      method: 'POST',
      url,
      headers: {
        Authorization: s.authorization,
        Accept: XML_ACCEPT,
        'Content-Type': 'application/xml; charset=utf-8',
      },
      body: startJobBody(def.url),
      idempotent: false,
      confirmNotProcessed,
      answerStatuses: [409],
    });
    if (res.status === 409) return {conflict: true};
    return {
      conflict: false,
      body: res.body,
      location: res.headers.location,
      where: describeRequest({method: 'POST', url}),
    };
  }

  /** The 201 body is the job; should it be empty, the job is read from `Location`. */
  private async readStartedJob(
    answer: Extract<PostAnswer, {conflict: false}>,
    def: Definition
  ): Promise<Job> {
    if (answer.body.trim() !== '' || !answer.location) {
      return parseJob(answer.body, answer.where, def.id);
    }
    return this.getXml(answer.location, {}, (body, where) =>
      parseJob(body, where, def.id)
    );
  }

  /**
   * After an ambiguous POST failure: did it create a job? `noEffect` only when
   * the list was read and shows no job that was not there before.
   */
  private async checkForNewJob(
    def: Definition,
    before: Set<string>,
    err: ConnectorError
  ): Promise<{noEffect: boolean; job?: Job}> {
    let jobs: Job[];
    try {
      jobs = await this.listJobs(def);
    } catch {
      this.logger.warn(
        `${err.message}; the job list could not be read to check it, so the POST is not repeated.`
      );
      return {noEffect: false};
    }
    const job = jobs.find((j) => !before.has(j.id));
    this.logger.warn(
      job
        ? `${err.message}; job ${job.id} is listed now, so the POST was received: using that job.`
        : `${err.message}; no new job is listed, so the POST had no effect and may be repeated.`
    );
    return {noEffect: job === undefined, job};
  }
}

/** The documented POST body (docs/concur-extract-api.md#starting-a-job): the definition's URL. */
function startJobBody(definitionUrl: string): string {
  const id = definitionUrl
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;');
  return `<definition xmlns="${XMLNS}"><id>${id}</id></definition>`;
}
