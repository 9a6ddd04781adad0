import {spawn} from 'child_process';
import * as path from 'path';

const ROOT = path.join(__dirname, '..');
const CLI = path.join(ROOT, 'bin', 'concur-extract-simulator');

// Runs the build output, like every CLI test (`npm test` builds first).
test('CLI prints its URL and credentials, serves, and stops on SIGTERM', async () => {
  const child = spawn(
    process.execPath,
    [CLI, '--scenario', 'scenarios/demo.json', '--port', '0'],
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

test('CLI stops when whoever started it is killed without passing the signal on', async () => {
  // A stand-in for `npm run simulator` killed with SIGKILL: the wrapper dies,
  // the simulator is re-parented and must not keep serving.
  const wrapper = spawn(
    process.execPath,
    [
      '-e',
      `const c = require('child_process').spawn(process.execPath, ${JSON.stringify(
        [CLI, '--scenario', 'scenarios/demo.json', '--port', '0']
      )}, {stdio: ['ignore', 'inherit', 'inherit']});
       console.log('child ' + c.pid);
       setInterval(() => {}, 1000);`,
    ],
    {cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe']}
  );
  let out = '';
  const url = await new Promise<string>((resolve, reject) => {
    wrapper.stdout.on('data', (c) => {
      out += c;
      const m = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
      if (m) resolve(m[1]);
    });
    wrapper.on('exit', (code) => reject(new Error(`exited ${code}: ${out}`)));
  });
  const pid = Number(/^child (\d+)$/m.exec(out)?.[1]);
  try {
    expect((await fetch(`${url}/api/expense/extract/v1.0/`)).status).toBe(401);
    wrapper.kill('SIGKILL');
    const deadline = Date.now() + 5000;
    while (isAlive(pid) && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(isAlive(pid)).toBe(false);
    await expect(fetch(`${url}/api/expense/extract/v1.0/`)).rejects.toThrow();
  } finally {
    if (wrapper.exitCode === null) wrapper.kill('SIGKILL');
    if (isAlive(pid)) process.kill(pid, 'SIGKILL');
  }
});

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
