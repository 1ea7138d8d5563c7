/** The knowledge API's shapes as the page reads them (softphone-bridge/knowledge/schemas.ts). */
export interface Entry {
  id: number;
  title: string;
  answer: string;
  department: string;
  categories: string[];
  hotline: string | null;
  keywords: string;
  validFrom: string | null;
  validUntil: string | null;
  status: 'draft' | 'review' | 'published' | 'expired' | 'withdrawn';
  statusName: string;
  publishedVersion: number | null;
  reviewNote: string | null;
  createdBy: string;
  updatedBy: string;
  createdAt: string;
  updatedAt: string;
}

export interface Version {
  version: number;
  title: string;
  answer: string;
  writtenBy: string;
  publishedBy: string;
  publishedAt: string;
  validFrom: string | null;
  validUntil: string | null;
}

export interface Profile {
  login: string;
  role: string;
  department: string | null;
  mayWrite: boolean;
  mayReview: boolean;
}

export const STATUS_OPTIONS: [string, string][] = [
  ['', '全部状态'],
  ['draft', '草稿'],
  ['review', '待审核'],
  ['published', '已发布'],
  ['expired', '已失效'],
  ['withdrawn', '已下架'],
];
