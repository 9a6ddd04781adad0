import {statusError} from '../src/concur/http-errors';
import {
  appendPath,
  cleanLink,
  jobIdOf,
  lastSegment,
  resolveOnBase,
} from '../src/concur/links';
import {
  parseDefinition,
  parseDefinitions,
  parseJob,
  parseJobs,
} from '../src/concur/resources';
import {decodeEntities, errorMessageOf, parseXml} from '../src/concur/xml';
import {ApiError} from '../src/errors';
import {expectThrowsCode} from './helpers/errors';

const NS = 'http://www.concursolutions.com/api/expense/extract/2010/02';
const BASE = 'https://www.concursolutions.com/api/expense/extract/v1.0';
const DEF = 'nYoPK$pZmcowMRUqcl5bnDAwwsMydyt$xd';
const WHERE = 'GET /api/expense/extract/v1.0/';

describe('definitions (docs/concur-extract-api.md#definitions)', () => {
  const list = `<?xml version="1.0" encoding="utf-8"?>
<definitions xmlns="${NS}">
  <definition>
    <id>${BASE}/${DEF}</id>
    <job-link>${BASE}/${DEF}/job</job-link>
    <name>Standard Accounting Extract</name>
  </definition>
  <definition>
    <id>${BASE}/Umj$swS19lpd7Sk$phUYl67wE1ss4Q$shu</id>
    <job-link>${BASE}/Umj$swS19lpd7Sk$phUYl67wE1ss4Q$shu</job-link>
    <name>European Extract</name>
  </definition>
  <definition>
    <id>
      ${BASE}/8LjhN23Hs33$piUUfy4ytTqa$sqqacYeP1
    </id>
    <name>Asian &amp; Pacific Extract</name>
  </definition>
</definitions>`;

  it('reads ids, names and links, keeping $ literal', () => {
    const defs = parseDefinitions(list, WHERE);
    expect(defs).toHaveLength(3);
    expect(defs[0]).toEqual({
      id: DEF,
      name: 'Standard Accounting Extract',
      url: `${BASE}/${DEF}`,
      jobLink: `${BASE}/${DEF}/job`,
    });
  });

  it('derives job-link when it lacks /job or is missing, and trims link whitespace', () => {
    const [, eu, asia] = parseDefinitions(list, WHERE);
    expect(eu.jobLink).toBe(`${BASE}/Umj$swS19lpd7Sk$phUYl67wE1ss4Q$shu/job`);
    expect(asia.id).toBe('8LjhN23Hs33$piUUfy4ytTqa$sqqacYeP1');
    expect(asia.url).toBe(`${BASE}/8LjhN23Hs33$piUUfy4ytTqa$sqqacYeP1`);
    expect(asia.jobLink).toBe(`${asia.url}/job`);
    expect(asia.name).toBe('Asian & Pacific Extract');
  });

  it('reads a single definition, an empty list, and namespace prefixes', () => {
    expect(parseDefinitions(`<definitions xmlns="${NS}"/>`, WHERE)).toEqual([]);
    const one = parseDefinitions(
      `<a:definitions xmlns:a="${NS}"><a:definition><a:id>${BASE}/${DEF}</a:id><a:name>X</a:name></a:definition></a:definitions>`,
      WHERE
    );
    expect(one.map((d) => d.id)).toEqual([DEF]);
    const single = parseDefinition(
      `<definition xmlns="${NS}" xmlns:i="http://www.w3.org/2001/XMLSchema-instance"><id>${BASE}/${DEF}</id><name>S</name><job-link>${BASE}/${DEF}/job</job-link></definition>`,
      WHERE
    );
    expect(single.jobLink).toBe(`${BASE}/${DEF}/job`);
  });

  it('refuses a wrong root or a definition without id', () => {
    expectThrowsCode(
      () => parseDefinitions(`<jobs xmlns="${NS}"/>`, WHERE),
      'CONCUR_ANSWER_INVALID'
    );
    expectThrowsCode(
      () =>
        parseDefinitions(
          `<definitions><definition><name>x</name></definition></definitions>`,
          WHERE
        ),
      'CONCUR_ANSWER_INVALID'
    );
  });
});

