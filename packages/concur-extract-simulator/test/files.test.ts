import * as fs from 'fs';
import * as http from 'http';
import * as os from 'os';
import * as path from 'path';
import * as yauzl from 'yauzl';
import * as zlib from 'zlib';

import {buildSaeFile, startSimulator, writeSaeFile} from '../src';
import {buildPraeFile} from '../src/prae';
import {FileSpec, Scenario} from '../src/scenario';

const DEF = 'nYoPK$pZmcowMRUqcl5bnDAwwsMydyt$xd';
const AUTH = {Authorization: 'OAuth static-token'};

/** Scaled (×10000) integer of a 4-decimal signed amount like `+600.1100`. */
function units(amount: string): number {
  const m = /^([+-]?)(\d+)\.(\d{4})$/.exec(amount);
  if (!m) throw new Error(`bad amount ${amount}`);
  const v = Number(m[2]) * 10000 + Number(m[3]);
  return m[1] === '-' ? -v : v;
}

/** Quote-aware split: a field starting with `"` runs to the closing quote; `""` is a quote. */
function splitQuoted(line: string): string[] {
  const out: string[] = [];
  let i = 0;
  for (;;) {
    if (line[i] === '"') {
      let v = '';
      i++;
      for (;;) {
        if (line[i] === '"' && line[i + 1] === '"') {
          v += '"';
          i += 2;
        } else if (line[i] === '"') {
          i++;
          break;
        } else {
          v += line[i++];
        }
      }
      out.push(v);
    } else {
      const end = line.indexOf('|', i);
      out.push(line.slice(i, end < 0 ? line.length : end));
      i = end < 0 ? line.length : end;
    }
    if (i >= line.length) return out;
    i++; // the pipe
  }
}

function lines(text: string): string[] {
  return text.split(/\r?\n/).filter((l) => l !== '');
}

function checkSae(text: string, split: (l: string) => string[]) {
  const [header, ...details] = lines(text.replace(/^\uFEFF/, ''));
  const h = header.split('|');
  expect(h).toHaveLength(5);
  expect(h[0]).toBe('EXTRACT');
  let total = 0;
  details.forEach((l, i) => {
    const f = split(l);
    expect(f).toHaveLength(400);
    expect(f[0]).toBe('DETAIL');
    expect(f[3]).toBe(String(i + 1));
    total += units(f[168]);
  });
  return {header: h, details: details.map(split), total};
}

function scenario(
  files: Record<string, FileSpec>,
  extra: Partial<Scenario> = {}
): Scenario {
  return {
    credentials: {static_tokens: ['static-token']},
    definitions: [
      {
        id: DEF,
        name: 'Standard Accounting Extract',
        jobs: Object.entries(files).map(([id, file], i) => ({
          id,
          status: 'Completed',
          start_time: `2024-01-${String(10 + i).padStart(2, '0')}T10:00:00Z`,
          file,
        })),
      },
    ],
    ...extra,
  };
}

function download(
  url: string
): Promise<{status: number; headers: http.IncomingHttpHeaders; body: Buffer}> {
  return new Promise((resolve, reject) => {
    http
      .get(url, {headers: AUTH}, (res) => {
        const parts: Buffer[] = [];
        res.on('data', (c) => parts.push(c));
        res.on('end', () =>
          resolve({
            status: res.statusCode!,
            headers: res.headers,
            body: Buffer.concat(parts),
          })
        );
        res.on('error', reject);
      })
      .on('error', reject);
  });
}

const zipOf = (buf: Buffer, opts: yauzl.Options = {}) =>
  new Promise<yauzl.ZipFile>((resolve, reject) =>
    yauzl.fromBuffer(buf, {lazyEntries: true, ...opts}, (err, zf) =>
      err ? reject(err) : resolve(zf!)
    )
  );

