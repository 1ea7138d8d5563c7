/**
 * Checks a set of menus as a whole: shape (schema), options present, sub-menus that exist. A caller can
 * never be kept in the IVR forever: every menu's failure action must leave it (queue or transfer), so
 * any loop of menus ends at an agent once the caller stops choosing. Errors are in Chinese for the admin console, with
 * the path of the offending field.
 */
import Value from 'typebox/value';
import { IvrMenu, type IvrAction } from './menu-schema.js';

export interface MenuProblem {
  menu: string;
  path: string;
  message: string;
}

export function validateMenus(input: unknown[]): { ok: true; menus: IvrMenu[] } | { ok: false; problems: MenuProblem[] } {
  const problems: MenuProblem[] = [];
  const menus: IvrMenu[] = [];
  input.forEach((candidate, index) => {
    if (Value.Check(IvrMenu, candidate)) {
      menus.push(candidate);
      return;
    }
    const code = typeof candidate === 'object' && candidate && 'code' in candidate ? String(candidate.code) : `#${index}`;
    for (const error of Value.Errors(IvrMenu, candidate)) {
      problems.push({ menu: code, path: error.instancePath || '/', message: `格式不正确: ${error.message}` });
    }
  });
  if (problems.length) return { ok: false, problems };

  const byCode = new Map(menus.map((m) => [m.code, m]));
  if (byCode.size !== menus.length) {
    const seen = new Set<string>();
    for (const m of menus) {
      if (seen.has(m.code)) problems.push({ menu: m.code, path: '/code', message: '菜单编码重复' });
      seen.add(m.code);
    }
  }
  for (const menu of menus) {
    if (Object.keys(menu.options).length === 0) problems.push({ menu: menu.code, path: '/options', message: '菜单没有任何按键选项' });
    const actions: [string, IvrAction][] = [...Object.entries(menu.options).map(([k, a]): [string, IvrAction] => [`/options/${k}`, a]), ['/onFailure', menu.onFailure]];
    for (const [path, action] of actions) {
      if (action.type === 'menu' && !byCode.has(action.menu)) {
        problems.push({ menu: menu.code, path, message: `子菜单不存在: ${action.menu}` });
      }
    }
    if (menu.onFailure.type !== 'queue' && menu.onFailure.type !== 'transfer') {
      problems.push({ menu: menu.code, path: '/onFailure', message: '多次输入错误后必须转人工或转接，不能挂断或再次进入菜单' });
    }
  }
  return problems.length ? { ok: false, problems } : { ok: true, menus };
}
