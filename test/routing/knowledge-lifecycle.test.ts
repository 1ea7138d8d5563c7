/** The knowledge base's review rules (routing/knowledge/entry-lifecycle.ts), as pure decisions. */
import { describe, expect, it } from 'vitest';
import {
  decideKnowledgeAction,
  editRefusal,
  effectiveStatus,
  validityRefusal,
  writeRefusal,
  type KnowledgeAction,
  type KnowledgeActor,
  type KnowledgeEntryState,
} from '../../routing/knowledge/entry-lifecycle.js';
import type { KnowledgeStatus } from '../../store/index.js';

const TODAY = '2026-06-10';
const editor: KnowledgeActor = { role: 'editor', department: '市医疗保障局' };
const otherEditor: KnowledgeActor = { role: 'editor', department: '市公安局' };
const supervisor: KnowledgeActor = { role: 'supervisor', department: null };
const admin: KnowledgeActor = { role: 'admin', department: null };
const agent: KnowledgeActor = { role: 'agent', department: null };
const entry = (status: KnowledgeStatus, over: Partial<KnowledgeEntryState> = {}): KnowledgeEntryState => ({
  status,
  publishedVersion: status === 'published' || status === 'expired' ? 1 : null,
  department: '市医疗保障局',
  validFrom: null,
  validUntil: null,
  ...over,
});
const to = (action: KnowledgeAction, e: KnowledgeEntryState, actor: KnowledgeActor) => {
  const d = decideKnowledgeAction(action, e, actor, TODAY);
  return d.ok ? d.to : d.reason;
};

describe('knowledge entry lifecycle', () => {
  it('walks draft → review → published → withdrawn, with a rejection back to draft', () => {
    expect(to('submit', entry('draft'), editor)).toBe('review');
    expect(to('reject', entry('review'), supervisor)).toBe('draft');
    expect(to('approve', entry('review'), supervisor)).toBe('published');
    expect(to('approve', entry('review'), admin)).toBe('published');
    expect(to('withdraw', entry('published'), supervisor)).toBe('withdrawn');
  });

  it('lets nobody take a step from the wrong status', () => {
    expect(to('submit', entry('review'), editor)).toBe('只有草稿可以提交审核');
    expect(to('submit', entry('published'), admin)).toBe('只有草稿可以提交审核');
    expect(to('approve', entry('draft'), supervisor)).toBe('只有待审核的条目可以发布');
    expect(to('reject', entry('published'), supervisor)).toBe('只有待审核的条目可以退回');
    expect(to('withdraw', entry('draft'), supervisor)).toBe('只有已发布或已失效的条目可以下架');
    expect(to('withdraw', entry('withdrawn'), supervisor)).toBe('只有已发布或已失效的条目可以下架');
  });

  it('withdraws the published version under a revision in draft or review, keeping the revision', () => {
    expect(to('withdraw', entry('draft', { publishedVersion: 1 }), supervisor)).toBe('draft');
    expect(to('withdraw', entry('review', { publishedVersion: 2 }), admin)).toBe('review');
    expect(to('withdraw', entry('draft', { publishedVersion: 1 }), editor)).toBe('只有班长或管理员可以下架条目');
  });

  it('keeps editors to their department and out of publishing; supervisors review but do not write', () => {
    expect(to('submit', entry('draft'), otherEditor)).toBe('只能编写本部门（市公安局）的知识条目');
    expect(to('approve', entry('review'), editor)).toBe('只有班长或管理员可以审核发布');
    expect(to('withdraw', entry('published'), editor)).toBe('只有班长或管理员可以下架条目');
    expect(to('submit', entry('draft'), supervisor)).toBe('只有管理员和部门知识编辑可以编写知识条目');
    expect(writeRefusal(agent, '市医疗保障局')).toBe('只有管理员和部门知识编辑可以编写知识条目');
    expect(writeRefusal({ role: 'editor', department: null }, '市医疗保障局')).toBe('账号未设置所属部门，不能编写知识条目');
    expect(writeRefusal(admin, '任何部门')).toBeNull();
    // Moving an entry to another department is writing for that department too.
    expect(editRefusal(editor, entry('published'), '市公安局')).toBe('只能编写本部门（市医疗保障局）的知识条目');
    expect(editRefusal(editor, entry('review'), '市医疗保障局')).toBe('条目正在审核中，审核退回后才能修改');
    expect(editRefusal(editor, entry('expired'), '市医疗保障局')).toBeNull();
  });

  it('judges expiry by the day: valid-until is the last day in force', () => {
    expect(effectiveStatus(entry('published', { validUntil: TODAY }), TODAY)).toBe('published');
    expect(effectiveStatus(entry('published', { validUntil: '2026-06-09' }), TODAY)).toBe('expired');
    expect(to('withdraw', entry('published', { validUntil: '2026-06-09' }), supervisor)).toBe('withdrawn');
    expect(to('approve', entry('review', { validUntil: '2026-06-09' }), supervisor)).toBe('失效日期已过，不能发布');
    expect(validityRefusal('2026-07-01', '2026-06-30')).toBe('失效日期不能早于生效日期');
    expect(validityRefusal('2026-07-01', '2026-07-01')).toBeNull();
  });
});
