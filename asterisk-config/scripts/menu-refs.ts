/**
 * The prompts and dial strings a stored IVR menu definition names. Definitions are read loosely
 * (whatever validated shape ivr/menu-schema.ts allows): the check reports what it finds, and a
 * definition it cannot read at all.
 */
export interface MenuRefs {
  prompts: string[];
  /** Targets of `transfer` actions, e.g. `PJSIP/12366@trunk`. */
  transfers: string[];
  /** False when the definition is not an object with a prompts list. */
  readable: boolean;
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);

function actionRefs(action: unknown, refs: MenuRefs): void {
  if (!isRecord(action)) return;
  if (action.type === 'play') refs.prompts.push(...strings(action.prompts));
  if (action.type === 'transfer' && typeof action.target === 'string') refs.transfers.push(action.target);
}

export function menuRefs(definition: unknown): MenuRefs {
  const refs: MenuRefs = { prompts: [], transfers: [], readable: false };
  if (!isRecord(definition)) return refs;
  refs.readable = Array.isArray(definition.prompts);
  refs.prompts.push(...strings(definition.prompts));
  if (typeof definition.invalidPrompt === 'string') refs.prompts.push(definition.invalidPrompt);
  if (isRecord(definition.options)) for (const action of Object.values(definition.options)) actionRefs(action, refs);
  actionRefs(definition.onFailure, refs);
  return refs;
}
