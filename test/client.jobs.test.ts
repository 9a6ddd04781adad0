import {ServerResponse} from 'http';

import {ConcurClient} from '../src/concur/client';
import {Definition} from '../src/concur/types';
import {ApiError, DataError} from '../src/errors';
import {
  EXTRACT,
  FAST_RETRY,
  LocalServer,
  memoryLogger,
  NS,
  SeenRequest,
  send,
  serve,
  staticConfig,
} from './helpers/client';

const DEF = 'nYoPK$pZmcowMRUqcl5bnDAwwsMydyt$xd';
/** Concur's links name its own host; the client must call them on the configured base. */
const HOST = 'https://www.concursolutions.com';
const DEF_URL = `${HOST}${EXTRACT}/${DEF}`;
const OLD = 'uIo87jk3SHudi$sdlYle8$peot$pD21jyd';
const NEW = '21UwwqA3jk25Lis77jF$piiD21c89lLwEq';

const def: Definition = {
  id: DEF,
  name: 'Standard Accounting Extract',
  url: DEF_URL,
  jobLink: `${DEF_URL}/job`,
};

function jobXml(id: string, status: string, finished = false): string {
  const url = `${DEF_URL}/job/${id}`;
  return `<job><id>${url}</id><status-link>${url}/status</status-link><start-time>2024-05-01T10:00:00.1234567</start-time>${
    finished ? `<stop-time>2024-05-01T10:00:01Z</stop-time>` : ''
  }<status>${status}</status>${finished ? `<file-link>${url}/file</file-link>` : ''}</job>`;
}
const jobsXml = (...jobs: string[]): string =>
  `<jobs xmlns="${NS}">${jobs.join('')}</jobs>`;
const single = (xml: string): string =>
  xml.replace(
    '<job>',
    `<job xmlns="${NS}" xmlns:i="http://www.w3.org/2001/XMLSchema-instance">`
  );

let server: LocalServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function concur(
  handler: (req: SeenRequest, res: ServerResponse) => void
) {
  server = await serve(handler);
  const logger = memoryLogger();
  const client = ConcurClient.create(staticConfig(server.url), {
    logger,
    retry: FAST_RETRY,
  });
  return {client, logger, server};
}

