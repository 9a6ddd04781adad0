/** The columns of an SAE v3 DETAIL row the generator (sae.ts) fills, by concern: employee, journal, cash advance, company card. */
import {formatAmount} from './extract-text';
import * as D from './fake-data';
import {pick, randInt, Rng} from './rng';

export const SAE_FIELDS = 400;

export interface Employee {
  id: string;
  last: string;
  first: string;
  middle: string;
  country: D.Country;
  dept: string;
  email: string;
  city: string;
}

/** A row under construction: index = column number - 1. */
export type Row = string[];

function newRow(): Row {
  return new Array<string>(SAE_FIELDS).fill('');
}

export function set(row: Row, col: number, value: string | number): void {
  row[col - 1] = String(value);
}

export const money = (units: number) => formatAmount(units);

export function newEmployee(r: Rng, utf8: boolean): Employee {
  const u = utf8 && r() < 0.5;
  const last = pick(r, u ? D.LAST_NAMES_UTF8 : D.LAST_NAMES);
  const first = pick(r, u ? D.FIRST_NAMES_UTF8 : D.FIRST_NAMES);
  const id = String(randInt(r, 1000000, 9999999));
  return {
    id,
    last,
    first,
    middle: r() < 0.6 ? String.fromCharCode(65 + randInt(r, 0, 25)) : '',
    country: pick(r, D.COUNTRIES),
    dept: pick(r, D.DEPARTMENTS),
    email: `emp${id}@example.com`,
    city: pick(r, utf8 && r() < 0.5 ? D.CITIES_UTF8 : D.CITIES),
  };
}

export function baseRow(e: Employee, batchId: number, batchDate: string): Row {
  const row = newRow();
  set(row, 1, 'DETAIL');
  set(row, 2, batchId);
  set(row, 3, batchDate);
  set(row, 5, e.id);
  set(row, 6, e.last);
  set(row, 7, e.first);
  set(row, 8, e.middle);
  set(row, 9, e.country.code);
  set(row, 10, 'ACME');
  set(row, 11, e.dept);
  set(row, 12, `CC${e.id.slice(0, 4)}`);
  set(row, 264, e.email);
  set(row, 265, e.email);
  set(row, 266, 'Employee');
  return row;
}

export function setJournal(
  row: Row,
  account: string,
  credit: boolean,
  units: number,
  key: number,
  payerFirst = true
): void {
  set(row, 163, payerFirst ? D.PAYER : D.PAYEE);
  set(row, 164, D.PSEUDO_CODE);
  set(row, 165, payerFirst ? D.PAYEE : D.PAYER);
  set(row, 166, D.PSEUDO_CODE);
  set(row, 167, account);
  set(row, 168, credit ? 'CR' : 'DR');
  set(row, 169, formatAmount(units, true));
  set(row, 170, key);
  set(row, 211, formatAmount(units, true));
}

export function setCashAdvance(
  row: Row,
  e: Employee,
  amount: number,
  key: number,
  type: string,
  date: string
): void {
  set(row, 177, money(amount));
  set(row, 178, e.country.currency);
  set(row, 179, e.country.numeric);
  set(row, 180, '1.0000');
  set(row, 181, e.country.currency);
  set(row, 182, e.country.numeric);
  set(row, 183, date);
  set(row, 184, 'Cash');
  set(row, 185, type);
  set(row, 186, date);
  set(row, 187, key);
  set(row, 259, `Travel Advance - ${e.country.currency}`);
}

/** Company card columns 130–142, the card number masked as Concur writes it (no RNG: seeds stay stable). */
export function setCardTransaction(
  row: Row,
  e: Employee,
  units: number,
  date: string,
  entryId: number
): void {
  const last4 = String(entryId % 10000).padStart(4, '0');
  set(row, 130, `XXXXXXXXXXXX${last4}`);
  set(row, 131, 'Corporate Card');
  set(row, 134, entryId);
  set(row, 135, 'CHG');
  set(row, 137, money(units));
  set(row, 139, e.country.currency);
  set(row, 140, money(units));
  set(row, 141, e.country.currency);
  set(row, 142, date);
}
