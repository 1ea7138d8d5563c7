/** Validation at the AMI edge: the library's loosely shaped objects become typed messages or are dropped. */
import type { RawAmiMessage } from 'asterisk-manager';
import type { AmiEvent, AmiResponse } from './ami-types.js';

/** Flattens to string fields; repeated keys keep their last value, `Variable:` maps become `variable.NAME`. */
export function flattenFields(raw: RawAmiMessage): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const [key, value] of Object.entries(raw)) {
    if (typeof value === 'string') fields[key] = value;
    else if (Array.isArray(value)) fields[key] = value.at(-1) ?? '';
    else if (value && typeof value === 'object') {
      for (const [name, v] of Object.entries(value)) fields[`${key}.${name}`] = v;
    }
  }
  return fields;
}

export function toAmiEvent(raw: RawAmiMessage): AmiEvent | null {
  const name = raw.event;
  if (typeof name !== 'string' || name.length === 0) return null;
  return { name, fields: flattenFields(raw) };
}

export function toAmiResponse(raw: RawAmiMessage): AmiResponse {
  const fields = flattenFields(raw);
  return { response: fields.response ?? '', message: fields.message ?? '', fields };
}