describe('jobs (docs/concur-extract-api.md#jobs, #job-status)', () => {
  const JOB1 = 'uIo87jk3SHudi$sdlYle8$peot$pD21jyd';
  const JOB2 = '21UwwqA3jk25Lis77jF$piiD21c89lLwEq';
  const jobs = `<jobs xmlns="${NS}">
  <job>
    <id>${BASE}/${DEF}/job/${JOB1}</id>
    <status-link>${BASE}/${DEF}/job/${JOB1}/status</status-link>
    <start-time>2010-01-13T18:30:02Z</start-time>
    <status>Queued</status>
  </job>
  <job>
    <id>${BASE}/${DEF}/job/${JOB2}</id>
    <status-link>https://www.concursolutions.com/api/extract/v1.0/${DEF}/job/${JOB2}/status</status-link>
    <start-time>2010-01-13T18:30:02Z</start-time>
    <stop-time>2010-01-13T18:30:50</stop-time>
    <status>Complete</status>
    <file-link>
      ${BASE}/${DEF}/job/${JOB2}/file
    </file-link>
  </job>
</jobs>`;

  it('reads jobs in Concur order with normalised fields', () => {
    const [queued, done] = parseJobs(jobs, WHERE, DEF);
    expect(queued).toEqual({
      id: JOB1,
      definitionId: DEF,
      status: 'Queued',
      startTime: '2010-01-13T18:30:02.000Z',
      stopTime: null,
      fileLink: null,
      url: `${BASE}/${DEF}/job/${JOB1}`,
      statusLink: `${BASE}/${DEF}/job/${JOB1}/status`,
    });
    expect(done.status).toBe('Completed');
    expect(done.stopTime).toBe('2010-01-13T18:30:50.000Z');
    expect(done.fileLink).toBe(`${BASE}/${DEF}/job/${JOB2}/file`);
  });

  it('replaces a status-link with a wrong path by <job url>/status', () => {
    const done = parseJobs(jobs, WHERE, DEF)[1];
    expect(done.statusLink).toBe(`${BASE}/${DEF}/job/${JOB2}/status`);
  });

  it('reads one <job> with xmlns:i, an i:nil stop-time and a numeric status', () => {
    const job = parseJob(
      `<?xml version="1.0"?><job xmlns="${NS}" xmlns:i="http://www.w3.org/2001/XMLSchema-instance">
        <id>${BASE}/${DEF}/job/${JOB1}</id>
        <start-time>2011-08-25T14:25:22.58</start-time>
        <stop-time i:nil="true"/>
        <status>1</status>
      </job>`,
      WHERE,
      DEF
    );
    expect(job.status).toBe('Running');
    expect(job.stopTime).toBeNull();
    expect(job.startTime).toBe('2011-08-25T14:25:22.580Z');
    expect(job.statusLink).toBe(`${BASE}/${DEF}/job/${JOB1}/status`);
  });

  it('names the call and the job when a field is unreadable', () => {
    const bad = `<jobs><job><id>${BASE}/${DEF}/job/${JOB1}</id><status>Paused</status></job></jobs>`;
    // Naming the call, the job and the value is the feature.
    expectThrowsCode(
      () => parseJobs(bad, WHERE, DEF),
      'CONCUR_ANSWER_INVALID',
      `${WHERE}: job ${JOB1}: `,
      '"Paused"'
    );
  });
});

describe('safe XML', () => {
  it('refuses DOCTYPE and ENTITY declarations without expanding them', () => {
    const bomb = `<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;">]><definitions>&lol2;</definitions>`;
    expectThrowsCode(() => parseXml(bomb, WHERE), 'CONCUR_ANSWER_INVALID');
    expectThrowsCode(
      () => parseXml('<x><!ENTITY a "b"></x>', WHERE),
      'CONCUR_ANSWER_INVALID'
    );
    expectThrowsCode(
      () =>
        parseXml('<!DOCTYPE x SYSTEM "file:///etc/passwd"><x>&xxe;</x>', WHERE),
      'CONCUR_ANSWER_INVALID'
    );
  });

  it('refuses malformed and truncated XML naming the call', () => {
    const full = `<jobs xmlns="${NS}"><job><id>${BASE}/${DEF}/job/a</id><status>Queued</status></job></jobs>`;
    for (const cut of [
      full.slice(0, 40),
      full.slice(0, full.length - 3),
      'not xml',
      '',
      '<a><b></a>',
    ]) {
      // Naming the call is the feature.
      expectThrowsCode(
        () => parseJobs(cut, WHERE, DEF),
        'CONCUR_ANSWER_INVALID',
        WHERE
      );
    }
  });

  it('decodes predefined entities and character references once', () => {
    expect(
      decodeEntities('a &amp;lt; b &#36; &#x24; &lt;&gt;&quot;&apos; &bogus;')
    ).toBe(`a &lt; b $ $ <>"' &bogus;`);
  });

  it('accepts a UTF-8 BOM', () => {
    expect(
      parseDefinitions(`\uFEFF<definitions xmlns="${NS}"/>`, WHERE)
    ).toEqual([]);
  });
});

