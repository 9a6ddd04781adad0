import {SAE_V3} from './sae-v3.generated';
import {LayoutTable} from './types';

/**
 * SAE v2: DETAIL lines of 256 fields that are, field by field, SAE v3's
 * columns 1–256 (same names, same types, so the two union in a warehouse).
 *
 * Evidence: the SAE v3 chapter of Concur's specification describes v3 as the
 * earlier layout "with additional Future Use and other fields"; SAE files of
 * production tenants (2012 and 2025) have 256-field DETAIL lines whose values
 * sit where v3 puts them (169 the signed journal amount, 168 DR/CR, 126 the
 * payment type code, 250 the payment type name), under a 4-field header
 * `EXTRACT|date|count|total` (no batch id) or a bare `EXTRACT` line.
 *
 * Derived here from the v3 table rather than generated: one source of truth.
 */
export const SAE_V2_DETAIL_FIELDS = 256;

export const SAE_V2: LayoutTable = {
  layout: 'sae_v2',
  header: {
    recordType: SAE_V3.header.recordType,
    fieldCount: 4,
    columns: SAE_V3.header.columns.filter((c) => c.column <= 4),
  },
  detail: {
    recordType: SAE_V3.detail.recordType,
    fieldCount: SAE_V2_DETAIL_FIELDS,
    columns: SAE_V3.detail.columns.filter(
      (c) => c.column <= SAE_V2_DETAIL_FIELDS
    ),
  },
};
