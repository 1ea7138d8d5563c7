/**
 * The service targets the wallboard and the reports judge figures against (setting `kpi-targets`).
 * Defaults from GB/T 33358-2016 (政府热线服务规范): answer within 15 seconds, and a 24-hour answer
 * rate (接通率) of at least 95 %. A rate at or above its target is on target; within `amberBand`
 * below it, amber; further below, red. A caller waiting longer than `queueWaitRedSeconds` turns red.
 */
import Type, { type Static } from 'typebox';
import Value from 'typebox/value';
import { getSetting, type Db } from '../../store/index.js';

const Rate = Type.Number({ minimum: 0, maximum: 1 });

export const KpiTargets = Type.Object(
  {
    /** 接通率: answered ÷ offered. */
    answerRate: Rate,
    /** 15 秒接通率: answered within 15 s ÷ offered. */
    answeredWithin15sRate: Rate,
    /** How far below a target a rate is amber before it is red (0.05 = five percentage points). */
    amberBand: Type.Number({ minimum: 0, maximum: 0.5 }),
    queueWaitRedSeconds: Type.Integer({ minimum: 1, maximum: 3600 }),
  },
  { additionalProperties: false },
);
export type KpiTargets = Static<typeof KpiTargets>;

export const DEFAULT_KPI_TARGETS: KpiTargets = {
  answerRate: 0.95,
  answeredWithin15sRate: 0.95,
  amberBand: 0.05,
  queueWaitRedSeconds: 15,
};

export const KPI_TARGETS_SETTING = 'kpi-targets';

/** The targets in force: the setting's fields where valid, the defaults for the rest. */
export async function kpiTargets(db: Db): Promise<KpiTargets> {
  const stored = await getSetting(db, KPI_TARGETS_SETTING);
  const merged: Record<string, unknown> = { ...DEFAULT_KPI_TARGETS };
  if (stored && typeof stored === 'object') {
    for (const [key, value] of Object.entries(stored as Record<string, unknown>)) {
      if (!(key in DEFAULT_KPI_TARGETS)) continue;
      const candidate = { ...merged, [key]: value };
      if (Value.Check(KpiTargets, candidate)) merged[key] = value;
    }
  }
  return merged as KpiTargets;
}

export type Level = 'ok' | 'amber' | 'red';

/** Where a rate stands against its target; null when there is no rate (no calls yet). */
export function levelOf(rate: number | null, target: number, amberBand: number): Level | null {
  if (rate === null) return null;
  if (rate >= target) return 'ok';
  return rate >= target - amberBand ? 'amber' : 'red';
}
