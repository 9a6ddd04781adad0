import {
  ColumnType,
  LAYOUT_TABLES,
  LayoutTable,
} from '../../src/extract-file/layouts';

/** One typed column as a JSON-schema property (scripts/gen-schema.js, tests). */
export interface JsonSchemaProperty {
  type: ['null', 'string' | 'number' | 'integer'];
  format?: 'date';
  description: string;
}

const JSON_TYPES = {
  string: 'string',
  date: 'string',
  number: 'number',
  integer: 'integer',
} as const;

/**
 * Every column of the given layouts and record types (default: all), as
 * JSON-schema properties for extract_file_rows, sae_rows and prae_rows. A name shared by several record types or layouts
 * has one type (the generator refuses anything else); its description says
 * where it comes from.
 */
export function schemaProperties(
  tables: readonly LayoutTable[] = LAYOUT_TABLES,
  roles: readonly ('header' | 'detail')[] = ['header', 'detail']
): Record<string, JsonSchemaProperty> {
  const columns = new Map<string, {type: ColumnType; sources: string[]}>();
  for (const table of tables) {
    for (const rt of roles.map((r) => table[r])) {
      for (const c of rt.columns) {
        const source = `${table.layout} ${rt.recordType} field ${c.column} "${c.field}"`;
        const known = columns.get(c.name);
        if (!known) {
          columns.set(c.name, {type: c.type, sources: [source]});
        } else if (known.type === c.type) {
          known.sources.push(source);
        } else {
          // scripts/gen-layouts.js refuses to generate such tables.
          throw new Error(
            `column ${c.name} is both ${known.type} and ${c.type}`
          );
        }
      }
    }
  }
  const props: Record<string, JsonSchemaProperty> = {};
  for (const [name, {type, sources}] of columns) {
    props[name] = {
      type: ['null', JSON_TYPES[type]],
      ...(type === 'date' ? {format: 'date' as const} : {}),
      description: sources.join('; '),
    };
  }
  return props;
}
