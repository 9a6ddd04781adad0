import type {AmountsAs} from '../../config';
import {toDecimalString} from './convert';
import type {LineLayout} from './index';

/**
 * `amounts_as`: the same line layout with its decimal (`number`) columns
 * converted to their exact text instead of a JSON number. Built once per line
 * layout and kept, so the hot path only swaps one object per file.
 */

const AS_STRING = new WeakMap<LineLayout, LineLayout>();

export function withAmountsAs(
  ll: LineLayout,
  amountsAs: AmountsAs
): LineLayout {
  if (amountsAs === 'number') return ll;
  let variant = AS_STRING.get(ll);
  if (!variant) {
    variant = {
      ...ll,
      decimalsAsText: true,
      converters: ll.types.map((t, i) =>
        t === 'number' ? toDecimalString : ll.converters[i]
      ),
    };
    AS_STRING.set(ll, variant);
  }
  return variant;
}

/**
 * A stream's JSON schema under `amounts_as`: with `string`, every decimal
 * property (`number`; integers and dates stay) is declared a string, with a
 * note on how to cast it. The committed schemas are the `number` form.
 */
export function schemaWithAmountsAs<
  S extends {properties: Record<string, any>},
>(schema: S, amountsAs: AmountsAs): S {
  if (amountsAs === 'number') return schema;
  const properties: Record<string, any> = {};
  for (const [name, prop] of Object.entries(schema.properties)) {
    const types: string[] = [].concat(prop.type);
    properties[name] = types.includes('number')
      ? {
          ...prop,
          type: types.map((t) => (t === 'number' ? 'string' : t)),
          description:
            `${prop.description ?? ''} (amounts_as: string — the exact decimal text, cast e.g. ::number(38,4))`.trim(),
        }
      : prop;
  }
  return {...schema, properties};
}