async function entries(buf: Buffer, opts: yauzl.Options = {}) {
  const zf = await zipOf(buf, opts);
  const out: {
    name: string;
    size: number;
    crc: number;
    data?: Buffer;
    error?: string;
  }[] = [];
  await new Promise<void>((resolve, reject) => {
    zf.on('error', reject);
    zf.on('end', resolve);
    zf.on('entry', (e: yauzl.Entry) => {
      const name = Buffer.isBuffer(e.fileName)
        ? (e.fileName as Buffer).toString('utf8')
        : e.fileName;
      zf.openReadStream(e, (err, rs) => {
        if (err) {
          out.push({
            name,
            size: e.uncompressedSize,
            crc: e.crc32,
            error: err.message,
          });
          zf.readEntry();
          return;
        }
        const parts: Buffer[] = [];
        rs!.on('data', (c) => parts.push(c));
        rs!.on('error', (er) => {
          out.push({
            name,
            size: e.uncompressedSize,
            crc: e.crc32,
            error: er.message,
          });
          zf.readEntry();
        });
        rs!.on('end', () => {
          out.push({
            name,
            size: e.uncompressedSize,
            crc: e.crc32,
            data: Buffer.concat(parts),
          });
          zf.readEntry();
        });
      });
    });
    zf.readEntry();
  });
  return out;
}

