/**
 * Payment Request Accounting Extract (Invoice) generator: header
 * `EXTRACT|batch_id|batch_date|count|total` (order per the PRAE workbook, unconfirmed by samples)
 * and DETAIL lines of 256 fields (docs/concur-extract-api.md#prae).
 */
import {
  buildExtract,
  DetailLine,
  ExtractResult,
  formatAmount,
  GeneratorBasics,
  generatorBasics,
  HeaderFormatter,
  LineSource,
  resolveVariant,
  writeExtract,
} from './extract-text';
import * as D from './fake-data';
import {makeRng, pick, randHex, randInt, Rng} from './rng';
import {PraeSpec} from './scenario';

export const PRAE_FIELDS = 256;

const VENDORS = [
  'Acme Industrial Supply',
  'Globex Corporation',
  'Initech LLC',
  'Umbrella Services',
  'Stark Office Products',
];
const VENDORS_UTF8 = [
  'Müller Maschinenbau GmbH',
  'Société Générale de Café',
  'Łódź Logistics Sp. z o.o.',
  '株式会社 東京商事',
];
const LINE_ITEMS: [string, string, string][] = [
  ['Consulting services', 'CONSL', '6300'],
  ['Laptop computers', 'COMPU', '1510'],
  ['Office furniture', 'FURNI', '1520'],
  ['Software subscription', 'SOFTW', '6310'],
  ['Facility maintenance', 'MAINT', '6320'],
];

interface ResolvedPrae extends GeneratorBasics {
  slash: boolean;
}

function resolvePrae(spec: PraeSpec): ResolvedPrae {
  return {
    ...generatorBasics(spec),
    slash: (spec.date_format ?? 'slash') === 'slash',
  };
}

const fmtDate = (o: ResolvedPrae, iso: string) =>
  o.slash ? iso.replace(/-/g, '/') : iso;

export const praeHeader =
  (o: ResolvedPrae): HeaderFormatter =>
  (count, total) =>
    `EXTRACT|${o.batchId}|${fmtDate(o, o.batchDate)}|${count}|${formatAmount(total)}`;

/** Endless, deterministic source of PRAE DETAIL lines (one per invoice line item). */
export class PraeSource implements LineSource {
  private readonly rng: Rng;
  private readonly queue: DetailLine[] = [];
  private requestKey: number;

  constructor(private readonly o: ResolvedPrae) {
    this.rng = makeRng(`prae:${o.seed}`);
    this.requestKey = randInt(this.rng, 1000, 90000);
  }

  next(): DetailLine {
    while (this.queue.length === 0) this.request();
    return this.queue.shift()!;
  }

  private request(): void {
    const r = this.rng;
    const o = this.o;
    const key = this.requestKey++;
    const vendor =
      o.utf8 && r() < 0.5 ? pick(r, VENDORS_UTF8) : pick(r, VENDORS);
    const invoiceDate = D.addDays(o.batchDate, -randInt(r, 5, 40));
    const items = Array.from({length: randInt(r, 1, 4)}, () => ({
      item: pick(r, LINE_ITEMS),
      qty: randInt(r, 1, 10),
      unitCents: randInt(r, 1000, 250000),
    }));
    const total = items.reduce((s, i) => s + i.qty * i.unitCents * 100, 0);
    const requestId = randHex(r, 4);
    const country = pick(r, D.COUNTRIES);
    const city = pick(r, o.utf8 && r() < 0.5 ? D.CITIES_UTF8 : D.CITIES);
    items.forEach((it, idx) => {
      const f = new Array<string>(PRAE_FIELDS).fill('');
      const set = (col: number, v: string | number) => (f[col - 1] = String(v));
      const amount = it.qty * it.unitCents * 100;
      set(1, 'DETAIL');
      set(2, key);
      set(3, 'Invoice Policy');
      set(4, `${vendor} invoice ${key}`);
      set(5, `${it.item[0]} for ${city}`);
      set(6, `INV-${randInt(r, 10000, 99999)}`);
      set(7, fmtDate(o, invoiceDate));
      set(8, fmtDate(o, D.addDays(invoiceDate, 30)));
      set(9, formatAmount(total));
      set(10, formatAmount(total));
      set(11, fmtDate(o, invoiceDate));
      set(12, fmtDate(o, D.addDays(invoiceDate, 2)));
      set(13, r() < 0.5 ? `PO-${randInt(r, 100000, 999999)}` : '');
      set(51, requestId);
      set(53, pick(r, ['ACH', 'Check', 'Wire', 'Client']));
      set(59, 'DEFAULT');
      set(60, 'Default Ledger');
      set(61, it.item[2]);
      set(62, formatAmount(amount));
      set(63, formatAmount(amount));
      set(64, 'DR');
      set(65, country.currency);
      set(66, country.numeric);
      set(67, country.currency);
      set(131, items.length);
      set(132, idx + 1);
      set(133, it.item[0]);
      set(134, it.item[1]);
      set(135, it.item[0]);
      set(136, `${it.qty}.0000`);
      set(137, formatAmount(it.unitCents * 100));
      set(138, formatAmount(amount));
      set(164, vendor);
      set(165, `V${randInt(r, 10000, 99999)}`);
      set(168, '55 Main St');
      set(171, city);
      set(173, String(randInt(r, 10000, 99999)));
      set(174, country.code);
      set(229, fmtDate(o, D.addDays(invoiceDate, 30)));
      set(230, 'N');
      this.queue.push({line: f.join('|'), amount});
    });
  }
}

export function buildPraeFile(spec: PraeSpec): {body: Buffer} & ExtractResult {
  const o = resolvePrae(spec);
  return buildExtract(
    praeHeader(o),
    new PraeSource(o),
    spec.details ?? 10,
    resolveVariant(spec)
  );
}

export function writePraeFile(
  file: string,
  opts: PraeSpec & {bytes?: number; details?: number; seed: number}
): Promise<ExtractResult> {
  const o = resolvePrae(opts);
  return writeExtract(
    file,
    praeHeader(o),
    () => new PraeSource(o),
    {
      details: opts.details ?? (opts.bytes === undefined ? 10 : undefined),
      bytes: opts.bytes,
    },
    resolveVariant(opts)
  );
}
