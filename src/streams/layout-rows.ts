import {AmountsAs} from '../config';
import {LayoutId} from '../extract-file';
import {RowStream} from './file-rows';
import {LAYOUT_STREAMS, LayoutStreamName} from './layout-streams';

/**
 * sae_rows and prae_rows: one record per DETAIL line of their layouts, typed
 * and named exactly as in extract_file_rows, without `values`.
 */
export class LayoutRows extends RowStream {
  constructor(
    private readonly streamName: LayoutStreamName,
    amountsAs: AmountsAs = 'number'
  ) {
    super(amountsAs);
  }
  get name(): string {
    return this.streamName;
  }

  protected override get layouts(): readonly LayoutId[] {
    return LAYOUT_STREAMS[this.streamName].tables.map((t) => t.layout);
  }
}
