/** The knowledge API's request and reply shapes (typebox; errors in Chinese name the field). */
import Type from 'typebox';
import { KNOWLEDGE_STATUSES } from '../../store/index.js';
import { CalendarDate, FreeText, MultilineText, Pattern } from '../http/free-text.js';

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);

export const Hotline = Pattern('^[0-9]{3,20}$', '仅数字，3–20 位', { description: '所属热线号码，如 12333；不填为全部热线' });

export const EntryBody = Type.Object(
  {
    // Required texts are stored trimmed: one of nothing but spaces answers 400 `不能为空` (knowledge-routes.ts).
    title: FreeText({ minLength: 1, maxLength: 200, description: '标题（必填，不能只有空格；首尾空格去掉）' }),
    answer: MultilineText({ minLength: 1, maxLength: 8000, description: '答复内容（必填，不能只有空格；首尾空格去掉）' }),
    department: FreeText({ minLength: 1, maxLength: 64, description: '部门（必填，不能只有空格；首尾空格去掉）' }),
    categories: Type.Array(FreeText({ minLength: 1, maxLength: 64, description: '一个分类（不能只有空格）' }), { maxItems: 10, description: '分类' }),
    hotline: Nullable(Hotline),
    keywords: FreeText({ maxLength: 500, description: '关键词：同义词、简称、俗称，空格分隔（会编入检索）' }),
    validFrom: Nullable(CalendarDate({ description: '生效日期' })),
    validUntil: Nullable(CalendarDate({ description: '失效日期（含当日）' })),
    /** Straight to review after saving. */
    submit: Type.Optional(Type.Boolean({ description: '保存后直接提交审核' })),
  },
  { additionalProperties: false },
);

export const Entry = Type.Object({
  id: Type.Integer(),
  title: Type.String(),
  answer: Type.String(),
  department: Type.String(),
  categories: Type.Array(Type.String()),
  hotline: Nullable(Type.String()),
  keywords: Type.String(),
  validFrom: Nullable(Type.String()),
  validUntil: Nullable(Type.String()),
  status: Type.Enum([...KNOWLEDGE_STATUSES]),
  statusName: Type.String(),
  publishedVersion: Nullable(Type.Integer()),
  reviewNote: Nullable(Type.String()),
  createdBy: Type.String(),
  updatedBy: Type.String(),
  createdAt: Type.String(),
  updatedAt: Type.String(),
});

export const Version = Type.Object({
  entryId: Type.Integer(),
  version: Type.Integer(),
  title: Type.String(),
  answer: Type.String(),
  department: Type.String(),
  categories: Type.Array(Type.String()),
  hotline: Nullable(Type.String()),
  keywords: Type.String(),
  validFrom: Nullable(Type.String()),
  validUntil: Nullable(Type.String()),
  writtenBy: Type.String(),
  publishedBy: Type.String(),
  publishedAt: Type.String(),
});

export const Hit = Type.Object({
  entryId: Type.Integer(),
  version: Type.Integer(),
  title: Type.String(),
  answer: Type.String(),
  department: Type.String(),
  categories: Type.Array(Type.String()),
  hotline: Nullable(Type.String()),
  validUntil: Nullable(Type.String()),
  publishedAt: Type.String(),
  titleHtml: Type.String({ description: 'HTML：标题，命中词用 <mark> 标出，其余已转义' }),
  snippetHtml: Type.String({ description: 'HTML：答复内容摘要，命中词用 <mark> 标出，其余已转义' }),
});
export const Hits = Type.Object({ items: Type.Array(Hit) });

export const SearchQuery = Type.Object(
  {
    q: FreeText({ minLength: 1, maxLength: 200, description: '检索词，如“医保卡丢了怎么办”' }),
    hotline: Type.Optional(Hotline),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 50, default: 10 })),
  },
  { additionalProperties: false },
);

export const SuggestQuery = Type.Object(
  {
    hotline: Type.Optional(Hotline),
    ivr: Type.Optional(FreeText({ maxLength: 500, description: '来电人的语音导航选择' })),
    history: Type.Optional(FreeText({ maxLength: 500, description: '来电人近期工单的分类' })),
    text: Type.Optional(MultilineText({ maxLength: 4000, description: '话务员正在填写的诉求内容' })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 20, default: 5 })),
  },
  { additionalProperties: false },
);

export const ListQuery = Type.Object(
  {
    status: Type.Optional(Type.Enum([...KNOWLEDGE_STATUSES])),
    department: Type.Optional(FreeText({ minLength: 1, maxLength: 64 })),
    q: Type.Optional(FreeText({ minLength: 1, maxLength: 100, description: '标题或关键词包含' })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
    offset: Type.Optional(Type.Integer({ minimum: 0, default: 0 })),
  },
  { additionalProperties: false },
);

export const IdParams = Type.Object({ id: Type.Integer({ minimum: 1 }) });
export const VersionParams = Type.Object({ id: Type.Integer({ minimum: 1 }), version: Type.Integer({ minimum: 1 }) });
export const TicketParams = Type.Object({ number: Pattern('^[0-9]{6,16}$', '工单编号，6–16 位数字') });

export const ActionBody = Type.Object(
  {
    action: Type.Enum(['submit', 'approve', 'reject', 'withdraw'], {
      description: 'submit 提交审核 / approve 审核发布 / reject 退回修改 / withdraw 下架',
    }),
    note: Type.Optional(MultilineText({ maxLength: 1000, description: '审核意见（退回、下架时必填）' })),
  },
  { additionalProperties: false },
);

export const ImportBody = Type.Object(
  {
    csv: Type.String({ minLength: 1, maxLength: 4_000_000, description: 'CSV 文件内容（UTF-8，可带 BOM；首行为中文表头）' }),
    submit: Type.Optional(Type.Boolean({ description: '导入后直接提交审核（否则为草稿）' })),
  },
  { additionalProperties: false },
);
export const ImportReply = Type.Object({
  created: Type.Integer(),
  ids: Type.Array(Type.Integer()),
  errors: Type.Array(Type.Object({ row: Type.Integer({ description: '文件中的行号（表头为第 1 行）' }), field: Type.String(), message: Type.String() })),
});

export const LinkBody = Type.Object({ entryId: Type.Integer({ minimum: 1 }) }, { additionalProperties: false });
export const Link = Type.Object({ entryId: Type.Integer(), version: Type.Integer(), title: Type.String(), linkedBy: Type.String(), linkedAt: Type.String() });
export const LinkReply = Type.Object({ ...Link.properties, created: Type.Boolean() });
