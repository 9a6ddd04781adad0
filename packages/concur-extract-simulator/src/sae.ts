/**
 * Standard Accounting Extract v3 generator: `EXTRACT|batch_date|count|total|batch_id` header and
 * DETAIL lines of exactly 400 pipe-separated fields (docs/concur-extract-api.md#sae-v3).
 */
import {
  AMOUNT_SCALE,
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
import {
  baseRow,
  Employee,
  money,
  newEmployee,
  Row,
  SAE_FIELDS,
  set,
  setCardTransaction,
  setCashAdvance,
  setJournal,
} from './sae-row';
import {SaeSpec} from './scenario';

export {SAE_FIELDS} from './sae-row';

interface ResolvedSae extends GeneratorBasics {
  fields: 400 | 256;
  mixedWidthAt?: number;
  description?: string;
  quotedPipes: boolean;
  doubledQuotes: boolean;
  strayQuotes: boolean;
  tabs: boolean;
  cashAdvances: boolean;
  companyCards: boolean;
}

function resolveSae(spec: SaeSpec): ResolvedSae {
  return {
    ...generatorBasics(spec),
    fields: spec.fields ?? SAE_FIELDS,
    mixedWidthAt: spec.mixed_width_at,
    description: spec.description,
    quotedPipes: spec.quoted_pipes ?? false,
    doubledQuotes: spec.doubled_quotes ?? false,
    strayQuotes: spec.stray_quotes ?? false,
    tabs: spec.tabs ?? false,
    cashAdvances: spec.cash_advances ?? true,
    companyCards: spec.company_cards ?? false,
  };
}

/** SAE v2 DETAIL lines: SAE v3's columns 1–256. */
const SAE_V2_FIELDS = 256;

export const saeHeader =
  (
    batchDate: string,
    batchId: number,
    shape: SaeSpec['header'] = 'v3'
  ): HeaderFormatter =>
  (count, total) =>
    shape === 'bare'
      ? 'EXTRACT'
      : shape === 'v2'
        ? `EXTRACT|${batchDate}|${count}|${formatAmount(total)}`
        : `EXTRACT|${batchDate}|${count}|${formatAmount(total)}|${batchId}`;

/** Endless, deterministic source of SAE DETAIL lines. */
export class SaeSource implements LineSource {
  private readonly rng: Rng;
  private readonly employees: Employee[];
  private readonly queue: {row: Row; amount: number}[] = [];
  private seq = 0;
  private reportKey: number;
  private entryId: number;
  private journalKey: number;
  private caKey: number;

  constructor(private readonly o: ResolvedSae) {
    this.rng = makeRng(`sae:${o.seed}`);
    this.reportKey = randInt(this.rng, 1000, 90000);
    this.entryId = randInt(this.rng, 1000, 90000);
    this.journalKey = randInt(this.rng, 1000, 90000);
    this.caKey = randInt(this.rng, 10, 500);
    this.employees = Array.from({length: 40}, () =>
      newEmployee(this.rng, this.o.utf8)
    );
  }

  next(): DetailLine {
    while (this.queue.length === 0) this.report();
    const {row, amount} = this.queue.shift()!;
    this.seq++;
    set(row, 4, this.seq);
    if (this.o.description !== undefined) set(row, 69, this.o.description);
    let width: number = this.o.fields;
    if (this.seq === this.o.mixedWidthAt) {
      width = width === SAE_FIELDS ? SAE_V2_FIELDS : SAE_FIELDS;
    }
    return {line: row.slice(0, width).join('|'), amount};
  }

  /** A cash advance's date: 5–20 days before the batch. */
  private advanceDate(): string {
    return D.addDays(this.o.batchDate, -randInt(this.rng, 5, 20));
  }

  /** Generate one expense report (and maybe a cash advance) into the queue. */
  private report(): void {
    const r = this.rng;
    const e = pick(r, this.employees);
    const reportId = randHex(r, 20);
    const reportKey = this.reportKey++;
    const submit = D.addDays(this.o.batchDate, -randInt(r, 1, 20));
    const start = D.addDays(submit, -randInt(r, 3, 15));
    const purpose = pick(r, D.PURPOSES);
    const city = this.o.utf8 && r() < 0.4 ? pick(r, D.CITIES_UTF8) : e.city;
    const reportName = `${city} ${purpose}`;
    const withCa = this.o.cashAdvances && r() < 0.15;
    let caLeft = 0;
    let caKey = 0;
    if (withCa) {
      caKey = this.caKey++;
      caLeft = randInt(r, 100, 1000) * AMOUNT_SCALE;
      const row = baseRow(e, this.o.batchId, this.o.batchDate);
      setJournal(row, '1400', false, caLeft, this.journalKey++);
      setCashAdvance(row, e, caLeft, caKey, '1', this.advanceDate());
      this.queue.push({row, amount: caLeft});
    }
    const entries = randInt(r, 1, 5);
    const rows: {row: Row; amount: number}[] = [];
    let posted = 0;
    for (let i = 0; i < entries; i++) {
      const t = pick(r, D.EXPENSE_TYPES);
      const cents = randInt(r, t.minCents, t.maxCents);
      const spendUnits = cents * 100;
      const foreign = r() < 0.1;
      const rate = foreign ? randInt(r, 8000, 13000) : AMOUNT_SCALE; // 0.8000..1.3000
      const postedUnits = foreign
        ? Math.round((spendUnits * rate) / AMOUNT_SCALE / 100) * 100
        : spendUnits;
      posted += postedUnits;
      const payRoll = r();
      const payment = payRoll < 0.7 ? 'CASH' : payRoll < 0.9 ? 'COPD' : 'CBCP';
      const row = baseRow(e, this.o.batchId, this.o.batchDate);
      set(row, 61, this.entryId++);
      set(row, 62, t.name === 'Hotel' && r() < 0.3 ? 'CHD' : 'REG');
      set(row, 63, t.name);
      set(row, 64, D.addDays(start, randInt(r, 0, 3)));
      set(
        row,
        65,
        foreign ? pick(r, ['EUR', 'GBP', 'JPY', 'MXN']) : e.country.currency
      );
      set(row, 66, formatAmount(rate));
      set(row, 67, 'M');
      set(row, 68, payment === 'CBCP' ? 'Y' : 'N');
      set(row, 69, this.description(t.name, city));
      set(
        row,
        70,
        this.o.utf8 && r() < 0.3 ? pick(r, D.VENDORS_UTF8) : pick(r, t.vendors)
      );
      set(row, 71, this.vendorDescription(city));
      set(row, 72, r() < 0.8 ? 'Y' : 'N');
      set(row, 73, pick(r, ['T', 'R', 'N']));
      set(row, 123, money(spendUnits));
      set(row, 124, money(postedUnits));
      set(row, 125, money(postedUnits));
      set(row, 126, payment);
      set(
        row,
        127,
        payment === 'CASH'
          ? 'Cash'
          : payment === 'COPD'
            ? 'Company Paid'
            : 'Company Billed'
      );
      set(row, 158, e.country.code);
      set(row, 159, pick(r, e.country.subdivisions));
      set(row, 160, foreign ? 'FRGN' : 'HOME');
      set(row, 250, payment === 'CASH' ? 'Out of Pocket' : 'Company Paid');
      set(row, 334, city);
      set(row, 335, 'N');
      if (this.o.companyCards && payment !== 'CASH') {
        setCardTransaction(row, e, postedUnits, String(row[63]), this.entryId);
      }
      if (payment === 'COPD') {
        setJournal(row, t.account, false, postedUnits, this.journalKey++);
        set(row, 165, 'Company Paid');
        set(row, 166, 'Company Paid');
      } else if (payment === 'CBCP') {
        // personal charge on a company-billed card: the employee owes the company
        setJournal(row, '1410', false, postedUnits, this.journalKey++, false);
      } else {
        setJournal(row, t.account, false, postedUnits, this.journalKey++);
      }
      rows.push({row, amount: postedUnits});
      if (withCa && payment === 'CASH' && caLeft > 0) {
        const applied = Math.min(caLeft, postedUnits);
        caLeft -= applied;
        const cr = row.slice();
        setJournal(cr, '1400', true, -applied, this.journalKey++, false);
        setCashAdvance(cr, e, applied, caKey, '2', this.advanceDate());
        rows.push({row: cr, amount: -applied});
      }
    }
    for (const {row} of rows) {
      set(row, 19, reportId);
      set(row, 20, reportKey);
      set(row, 21, 'DEFAULT');
      set(row, 22, e.country.currency);
      set(row, 23, e.country.name);
      set(row, 24, submit);
      set(row, 26, this.o.batchDate);
      set(row, 27, reportName);
      set(row, 28, 'Y');
      set(row, 29, 'N');
      set(row, 30, 'N');
      set(row, 31, money(posted));
      set(row, 32, money(posted));
      set(row, 33, 'Default Travel and Expense Policy');
      set(row, 312, money(posted));
      set(row, 324, start);
      set(row, 325, D.addDays(start, 3));
    }
    this.queue.push(...rows);
  }

  private description(type: string, city: string): string {
    const r = this.rng;
    if (this.o.doubledQuotes && r() < 0.3)
      return `"${type} with ""ACME"" team"`;
    if (this.o.strayQuotes && r() < 0.3) return `${type} - 27" monitor`;
    if (this.o.tabs && r() < 0.3) return `${type}\tin ${city}`;
    return `${type} in ${city}`;
  }

  private vendorDescription(city: string): string {
    const r = this.rng;
    if (this.o.quotedPipes && r() < 0.3) {
      const inner = this.o.doubledQuotes && r() < 0.5 ? ` ""SUITE 100""` : '';
      return `"${city.toUpperCase()} |${inner} 55 MAIN ST | WWW.EXAMPLE.COM"`;
    }
    return `${city.toUpperCase()} ; 55 MAIN ST`;
  }
}

/** An SAE file in memory. */
export function buildSaeFile(spec: SaeSpec): {body: Buffer} & ExtractResult {
  const o = resolveSae(spec);
  return buildExtract(
    saeHeader(o.batchDate, o.batchId, spec.header),
    new SaeSource(o),
    spec.details ?? 25,
    resolveVariant(spec)
  );
}

export type WriteSaeOptions = SaeSpec & {
  bytes?: number;
  details?: number;
  seed: number;
};

/**
 * Write an SAE v3 file of `details` lines or of at least `bytes` bytes (just over) with bounded memory
 * (usable for 1 GB files).
 */
export function writeSaeFile(
  file: string,
  opts: WriteSaeOptions
): Promise<ExtractResult> {
  const o = resolveSae(opts);
  const limit =
    opts.details !== undefined || opts.bytes !== undefined
      ? {details: opts.details, bytes: opts.bytes}
      : {details: 25};
  return writeExtract(
    file,
    saeHeader(o.batchDate, o.batchId, opts.header),
    () => new SaeSource(o),
    limit,
    resolveVariant(opts)
  );
}
