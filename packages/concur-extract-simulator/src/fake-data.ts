/** Realistic-looking value pools for generated extract files. */

export interface Country {
  code: string;
  name: string;
  currency: string;
  numeric: string;
  subdivisions: string[];
}

export const COUNTRIES: Country[] = [
  {
    code: 'US',
    name: 'UNITED STATES',
    currency: 'USD',
    numeric: '840',
    subdivisions: ['US-NY', 'US-IL', 'US-WA', 'US-MA'],
  },
  {
    code: 'CA',
    name: 'CANADA',
    currency: 'CAD',
    numeric: '124',
    subdivisions: ['CA-ON', 'CA-QC'],
  },
  {
    code: 'GB',
    name: 'UNITED KINGDOM',
    currency: 'GBP',
    numeric: '826',
    subdivisions: ['GB-LND'],
  },
  {
    code: 'DE',
    name: 'GERMANY',
    currency: 'EUR',
    numeric: '978',
    subdivisions: ['DE-BY', 'DE-BE'],
  },
  {
    code: 'BR',
    name: 'BRAZIL',
    currency: 'BRL',
    numeric: '986',
    subdivisions: ['BR-SP'],
  },
];

export const LAST_NAMES = [
  'Smith',
  'Johnson',
  'Garcia',
  'Brown',
  'Lee',
  'Patel',
  'Nguyen',
  "O'Brien",
  'Kowalski',
  'Anderson',
  'Wilson',
  'Taylor',
];
export const LAST_NAMES_UTF8 = [
  'Müller',
  'Jørgensen',
  'Núñez',
  'Łukasiewicz',
  'Dvořák',
  'Gonçalves',
  'Ærøe',
  '山田',
];
export const FIRST_NAMES = [
  'John',
  'Maria',
  'Wei',
  'Priya',
  'James',
  'Anna',
  'David',
  'Sofia',
  'Michael',
  'Emma',
];
export const FIRST_NAMES_UTF8 = [
  'Zoë',
  'Søren',
  'José',
  'Björn',
  'Françoise',
  'Hélène',
  'Jürgen',
  '太郎',
];

export const CITIES = [
  'New York',
  'Chicago',
  'Boston',
  'Seattle',
  'London',
  'Toronto',
  'Berlin',
];
export const CITIES_UTF8 = [
  'São Paulo',
  'München',
  'Zürich',
  'Kraków',
  'Montréal',
  'Málaga',
  '東京',
];

export const DEPARTMENTS = [
  'Sales',
  'Engineering',
  'Finance',
  'Marketing',
  'Operations',
  'Support',
];
export const PURPOSES = [
  'Client Visit',
  'Sales Kickoff',
  'Conference',
  'Team Offsite',
  'Training',
  'Customer Onsite',
];

export interface ExpenseType {
  name: string;
  code: string;
  account: string;
  minCents: number;
  maxCents: number;
  vendors: string[];
}

export const EXPENSE_TYPES: ExpenseType[] = [
  {
    name: 'Airfare',
    code: 'AIRFR',
    account: '6100',
    minCents: 15000,
    maxCents: 150000,
    vendors: ['Delta Air Lines', 'United Airlines', 'Lufthansa', 'Air Canada'],
  },
  {
    name: 'Hotel',
    code: 'LODNG',
    account: '6110',
    minCents: 9000,
    maxCents: 60000,
    vendors: ['Marriott', 'Hilton', 'Hyatt Regency', 'Holiday Inn'],
  },
  {
    name: 'Breakfast',
    code: 'BRKFT',
    account: '6120',
    minCents: 500,
    maxCents: 3500,
    vendors: ['Starbucks', 'Le Pain Quotidien', 'Hotel Restaurant'],
  },
  {
    name: 'Lunch',
    code: 'LUNCH',
    account: '6120',
    minCents: 800,
    maxCents: 6000,
    vendors: ['Chipotle', 'Pret A Manger', 'Corner Deli'],
  },
  {
    name: 'Dinner',
    code: 'DINNR',
    account: '6120',
    minCents: 2000,
    maxCents: 25000,
    vendors: ['Olive Garden', 'The Capital Grille', 'Local Bistro'],
  },
  {
    name: 'Taxi',
    code: 'TAXIX',
    account: '6130',
    minCents: 800,
    maxCents: 9000,
    vendors: ['Uber', 'Lyft', 'Yellow Cab'],
  },
  {
    name: 'Car Rental',
    code: 'CARRT',
    account: '6140',
    minCents: 5000,
    maxCents: 45000,
    vendors: ['Hertz', 'Avis', 'Enterprise'],
  },
  {
    name: 'Parking',
    code: 'PARKG',
    account: '6150',
    minCents: 500,
    maxCents: 6000,
    vendors: ['SP+ Parking', 'Airport Parking'],
  },
  {
    name: 'Personal Car Mileage',
    code: 'MILEG',
    account: '6160',
    minCents: 1000,
    maxCents: 30000,
    vendors: [''],
  },
  {
    name: 'Office Supplies',
    code: 'OFCSP',
    account: '6200',
    minCents: 300,
    maxCents: 20000,
    vendors: ['Staples', 'Office Depot', 'Amazon'],
  },
  {
    name: 'Mobile Phone',
    code: 'CELPH',
    account: '6210',
    minCents: 2500,
    maxCents: 15000,
    vendors: ['Verizon', 'AT&T', 'Vodafone'],
  },
  {
    name: 'Conference Fees',
    code: 'CONFR',
    account: '6220',
    minCents: 10000,
    maxCents: 200000,
    vendors: ['Eventbrite', 'Cvent'],
  },
];

export const VENDORS_UTF8 = [
  'Café Müller',
  'Hôtel São Paulo',
  'Brasserie Zürich',
  'Łódź Taxi',
  '寿司 Bar Ginza',
  'Señor Taco',
];

export const PAYER = 'Company';
export const PAYEE = 'Employee';
export const PSEUDO_CODE = 'Company/Employee Pseudo Payment Code';

/** YYYY-MM-DD of (date + days). */
export function addDays(date: string, days: number): string {
  const t = Date.parse(`${date}T00:00:00Z`) + days * 86400000;
  return new Date(t).toISOString().slice(0, 10);
}