describe('reading', () => {
  it('lists definitions from /api/expense/extract/v1.0/', async () => {
    const {client, server: s} = await concur((_req, res) =>
      send(
        res,
        200,
        `<definitions xmlns="${NS}"><definition><id>${DEF_URL}</id><job-link>${DEF_URL}/job</job-link><name>Standard Accounting Extract</name></definition></definitions>`
      )
    );
    expect(await client.listDefinitions()).toEqual([def]);
    expect(s.requests[0].url).toBe(`${EXTRACT}/`);
  });

  it('lists jobs and gets a job through their links, on the configured host', async () => {
    const {client, server: s} = await concur((req, res) =>
      req.url.endsWith('/status')
        ? send(res, 200, single(jobXml(NEW, 'Complete', true)))
        : send(
            res,
            200,
            jobsXml(jobXml(NEW, 'Running'), jobXml(OLD, 'Completed', true))
          )
    );
    const jobs = await client.listJobs(def);
    expect(jobs.map((j) => [j.id, j.status])).toEqual([
      [NEW, 'Running'],
      [OLD, 'Completed'],
    ]);
    expect(jobs[0].startTime).toBe('2024-05-01T10:00:00.123Z');
    const done = await client.getJob(jobs[0]);
    expect(done.status).toBe('Completed');
    expect(done.fileLink).toBe(`${DEF_URL}/job/${NEW}/file`);
    expect(s.requests.map((r) => r.url)).toEqual([
      `${EXTRACT}/${DEF}/job`,
      `${EXTRACT}/${DEF}/job/${NEW}/status`,
    ]);
  });

  it('adds the definition to errors and names the path', async () => {
    const {client} = await concur((_req, res) =>
      send(
        res,
        404,
        '<Error><Message>The Definition ID or Job ID specified in the URI is invalid</Message></Error>'
      )
    );
    const err = await client.listJobs(def).catch((e) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect(err.code).toBe('CONCUR_REQUEST_REJECTED');
    // Naming the definition, the path and Concur's message is the feature.
    expect(err.describe()).toBe(
      `definition "Standard Accounting Extract": GET ${EXTRACT}/${DEF}/job answered 404 Not Found: The Definition ID or Job ID specified in the URI is invalid`
    );
  });

  it('refuses truncated XML with a DataError naming the path', async () => {
    const {client} = await concur((_req, res) =>
      send(res, 200, jobsXml(jobXml(NEW, 'Running')).slice(0, 80))
    );
    const err = await client.listJobs(def).catch((e) => e);
    expect(err).toBeInstanceOf(DataError);
    expect(err.code).toBe('CONCUR_ANSWER_INVALID');
    // Naming the path is the feature.
    expect(err.message).toContain(`GET ${EXTRACT}/${DEF}/job answered`);
    expect(err.context).toEqual({definition: def.name});
  });
});

describe('startJob (docs/concur-extract-api.md#starting-a-job)', () => {
  /** A Concur whose POST answers come from `post`, and whose list shows `listed`. */
  function jobsServer(
    post: (n: number) => [number, string],
    listed: () => string[]
  ) {
    let posts = 0;
    return concur((req, res) => {
      if (req.method === 'POST') {
        const [status, body] = post(++posts);
        if (status === 0) return res.socket?.destroy();
        return send(
          res,
          status,
          body,
          status === 201 ? {Location: `${DEF_URL}/job/${NEW}`} : {}
        );
      }
      send(res, 200, jobsXml(...listed()));
    });
  }
  const posts = (s: LocalServer): SeenRequest[] =>
    s.requests.filter((r) => r.method === 'POST');

  it('POSTs the documented body to the job link and returns the queued job', async () => {
    const {client, server: s} = await jobsServer(
      () => [201, single(jobXml(NEW, 'Queued'))],
      () => [jobXml(OLD, 'Completed', true)]
    );
    const res = await client.startJob(def);
    expect(res).toEqual({
      conflict: false,
      job: expect.objectContaining({
        id: NEW,
        status: 'Queued',
        definitionId: DEF,
      }),
    });
    const [post] = posts(s);
    expect(post.url).toBe(`${EXTRACT}/${DEF}/job`);
    expect(post.headers['content-type']).toBe('application/xml; charset=utf-8');
    expect(post.body).toBe(
      `<definition xmlns="${NS}"><id>${DEF_URL}</id></definition>`
    );
  });

  it('answers {conflict: true} on 409', async () => {
    const {client} = await jobsServer(
      () => [
        409,
        '<Error><Message>A job for the specified definition is already queued or running</Message></Error>',
      ],
      () => [jobXml(OLD, 'Running')]
    );
    expect(await client.startJob(def)).toEqual({conflict: true});
  });

  it('reads the job from Location when the 201 body is empty', async () => {
    const {client, server: s} = await concur((req, res) => {
      if (req.method === 'POST')
        return send(res, 201, '', {Location: `${DEF_URL}/job/${NEW}`});
      if (req.url.endsWith(`/job/${NEW}`))
        return send(res, 200, single(jobXml(NEW, 'Queued')));
      send(res, 200, jobsXml());
    });
    expect(await client.startJob(def)).toEqual({
      conflict: false,
      job: expect.objectContaining({id: NEW}),
    });
    expect(s.requests.map((r) => `${r.method} ${r.url}`)).toEqual([
      `GET ${EXTRACT}/${DEF}/job`,
      `POST ${EXTRACT}/${DEF}/job`,
      `GET ${EXTRACT}/${DEF}/job/${NEW}`,
    ]);
  });

  it('after an ambiguous failure, adopts the job the POST created instead of repeating it', async () => {
    let created = false;
    const {
      client,
      server: s,
      logger,
    } = await jobsServer(
      () => {
        created = true; // the server acted, then failed to answer
        return [0, ''];
      },
      () =>
        created
          ? [jobXml(NEW, 'Queued'), jobXml(OLD, 'Completed', true)]
          : [jobXml(OLD, 'Completed', true)]
    );
    const res = await client.startJob(def);
    expect(res).toEqual({
      conflict: false,
      job: expect.objectContaining({id: NEW, status: 'Queued'}),
    });
    expect(posts(s)).toHaveLength(1);
    expect(logger.lines.join('\n')).toMatch(
      /POST .* failed: ECONNRESET.*; job 21Uw.* is listed now, so the POST was received/
    );
  });

  it('repeats the POST when the list proves the failed one created nothing', async () => {
    const {
      client,
      server: s,
      logger,
    } = await jobsServer(
      (n) =>
        n === 1
          ? [500, '<Error><Message>boom</Message></Error>']
          : [201, single(jobXml(NEW, 'Queued'))],
      () => [jobXml(OLD, 'Completed', true)]
    );
    expect((await client.startJob(def)).conflict).toBe(false);
    expect(posts(s)).toHaveLength(2);
    expect(logger.lines.join('\n')).toMatch(
      /answered 500 Internal Server Error: boom; no new job is listed, so the POST had no effect/
    );
  });

  it('does not repeat the POST when the check itself fails', async () => {
    let lists = 0;
    const {client, server: s} = await concur((req, res) => {
      if (req.method === 'POST') return send(res, 500);
      if (lists++ === 0) return send(res, 200, jobsXml());
      send(res, 404);
    });
    const err = await client.startJob(def).catch((e) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect(err.code).toBe('CONCUR_UNAVAILABLE');
    expect(err.context).toEqual({definition: def.name});
    expect(posts(s)).toHaveLength(1);
  });
});
