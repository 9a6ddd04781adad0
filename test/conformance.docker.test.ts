/**
 * The image as CAT's test_docker_env and Airbyte see it, checked without a
 * Docker engine: AIRBYTE_ENTRYPOINT equal to the ENTRYPOINT, non-root user,
 * labels, a final stage with production dependencies only, every COPY source
 * present in the build context; and docker/entrypoint.sh sizing the heap from
 * the cgroup memory limit (run here with a fake cgroup folder).
 * The image itself is built and run with ../shared/tools/build-image.
 */
import {spawn} from 'child_process';
import fs from 'fs';
import yaml from 'js-yaml';
import os from 'os';
import path from 'path';

import {ROOT} from './helpers/cli';
import {runConnector} from './helpers/conformance';

interface Instruction {
  op: string;
  args: string;
}

function instructions(text: string): Instruction[] {
  return text
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'))
    .map((l) => {
      const m = /^(\S+)\s+(.*)$/.exec(l)!;
      return {op: m[1].toUpperCase(), args: m[2].trim()};
    });
}

const dockerfile = fs.readFileSync(path.join(ROOT, 'Dockerfile'), 'utf8');
const all = instructions(dockerfile);
const lastFrom = all.map((i) => i.op).lastIndexOf('FROM');
const final = all.slice(lastFrom);
const pkg = JSON.parse(
  fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')
);

/** KEY=VALUE pairs of ENV/LABEL/ARG instructions (quoted values allowed). */
function pairs(ops: Instruction[], op: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const i of ops.filter((x) => x.op === op)) {
    for (const m of i.args.matchAll(/([\w.-]+)=("([^"]*)"|(\S+))/g))
      out[m[1]] = m[3] ?? m[4];
  }
  return out;
}

describe('Dockerfile', () => {
  test('multi-stage: a build stage, and a final stage on node:22-alpine', () => {
    const froms = all.filter((i) => i.op === 'FROM').map((i) => i.args);
    expect(froms.length).toBeGreaterThanOrEqual(2);
    expect(froms[0]).toMatch(/^node:\S+ AS build$/i);
    expect(froms[froms.length - 1]).toBe('node:22-alpine');
  });

  test('the final stage installs production dependencies only and copies compiled code, not sources', () => {
    const runs = final.filter((i) => i.op === 'RUN').map((i) => i.args);
    const installs = runs.filter((r) => /npm (ci|install)/.test(r));
    expect(installs.length).toBe(1);
    expect(installs[0]).toMatch(/npm ci\b.*--omit=dev/);
    const copies = final.filter((i) => i.op === 'COPY').map((i) => i.args);
    expect(copies).toContainEqual(
      expect.stringMatching(/^--from=build \S*lib/)
    );
    for (const c of copies) {
      expect(c).not.toMatch(/^\.\s/);
      expect(c).not.toMatch(/(^|\s)(src|test|test_files)(\/|\s)/);
    }
  });

  test('AIRBYTE_ENTRYPOINT equals the space-joined ENTRYPOINT (CAT test_docker_env)', () => {
    const entry = final.filter((i) => i.op === 'ENTRYPOINT');
    expect(entry).toHaveLength(1);
    const argv: string[] = JSON.parse(entry[0].args);
    const env = pairs(final, 'ENV');
    expect(env.AIRBYTE_ENTRYPOINT).toBe(argv.join(' '));
    expect(argv[0]).toBe('/home/node/airbyte/docker/entrypoint.sh');
    const workdir = final.find((i) => i.op === 'WORKDIR')!.args;
    expect(argv[0].startsWith(workdir + '/')).toBe(true);
    expect(final.map((i) => i.args).join('\n')).toContain(
      'docker/entrypoint.sh ./docker/entrypoint.sh'
    );
  });

  test('runs as a non-root user', () => {
    const users = final.filter((i) => i.op === 'USER').map((i) => i.args);
    expect(users.length).toBeGreaterThan(0);
    expect(users[users.length - 1]).not.toMatch(/^(root|0)(:|$)/);
    const userAt = final.map((i) => i.op).lastIndexOf('USER');
    // As that user, only the compile cache's warm-up runs (Node keys the cache by user id).
    const runs = final.slice(userAt).filter((i) => i.op === 'RUN');
    expect(runs.map((i) => i.args)).toEqual([
      'node ./docker/warm-compile-cache.js',
    ]);
  });

  test('metadata.yaml: Airbyte metadata naming the same image and tag, the icon and the docs page', () => {
    const meta = yaml.load(
      fs.readFileSync(path.join(ROOT, 'metadata.yaml'), 'utf8')
    ) as any;
    expect(meta.metadataSpecVersion).toBe('1.0');
    expect(meta.data).toMatchObject({
      connectorType: 'source',
      connectorSubtype: 'api',
      dockerRepository: `airbyte/${pkg.name}`,
      dockerImageTag: pkg.version,
      license: pkg.license,
    });
    expect(meta.data.definitionId).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/
    );
    for (const f of [meta.data.icon, meta.data.documentationUrl]) {
      expect(fs.existsSync(path.join(ROOT, f))).toBe(true);
    }
    expect(fs.readFileSync(path.join(ROOT, meta.data.icon), 'utf8')).toMatch(
      /^<svg [^>]*xmlns="http:\/\/www\.w3\.org\/2000\/svg"/
    );
  });

  test('labels name and version the connector, version from package.json', () => {
    const labels = pairs(final, 'LABEL');
    expect(labels['io.airbyte.name']).toBe(`airbyte/${pkg.name}`);
    expect(labels['io.airbyte.version']).toBe('${VERSION}');
    expect(pairs(final, 'ARG').VERSION).toBe(pkg.version);
    // The connector reads its version from package.json (copied into the image), not from the environment.
    expect(pairs(final, 'ENV').CONNECTOR_VERSION).toBeUndefined();
    expect(
      final.some((i) => i.op === 'COPY' && /package\.json/.test(i.args))
    ).toBe(true);
  });

  test('every COPY source is in the build context and not excluded by .dockerignore', () => {
    const ignored = fs
      .readFileSync(path.join(ROOT, '.dockerignore'), 'utf8')
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l && !l.startsWith('#'));
    for (const must of ['node_modules', 'lib', 'secrets', '.git', 'test_files'])
      expect(ignored).toContain(must);
    const sources = all
      .filter((i) => i.op === 'COPY' && !i.args.startsWith('--from'))
      .flatMap((i) => i.args.split(/\s+/).slice(0, -1))
      .filter((s) => !s.startsWith('--'));
    expect(sources.length).toBeGreaterThan(5);
    for (const s of sources) {
      expect([s, fs.existsSync(path.join(ROOT, s))]).toEqual([s, true]);
      expect([s, ignored.includes(s.split('/')[0])]).toEqual([s, false]);
    }
  });
});

