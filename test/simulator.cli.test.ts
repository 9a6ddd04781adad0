import {spawn} from 'child_process';
import * as path from 'path';

const ROOT = path.join(__dirname, '..');
const CLI = path.join(ROOT, 'lib', 'src', 'simulator', 'cli.js');

// Runs the build output, like every CLI test (`npm test` builds first).
test('CLI prints its URL and credentials, serves, and stops on SIGTERM', async () => {
  const child = spawn(
    process.execPath,
    [CLI, '--scenario', 'test_files/scenarios/demo.json', '--port', '0'],
    {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    }
  );
  try {
    let out = '';
    const url = await new Promise<string>((resolve, reject) => {
      child.stdout.on('data', (c) => {
        out += c;
        const m =
          /^Concur Extract simulator listening on (http:\/\/127\.0\.0\.1:\d+)$/m.exec(
            out
          );
        if (m && out.includes('static access token')) resolve(m[1]);
      });
      child.on('exit', (code) => reject(new Error(`exited ${code}: ${out}`)));
    });
    expect(out).toContain('client_id=sim-client-id');
    expect(out).toContain('static access token: sim-static-token');
    const r = await fetch(`${url}/api/expense/extract/v1.0/`, {
      headers: {Authorization: 'OAuth sim-static-token'},
    });
    expect(r.status).toBe(200);
    expect(await r.text()).toContain('AMEX Remittance - US');
    const added = await fetch(
      `${url}/__sim/jobs/Umj$swS19lpd7Sk$phUYl67wE1ss4Q$shu`,
      {
        method: 'POST',
        body: JSON.stringify({id: 'cli$pJob', file: {text: 'x'}}),
      }
    );
    expect(added.status).toBe(201);
    const log = (await (
      await fetch(`${url}/__sim/requests`)
    ).json()) as unknown[];
    expect(log).toHaveLength(1);
    const code = await new Promise<number | null>((resolve) => {
      child.on('exit', resolve);
      child.kill('SIGTERM');
    });
    expect(code).toBe(0);
  } finally {
    if (child.exitCode === null) child.kill('SIGKILL');
  }
});

test('CLI rejects bad arguments', async () => {
  const code = await new Promise<number | null>((resolve) => {
    const c = spawn(process.execPath, [CLI, '--bogus'], {
      cwd: ROOT,
      stdio: 'ignore',
    });
    c.on('exit', resolve);
  });
  expect(code).toBe(2);
});
