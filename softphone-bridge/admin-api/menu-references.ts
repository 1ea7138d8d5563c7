/**
 * What the stored IVR menus refer to by code: the skills their `queue` actions send callers to and
 * the sub-menus their `menu` actions open. The database cannot see inside a menu definition, so
 * deleting or renaming a skill or a menu checks here.
 */
import Value from 'typebox/value';
import { IvrMenu, type IvrAction } from '../../ivr/menu-schema.js';
import { listMenus, type Db } from '../../store/index.js';

function actionsOf(menu: IvrMenu): IvrAction[] {
  return [...Object.values(menu.options), menu.onFailure];
}

async function storedMenus(db: Db, exceptId?: number): Promise<IvrMenu[]> {
  return (await listMenus(db))
    .filter((row) => row.id !== exceptId)
    .map((row) => row.definition)
    .filter((definition): definition is IvrMenu => Value.Check(IvrMenu, definition));
}

/** Codes of the menus that queue callers to the skill `code`. */
export async function menusQueueingTo(db: Db, skillCode: string): Promise<string[]> {
  return (await storedMenus(db))
    .filter((m) => actionsOf(m).some((a) => a.type === 'queue' && a.skill === skillCode))
    .map((m) => m.code);
}

/** Codes of the other menus that open the menu `code` as a sub-menu. */
export async function menusOpening(db: Db, menuCode: string, exceptId?: number): Promise<string[]> {
  return (await storedMenus(db, exceptId))
    .filter((m) => m.code !== menuCode && actionsOf(m).some((a) => a.type === 'menu' && a.menu === menuCode))
    .map((m) => m.code);
}