describe('SAE v3 generation', () => {
  test('header total equals the DETAIL sum; 400 fields; sequence 1..n; deterministic', () => {
    const a = buildSaeFile({
      details: 60,
      seed: 11,
      batch_id: 567,
      batch_date: '2019-02-01',
    });
    const b = buildSaeFile({
      details: 60,
      seed: 11,
      batch_id: 567,
      batch_date: '2019-02-01',
    });
    expect(a.body.equals(b.body)).toBe(true);
    const text = a.body.toString('utf8');
    expect(text.startsWith('EXTRACT|2019-02-01|60|')).toBe(true);
    expect(text.endsWith('\n')).toBe(true);
    const {header, details, total} = checkSae(text, (l) => l.split('|'));
    expect(units(header[3])).toBe(total);
    expect(header[3]).toMatch(/^\d+\.\d{4}$/);
    expect(a.journalTotal).toBe(header[3]);
    expect(header[4]).toBe('567');
    for (const f of details) {
      expect(f[1]).toBe('567');
      expect(f[2]).toBe('2019-02-01');
      expect(f[167]).toMatch(/^(DR|CR)$/);
      expect(f[168]).toMatch(/^[+-]\d+\.\d{4}$/);
      expect(f[167] === 'CR').toBe(f[168].startsWith('-'));
      if (f[184] !== '1') {
        expect(f[18]).toMatch(/^[0-9A-F]{20}$/);
        expect(f[62]).not.toBe('');
      }
    }
    expect(buildSaeFile({details: 60, seed: 12}).body.equals(a.body)).toBe(
      false
    );
  });

  test('cash advance issuance and application rows', () => {
    const {details} = checkSae(
      buildSaeFile({details: 400, seed: 3}).body.toString(),
      (l) => l.split('|')
    );
    const issue = details.filter((f) => f[184] === '1');
    const apply = details.filter((f) => f[184] === '2');
    expect(issue.length).toBeGreaterThan(0);
    expect(apply.length).toBeGreaterThan(0);
    for (const f of issue) {
      expect(f[18]).toBe('');
      expect(f[19]).toBe('');
      expect(f[186]).not.toBe('');
    }
    for (const f of apply) {
      expect(f[167]).toBe('CR');
      expect(f[168].startsWith('-')).toBe(true);
    }
    expect(new Set(details.map((f) => f[125]))).toEqual(
      new Set(['CASH', 'COPD', 'CBCP', ''])
    );
  });

  test('line ending, BOM, final newline, latin1 variants', () => {
    const crlf = buildSaeFile({
      details: 5,
      seed: 1,
      line_ending: 'crlf',
      bom: true,
      final_newline: false,
    });
    const t = crlf.body.toString('utf8');
    expect(
      crlf.body.subarray(0, 3).equals(Buffer.from([0xef, 0xbb, 0xbf]))
    ).toBe(true);
    expect(t.split('\r\n')).toHaveLength(6);
    expect(t.endsWith('\r\n')).toBe(false);
    checkSae(t, (l) => l.split('|'));
    const latin = buildSaeFile({
      details: 30,
      seed: 1,
      utf8: true,
      encoding: 'latin1',
    });
    expect(latin.body.toString('utf8')).toContain('\uFFFD');
  });

  test('utf8, quoted pipes, doubled and stray quotes, tabs', () => {
    const utf = buildSaeFile({details: 80, seed: 2, utf8: true}).body.toString(
      'utf8'
    );
    expect([...utf].some((ch) => ch.charCodeAt(0) > 0x7f)).toBe(true);
    checkSae(utf, (l) => l.split('|'));

    const quoted = buildSaeFile({
      details: 80,
      seed: 2,
      quoted_pipes: true,
      doubled_quotes: true,
    }).body.toString();
    const naive = lines(quoted)
      .slice(1)
      .map((l) => l.split('|').length);
    expect(naive.some((n) => n > 400)).toBe(true);
    expect(quoted).toContain('""');
    const {details} = checkSae(quoted, splitQuoted);
    expect(details.some((f) => f[70].includes('|'))).toBe(true);
    expect(details.some((f) => f[68].includes('"'))).toBe(true);

    const stray = buildSaeFile({
      details: 80,
      seed: 2,
      stray_quotes: true,
      tabs: true,
    }).body.toString();
    checkSae(stray, (l) => l.split('|'));
    expect(stray).toMatch(/[^|"]"[^|"]/);
    expect(stray).toContain('\t');
  });

  test('bad header total and count', () => {
    const t = buildSaeFile({
      details: 10,
      seed: 4,
      bad_header_total: true,
    }).body.toString();
    const {header, total} = checkSae(t, (l) => l.split('|'));
    expect(units(header[3])).toBe(total + 10000);
    const c = buildSaeFile({
      details: 10,
      seed: 4,
      bad_header_count: true,
    }).body.toString();
    expect(c.split('|')[2]).toBe('11');
  });

  test('writeSaeFile streams a file by size with the same content rules', async () => {
    const file = path.join(os.tmpdir(), `sim-sae-${process.pid}.txt`);
    try {
      const r = await writeSaeFile(file, {
        bytes: 2_000_000,
        seed: 9,
        batch_id: 4,
      });
      const buf = fs.readFileSync(file);
      expect(r.bytes).toBe(buf.length);
      expect(buf.length).toBeGreaterThanOrEqual(2_000_000);
      expect(buf.length).toBeLessThan(2_010_000);
      const {header, details, total} = checkSae(buf.toString('utf8'), (l) =>
        l.split('|')
      );
      expect(Number(header[2])).toBe(details.length);
      expect(r.details).toBe(details.length);
      expect(units(header[3])).toBe(total);
      expect(r.journalTotal).toBe(header[3]);
      const byCount = await writeSaeFile(file, {
        details: 50,
        seed: 9,
        batch_id: 4,
      });
      expect(byCount.details).toBe(50);
      expect(
        fs
          .readFileSync(file)
          .equals(buildSaeFile({details: 50, seed: 9, batch_id: 4}).body)
      ).toBe(true);
    } finally {
      fs.rmSync(file, {force: true});
    }
  });
});

describe('PRAE generation', () => {
  test('header order, 256 fields, total', () => {
    const t = buildPraeFile({
      details: 20,
      seed: 3,
      batch_id: 44,
      batch_date: '2024-01-13',
    }).body.toString();
    const [header, ...details] = lines(t);
    const h = header.split('|');
    expect(h[0]).toBe('EXTRACT');
    expect(h[1]).toBe('44');
    expect(h[2]).toBe('2024/01/13');
    expect(h[3]).toBe('20');
    let total = 0;
    for (const l of details) {
      const f = l.split('|');
      expect(f).toHaveLength(256);
      total += units(f[61]);
    }
    expect(units(h[4])).toBe(total);
  });
});

describe('file downloads over HTTP', () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'sim-files-'));
  afterAll(() => fs.rmSync(tmp, {recursive: true, force: true}));
  const url = (base: string, job: string) =>
    `${base}/api/expense/extract/v1.0/${DEF}/job/${job}/file`;

  test('text, base64, path, zip entries, content types', async () => {
    const diskFile = path.join(tmp, 'on-disk.txt');
    fs.writeFileSync(diskFile, 'EXTRACT|2024-01-01|0|0.0000|1\n');
    const sim = await startSimulator(
      scenario({
        text: {text: 'hello|world\n'},
        b64: {
          base64: Buffer.from('PK-not-really').toString('base64'),
          content_type: 'application/octet-stream',
        },
        disk: {path: diskFile},
        zip: {
          zip: [
            {
              name: 'extract_CES_SAE_v3_p0606183nh9k_20240113183050.txt',
              file: {sae_v3: {details: 7, seed: 1}},
            },
            {
              name: 'nested/folder/extract_CES_SAE_v3_p0085104gigw_20240113183050.txt',
              file: {text: 'EXTRACT|2024-01-13|0|0.0000|2\n'},
            },
          ],
        },
        zipAsCsv: {
          zip: [{name: 'a.txt', file: {text: 'x'}}],
          content_type: 'text/csv',
        },
        evil: {
          zip: [
            {name: '../evil.txt', file: {text: 'evil'}},
            {name: '/abs/evil.txt', file: {text: 'abs'}},
          ],
        },
      })
    );
    try {
      const text = await download(url(sim.url, 'text'));
      expect(text.status).toBe(200);
      expect(text.headers['content-type']).toBe('text/csv');
      expect(text.headers['content-length']).toBe('12');
      expect(text.body.toString()).toBe('hello|world\n');

      const b64 = await download(url(sim.url, 'b64'));
      expect(b64.headers['content-type']).toBe('application/octet-stream');
      expect(b64.body.toString()).toBe('PK-not-really');

      const disk = await download(url(sim.url, 'disk'));
      expect(disk.body.equals(fs.readFileSync(diskFile))).toBe(true);

      const zip = await download(url(sim.url, 'zip'));
      expect(zip.headers['content-type']).toBe('application/zip');
      expect(zip.body.subarray(0, 2).toString()).toBe('PK');
      const es = await entries(zip.body);
      expect(es.map((e) => e.name)).toEqual([
        'extract_CES_SAE_v3_p0606183nh9k_20240113183050.txt',
        'nested/folder/extract_CES_SAE_v3_p0085104gigw_20240113183050.txt',
      ]);
      expect(es[0].data!.equals(buildSaeFile({details: 7, seed: 1}).body)).toBe(
        true
      );
      // reproducible bytes: same archive on a second download
      expect((await download(url(sim.url, 'zip'))).body.equals(zip.body)).toBe(
        true
      );

      const csvZip = await download(url(sim.url, 'zipAsCsv'));
      expect(csvZip.headers['content-type']).toBe('text/csv');
      expect(csvZip.body.subarray(0, 4).readUInt32LE(0)).toBe(0x04034b50);

      const evil = await download(url(sim.url, 'evil'));
      const raw = await entries(evil.body, {decodeStrings: false});
      expect(raw.map((e) => e.name)).toEqual(['../evil.txt', '/abs/evil.txt']);
      expect(raw[0].data!.toString()).toBe('evil');
      await expect(entries(evil.body)).rejects.toThrow(
        /invalid relative path|absolute path/
      );
    } finally {
      await sim.close();
    }
  });

  test('corrupt ZIPs, raw ZIP bytes, ZIP bomb', async () => {
    const good = buildSaeFile({details: 3, seed: 1}).body;
    const sim = await startSimulator(
      scenario({
        trunc: {corrupt_zip: 'truncated'},
        crc: {
          corrupt_zip: 'bad_crc',
          entries: [{name: 'x.txt', file: {sae_v3: {details: 5, seed: 1}}}],
        },
        raw: {
          raw_zip_base64: Buffer.from('PK\u0003\u0004garbage').toString(
            'base64'
          ),
        },
        bomb: {zip_bomb_mb: 50},
      })
    );
    try {
      const trunc = await download(url(sim.url, 'trunc'));
      expect(trunc.body.subarray(0, 2).toString()).toBe('PK');
      await expect(entries(trunc.body)).rejects.toThrow();

      const crc = await download(url(sim.url, 'crc'));
      const es = await entries(crc.body);
      expect(es).toHaveLength(1);
      // yauzl does not verify CRC-32: the client must; the data no longer matches the header
      expect(zlib.crc32(es[0].data!)).not.toBe(es[0].crc);

      const raw = await download(url(sim.url, 'raw'));
      expect(raw.body.toString('latin1')).toBe('PK\u0003\u0004garbage');

      const bomb = await download(url(sim.url, 'bomb'));
      expect(bomb.body.length).toBeLessThan(200 * 1024);
      const zf = await zipOf(bomb.body);
      const entry = await new Promise<yauzl.Entry>((resolve) => {
        zf.on('entry', resolve);
        zf.readEntry();
      });
      expect(entry.uncompressedSize).toBe(50 * 1024 * 1024);
      zf.close();
      expect(good.length).toBeGreaterThan(0);
    } finally {
      await sim.close();
    }
  });

  test('sample files are served verbatim from the samples folder', async () => {
    // A folder of our own stands in for ../shared/samples/concur (CONCUR_SAMPLES_DIR).
    const samples = fs.mkdtempSync(path.join(os.tmpdir(), 'concur-samples-'));
    const name = 'an-sae-sample.txt';
    const bytes = Buffer.from(
      'EXTRACT|2025-01-20|1|5.0000\r\nDETAIL|é|"a""b"\r\n',
      'utf8'
    );
    fs.writeFileSync(path.join(samples, name), bytes);
    const before = process.env.CONCUR_SAMPLES_DIR;
    process.env.CONCUR_SAMPLES_DIR = samples;
    try {
      const sim = await startSimulator(scenario({s: {sample: name}}));
      try {
        const r = await download(url(sim.url, 's'));
        expect(r.body.equals(bytes)).toBe(true);
      } finally {
        await sim.close();
      }
    } finally {
      if (before === undefined) delete process.env.CONCUR_SAMPLES_DIR;
      else process.env.CONCUR_SAMPLES_DIR = before;
      fs.rmSync(samples, {recursive: true, force: true});
    }
  });

  test('a 50 MB file is streamed from disk with bounded memory', async () => {
    const big = path.join(tmp, 'big.txt');
    const w = await writeSaeFile(big, {bytes: 50 * 1024 * 1024, seed: 5});
    const sim = await startSimulator(scenario({big: {path: big}}));
    try {
      if (global.gc) global.gc();
      const before = process.memoryUsage().rss;
      let peak = before;
      const timer = setInterval(
        () => (peak = Math.max(peak, process.memoryUsage().rss)),
        5
      );
      const got = await new Promise<{length: number; bytes: number}>(
        (resolve, reject) => {
          http.get(url(sim.url, 'big'), {headers: AUTH}, (res) => {
            let bytes = 0;
            res.on('data', (c: Buffer) => (bytes += c.length));
            res.on('end', () =>
              resolve({length: Number(res.headers['content-length']), bytes})
            );
            res.on('error', reject);
          });
        }
      );
      clearInterval(timer);
      expect(got.length).toBe(w.bytes);
      expect(got.bytes).toBe(w.bytes);
      expect(peak - before).toBeLessThan(35 * 1024 * 1024); // the file is 50 MB
    } finally {
      await sim.close();
    }
  });
});
