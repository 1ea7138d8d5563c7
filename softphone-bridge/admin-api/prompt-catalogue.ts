/**
 * The prompt catalogue (提示音目录): the built-in prompts of ivr/prompts.ts and those admins added.
 * Routes and menus may name only prompts in it, so a typo (`notice-merged-12369`) is refused when it
 * is typed, not discovered as silence on a citizen's call.
 */
import type { IvrAction, IvrMenu } from '../../ivr/menu-schema.js';
import { PROMPT_TEXTS } from '../../ivr/prompts.js';
import { listCustomPrompts, listMenus, listRoutes, type Db } from '../../store/index.js';

export interface CataloguePrompt {
  id: string;
  text: string;
  builtIn: boolean;
  createdBy: string | null;
  generatedAt: string | null;
}

export async function promptCatalogue(db: Db): Promise<CataloguePrompt[]> {
  const builtIn = Object.entries(PROMPT_TEXTS).map(([id, text]) => ({ id, text, builtIn: true, createdBy: null, generatedAt: null }));
  const added = (await listCustomPrompts(db)).map((p) => ({ id: p.id, text: p.text, builtIn: false, createdBy: p.createdBy, generatedAt: p.generatedAt }));
  return [...builtIn, ...added].sort((a, b) => a.id.localeCompare(b.id));
}

export async function isCatalogued(db: Db, id: string): Promise<boolean> {
  return id in PROMPT_TEXTS || (await listCustomPrompts(db)).some((p) => p.id === id);
}

export const notCatalogued = (id: string) => `提示音不在提示音目录中: ${id}（请先在"提示音"页添加，或从目录中选择）`;

/** Every prompt a menu plays, with the field that names it. */
export function promptsOfMenu(menu: IvrMenu): [string, string][] {
  const played: [string, string][] = menu.prompts.map((id, i) => [`/prompts/${i}`, id]);
  played.push(['/invalidPrompt', menu.invalidPrompt]);
  const actions: [string, IvrAction][] = [...Object.entries(menu.options).map(([key, a]): [string, IvrAction] => [`/options/${key}`, a]), ['/onFailure', menu.onFailure]];
  for (const [field, action] of actions) {
    if (action.type === 'play') action.prompts.forEach((id, i) => played.push([`${field}/prompts/${i}`, id]));
  }
  return played;
}

/** Who plays each prompt: route numbers and menu codes, read once for the whole catalogue. */
export async function promptUsers(db: Db): Promise<Map<string, string[]>> {
  const users = new Map<string, string[]>();
  const add = (id: string, who: string) => {
    const list = users.get(id) ?? [];
    if (!list.includes(who)) list.push(who);
    users.set(id, list);
  };
  for (const route of await listRoutes(db)) if (route.prompt) add(route.prompt, `热线 ${route.number}`);
  // Stored menus passed the menu schema when they were saved.
  for (const menu of await listMenus(db)) for (const [, id] of promptsOfMenu(menu.definition as IvrMenu)) add(id, `菜单 ${menu.code}`);
  return users;
}

/** Who plays a prompt: route numbers and menu codes. */
export async function usersOfPrompt(db: Db, id: string): Promise<string[]> {
  return (await promptUsers(db)).get(id) ?? [];
}
