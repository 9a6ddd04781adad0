import {LAYOUT_TABLES, LayoutTable} from '../extract-file';

/** The per-layout streams and the layout tables each one types. */
export const LAYOUT_STREAMS = {
  sae_rows: {
    title: 'SAE (Standard Accounting Extract)',
    tables: LAYOUT_TABLES.filter((t) => t.layout.startsWith('sae_')),
  },
  prae_rows: {
    title: 'PRAE (Payment Request Accounting Extract)',
    tables: LAYOUT_TABLES.filter((t) => t.layout === 'prae'),
  },
} as const satisfies Record<
  string,
  {title: string; tables: readonly LayoutTable[]}
>;

export type LayoutStreamName = keyof typeof LAYOUT_STREAMS;
