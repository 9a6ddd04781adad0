/**
 * The user docs state facts that also live in the spec and the layouts: the
 * Concur roles and scope the credentials need, and how many typed columns a
 * row can carry. These checks fail when one side changes without the other.
 */
import fs from 'fs';
import path from 'path';

import {schemaProperties} from '../scripts/schemas/columns';
import {FIXED_ROW_FIELDS, LAYOUT_TABLES} from '../src/extract-file/layouts';
import {ROOT} from './helpers/cli';

const read = (file: string): string =>
  fs.readFileSync(path.join(ROOT, file), 'utf8');
const DOCS_PAGE = read('docs/concur-extract.md');
const API_DOC = read('docs/concur-extract-api.md');
const SPEC = JSON.parse(read('resources/spec.json'));

/** The text of a markdown section, from its heading to the next heading of any level. */
function section(doc: string, heading: string): string {
  const start = doc.indexOf(`${heading}\n`);
  expect(start).toBeGreaterThanOrEqual(0);
  const rest = doc.slice(start + heading.length + 1);
  const next = rest.search(/^#{1,6} /m);
  return next < 0 ? rest : rest.slice(0, next);
}

/** Markdown emphasis and line breaks removed, so phrases can be matched. */
const plain = (text: string): string =>
  text.replace(/\*\*|`/g, '').replace(/\s+/g, ' ');

describe('docs agree with the spec on Concur roles and scope', () => {
  const ROLES = [
    'Company Administrator',
    'Web Services Administrator',
    'Can Administer',
  ];
  const credentials = plain(
    SPEC.connectionSpecification.properties.credentials.description
  );
  const prerequisites = plain(section(DOCS_PAGE, '## Prerequisites'));
  const apiRoles = plain(section(API_DOC, '### Roles and scope'));

  test.each(ROLES)(
    '%s is named by the spec, the docs page and the API doc',
    (role) => {
      expect(credentials).toContain(role);
      expect(prerequisites).toContain(role);
      expect(apiRoles).toContain(role);
    }
  );

  test('the spec names no role the docs page does not', () => {
    const named = credentials.match(/[A-Z][a-z]+(?: [A-Z][a-z]+)* role/g) ?? [];
    expect(named.length).toBeGreaterThan(0); // else the loop checks nothing
    for (const phrase of named) {
      const role = phrase.replace(/ role$/, '');
      expect(ROLES.some((r) => role.endsWith(r))).toBe(true);
    }
  });

  test('the EXTRCT scope is named by all three', () => {
    for (const text of [credentials, prerequisites, apiRoles]) {
      expect(text).toContain('EXTRCT');
    }
  });
});

describe('docs agree with the layouts on the number of columns', () => {
  const limitations = plain(section(DOCS_PAGE, '## Limitations'));
  const typed = (layout: string): number => {
    const table = LAYOUT_TABLES.find((t) => t.layout === layout);
    expect(table).toBeDefined();
    return table!.detail.columns.length;
  };

  test('per-line typed columns of SAE v3 and PRAE detail lines', () => {
    expect(limitations).toContain(
      `SAE v3 DETAIL line carries up to ${typed('sae_v3')} typed columns`
    );
    expect(limitations).toContain(`PRAE Detail line up to ${typed('prae')}`);
  });

  test('typed columns and fixed fields declared by the extract_file_rows schema', () => {
    const columns = Object.keys(schemaProperties()).length;
    const fixed = FIXED_ROW_FIELDS.length;
    const schema = JSON.parse(read('resources/schemas/extract_file_rows.json'));
    expect(Object.keys(schema.properties)).toHaveLength(columns + fixed);
    expect(limitations).toContain(`declares ${columns} typed columns`);
    expect(limitations).toContain(`the ${fixed} fields every record has`);
    expect(plain(read('README.md'))).toContain(`${columns} declared`);
  });
});

describe('references to docs/concur-extract-api.md', () => {
  /** GitHub's anchor of a heading: lower case, punctuation dropped, spaces → hyphens. */
  const anchor = (heading: string): string =>
    heading
      .toLowerCase()
      .replace(/[^a-z0-9 -]/g, '')
      .replace(/ /g, '-');
  const anchors = new Set(
    [...API_DOC.matchAll(/^#{2,4} (.+)$/gm)].map((m) => anchor(m[1]))
  );

  /** The simulator's own code and docs (it cites the API doc too). */
  const SIMULATOR = 'packages/concur-extract-simulator';
  /** Every file of the repo's own code and docs that may cite the API doc. */
  function sources(dir: string): string[] {
    return fs
      .readdirSync(path.join(ROOT, dir), {withFileTypes: true})
      .flatMap((e) => {
        const rel = path.join(dir, e.name);
        if (e.isDirectory()) return sources(rel);
        return /\.(ts|md)$/.test(e.name) ? [rel] : [];
      });
  }

  test('every cited section exists', () => {
    const cited: string[] = [];
    for (const file of [
      ...sources('src'),
      ...sources('test'),
      ...sources('demo'),
      ...sources('bench'),
      ...sources('docs'),
      ...sources(`${SIMULATOR}/src`),
      ...sources(`${SIMULATOR}/test`),
      `${SIMULATOR}/README.md`,
      'README.md',
    ]) {
      const text = read(file);
      for (const m of text.matchAll(
        /concur-extract-api\.md#([a-z0-9-]+)((?:, #[a-z0-9-]+)*)/g
      )) {
        const names = [m[1], ...m[2].split(', #').slice(1)];
        for (const name of names) {
          cited.push(name);
          if (!anchors.has(name)) throw new Error(`${file} cites #${name}`);
        }
      }
    }
    expect(cited.length).toBeGreaterThan(40);
  });

  test('no comment cites a "§" section of a document outside the repo', () => {
    const offending = [
      ...sources('src'),
      ...sources(`${SIMULATOR}/src`),
    ].filter((f) => /(?<!RFC \d+ )§/.test(read(f)));
    expect(offending).toEqual([]);
  });
});
