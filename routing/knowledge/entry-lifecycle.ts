/**
 * The knowledge base's review rules (pure decisions, beside the ticket rules): who may write an
 * entry, and which review step each role may take from which status.
 *
 *   draft ──submit──▶ review ──approve──▶ published ──(valid-until passes)──▶ expired
 *     ▲                 │reject                │withdraw                       │withdraw
 *     └────edit─────────┘                      ▼                               ▼
 *   (any status but review: an edit makes a new draft)                    withdrawn
 *
 * The status is the working copy's; the version agents read is the entry's published version, which
 * stays while a revision is a draft or in review. Withdrawing takes that version away whatever the
 * working copy is doing: a supervisor must be able to pull a wrong answer at once. A revision under
 * way is kept as it is (draft or review, to be submitted and published as the next version); an
 * entry with nothing but its published text becomes withdrawn.
 *
 * Writers: admins, and department knowledge editors (`editor`) for their own department only.
 * Reviewers (approve, reject, withdraw): supervisors and admins. An editor never publishes.
 */
import type { AgentRole, KnowledgeStatus } from '../../store/index.js';

export type KnowledgeAction = 'submit' | 'approve' | 'reject' | 'withdraw';
export const KNOWLEDGE_ACTIONS: readonly KnowledgeAction[] = ['submit', 'approve', 'reject', 'withdraw'];

export interface KnowledgeActor {
  role: AgentRole;
  /** An editor's department (null for other roles, or an editor not yet assigned). */
  department: string | null;
}

export interface KnowledgeEntryState {
  status: KnowledgeStatus;
  /** The version agents read, or null when none is published. */
  publishedVersion: number | null;
  department: string;
  validFrom: string | null;
  validUntil: string | null;
}

export type Decision = { ok: true; to: KnowledgeStatus } | { ok: false; reason: string };

const refuse = (reason: string): Decision => ({ ok: false, reason });

/** Why `actor` may not write an entry of `department`, or null when they may. */
export function writeRefusal(actor: KnowledgeActor, department: string): string | null {
  if (actor.role === 'admin') return null;
  if (actor.role !== 'editor') return '只有管理员和部门知识编辑可以编写知识条目';
  if (!actor.department) return '账号未设置所属部门，不能编写知识条目';
  if (actor.department !== department) return `只能编写本部门（${actor.department}）的知识条目`;
  return null;
}

/** Supervisors and admins review and publish. */
export function mayReview(actor: KnowledgeActor): boolean {
  return actor.role === 'supervisor' || actor.role === 'admin';
}

/** Why an existing entry may not be edited by `actor` (moving it to another department included). */
export function editRefusal(actor: KnowledgeActor, entry: KnowledgeEntryState, newDepartment: string): string | null {
  const refusal = writeRefusal(actor, entry.department) ?? writeRefusal(actor, newDepartment);
  if (refusal) return refusal;
  if (entry.status === 'review') return '条目正在审核中，审核退回后才能修改';
  return null;
}

/** Why a validity period is not one, or null. Days are `YYYY-MM-DD`, both ends included. */
export function validityRefusal(validFrom: string | null, validUntil: string | null): string | null {
  if (validFrom && validUntil && validUntil < validFrom) return '失效日期不能早于生效日期';
  return null;
}

/** The status an entry has on `today`: a published entry past its valid-until day is expired. */
export function effectiveStatus(entry: KnowledgeEntryState, today: string): KnowledgeStatus {
  return entry.status === 'published' && entry.validUntil !== null && entry.validUntil < today ? 'expired' : entry.status;
}

export function decideKnowledgeAction(action: KnowledgeAction, entry: KnowledgeEntryState, actor: KnowledgeActor, today: string): Decision {
  const status = effectiveStatus(entry, today);
  switch (action) {
    case 'submit': {
      const refusal = writeRefusal(actor, entry.department);
      if (refusal) return refuse(refusal);
      if (status !== 'draft') return refuse('只有草稿可以提交审核');
      return { ok: true, to: 'review' };
    }
    case 'approve':
      if (!mayReview(actor)) return refuse('只有班长或管理员可以审核发布');
      if (status !== 'review') return refuse('只有待审核的条目可以发布');
      if (entry.validUntil !== null && entry.validUntil < today) return refuse('失效日期已过，不能发布');
      return { ok: true, to: 'published' };
    case 'reject':
      if (!mayReview(actor)) return refuse('只有班长或管理员可以审核退回');
      if (status !== 'review') return refuse('只有待审核的条目可以退回');
      return { ok: true, to: 'draft' };
    case 'withdraw':
      if (!mayReview(actor)) return refuse('只有班长或管理员可以下架条目');
      if (status === 'published' || status === 'expired') return { ok: true, to: 'withdrawn' };
      // A revision in draft or review over a published version: the version goes, the revision stays.
      if (entry.publishedVersion !== null && (status === 'draft' || status === 'review')) return { ok: true, to: status };
      return refuse('只有已发布或已失效的条目可以下架');
  }
}

/** How statuses and actions read on the pages and in errors. */
export const KNOWLEDGE_STATUS_NAMES: Record<KnowledgeStatus, string> = {
  draft: '草稿',
  review: '待审核',
  published: '已发布',
  expired: '已失效',
  withdrawn: '已下架',
};