describe('ids and links (docs/concur-extract-api.md#links-and-ids)', () => {
  it('takes the opaque last segment / the segment after /job/', () => {
    expect(lastSegment(`${BASE}/${DEF}`)).toBe(DEF);
    expect(lastSegment(`${BASE}/${DEF}/`)).toBe(DEF);
    expect(
      jobIdOf(`${BASE}/${DEF}/job/nIJp1lR2R0LNT4XcO5fXG$s$sZmVuRTuG$ps/status`)
    ).toBe('nIJp1lR2R0LNT4XcO5fXG$s$sZmVuRTuG$ps');
    expect(jobIdOf(`${BASE}/${DEF}/job/x%24y`)).toBe('x$y');
  });

  it('removes whitespace and newlines inside links', () => {
    expect(cleanLink(`\n  ${BASE}/\n  ${DEF}  \n`)).toBe(`${BASE}/${DEF}`);
    expect(cleanLink('  ')).toBeUndefined();
  });

  it('follows a link by its path on the authenticated API base, never its host', () => {
    const link = `https://other.example.com/api/expense/extract/v1.0/${DEF}/job?x=1`;
    expect(resolveOnBase('https://us.api.concursolutions.com', link)).toBe(
      `https://us.api.concursolutions.com/api/expense/extract/v1.0/${DEF}/job?x=1`
    );
    expect(resolveOnBase('http://127.0.0.1:8080/concur', link)).toBe(
      `http://127.0.0.1:8080/concur/api/expense/extract/v1.0/${DEF}/job?x=1`
    );
    expect(
      resolveOnBase('http://127.0.0.1:8080/concur', `/concur/api/x/${DEF}`)
    ).toBe(`http://127.0.0.1:8080/concur/api/x/${DEF}`);
    expect(appendPath(`${BASE}/${DEF}/`, '/job')).toBe(`${BASE}/${DEF}/job`);
  });
});

describe('error bodies (docs/concur-extract-api.md#errors-and-retries)', () => {
  const body = `<?xml version="1.0" encoding="UTF-8"?>
<Error>
  <Message>The Definition ID or Job ID
     specified in the URI is invalid &amp; unknown</Message>
  <Server-Time>2017-09-27T15:46:57</Server-Time>
  <Id>A55930EA-D39C-463B-A12A-356F4853F27C</Id>
</Error>`;

  it('uses the Message text in the ApiError message', () => {
    expect(errorMessageOf(body)).toBe(
      'The Definition ID or Job ID specified in the URI is invalid & unknown'
    );
    const err = statusError(
      `GET /api/expense/extract/v1.0/${DEF}/job`,
      404,
      {},
      body
    );
    expect(err).toBeInstanceOf(ApiError);
    expect(err.code).toBe('CONCUR_REQUEST_REJECTED');
    // Carrying Concur's Message text is the feature.
    expect(err.message).toBe(
      `GET /api/expense/extract/v1.0/${DEF}/job answered 404 Not Found: The Definition ID or Job ID specified in the URI is invalid & unknown`
    );
    expect(err.retriable).toBe(false);
  });

  it('classifies statuses through the taxonomy and reads Retry-After', () => {
    const busy = statusError('GET /x', 429, {'retry-after': '7'}, '');
    expect(busy.message).toBe('GET /x answered 429 Too Many Requests');
    expect(busy.retriable).toBe(true);
    expect(busy.code).toBe('CONCUR_RATE_LIMITED');
    expect(busy.failureType).toBe('transient_error');
    expect(busy.retryAfterSeconds).toBe(7);
    const forbidden = statusError('GET /x', 403, {}, '<html/>');
    expect(forbidden.code).toBe('AUTH_FORBIDDEN');
    expect(forbidden.failureType).toBe('config_error');
    expect(errorMessageOf('<html><body>x</body></html>')).toBeUndefined();
  });
});