describe('docker/entrypoint.sh', () => {
  const ENTRYPOINT = path.join(ROOT, 'docker', 'entrypoint.sh');
  let dir: string;
  let probe: string;

  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'concur-cgroup-'));
    probe = path.join(dir, 'probe.js');
    fs.writeFileSync(
      probe,
      "process.stderr.write('PROBE ' + JSON.stringify({heapMb: Math.round(require('v8').getHeapStatistics().heap_size_limit / 1048576), nodeOptions: process.env.NODE_OPTIONS, compileCache: process.env.NODE_COMPILE_CACHE}) + '\\n');\n"
    );
  });
  afterAll(() => fs.rmSync(dir, {recursive: true, force: true}));

  /** Runs the entrypoint with a fake cgroup folder; returns the probe's view and stdout. */
  function run(
    cgroup: Record<string, string>,
    nodeOptions = ''
  ): Promise<{probe: any; stdout: string; code: number | null}> {
    const root = fs.mkdtempSync(path.join(dir, 'cg-'));
    for (const [file, content] of Object.entries(cgroup)) {
      fs.mkdirSync(path.dirname(path.join(root, file)), {recursive: true});
      fs.writeFileSync(path.join(root, file), content + '\n');
    }
    return new Promise((resolve, reject) => {
      const env: NodeJS.ProcessEnv = {
        ...process.env,
        CGROUP_ROOT: root,
        NODE_OPTIONS: `${nodeOptions} --require ${probe}`.trim(),
        NODE_COMPILE_CACHE: path.join(root, 'compile-cache'), // as the Dockerfile sets it
      };
      const child = spawn('sh', [ENTRYPOINT, 'spec'], {env});
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (c) => (stdout += c));
      child.stderr.on('data', (c) => (stderr += c));
      child.on('error', reject);
      child.on('close', (code) => {
        const line = stderr.split('\n').find((l) => l.startsWith('PROBE '));
        resolve({
          probe: line ? JSON.parse(line.slice(6)) : undefined,
          stdout,
          code,
        });
      });
    });
  }

  test('cgroup v2 limit: heap = 75 % of it, and the connector runs (spec)', async () => {
    const res = await run({'memory.max': String(512 * 1048576)});
    expect(res.code).toBe(0);
    expect(res.probe.nodeOptions).toMatch(/--max-old-space-size=384$/);
    // The image's compile cache was made without that flag: dropped, not missed and rewritten.
    expect(res.probe.compileCache).toBeUndefined();
    expect(res.probe.heapMb).toBeGreaterThanOrEqual(384);
    expect(res.probe.heapMb).toBeLessThan(450);
    const direct = await runConnector(['spec']);
    expect(res.stdout).toBe(direct.stdout);
  });

  test('cgroup v1 limit: heap = 75 % of it', async () => {
    const res = await run({
      'memory/memory.limit_in_bytes': String(2048 * 1048576),
    });
    expect(res.probe.nodeOptions).toMatch(/--max-old-space-size=1536$/);
  });

  test.each([
    ['no limit (v2 "max")', {'memory.max': 'max'}],
    [
      'no limit (v1 huge number)',
      {'memory/memory.limit_in_bytes': '9223372036854771712'},
    ],
    [
      'a limit too small to size (< 64 MB heap)',
      {'memory.max': String(64 * 1048576)},
    ],
    ['no cgroup files', {}],
  ])('%s: Node’s default heap', async (_name, cgroup) => {
    const res = await run(cgroup as Record<string, string>);
    expect(res.code).toBe(0);
    expect(res.probe.nodeOptions).not.toMatch(/max-old-space-size/);
    expect(res.probe.compileCache).toMatch(/compile-cache$/); // kept
  });

  test('an explicit --max-old-space-size in NODE_OPTIONS wins', async () => {
    const res = await run(
      {'memory.max': String(512 * 1048576)},
      '--max-old-space-size=200'
    );
    expect(res.probe.nodeOptions).toMatch(/--max-old-space-size=200/);
    expect(res.probe.nodeOptions).not.toMatch(/=384/);
    // The user's flag changes V8's flags as much as ours would: the cache is dropped too.
    expect(res.probe.compileCache).toBeUndefined();
  });
});
