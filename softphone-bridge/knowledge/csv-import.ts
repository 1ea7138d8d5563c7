/**
 * The initial load of a knowledge base from a spreadsheet: a CSV file in UTF-8, with or without a
 * BOM (Excel's "CSV UTF-8（逗号分隔）" writes one, with CRLF line ends), its first row the Chinese
 * header 标题,答复内容,部门,分类,热线,关键词,生效日期,失效日期 (columns in any order; 标题, 答复内容 and
 * 部门 required). Each row becomes entry fields or a list of problems in Chinese naming its row.
 */
import { parse } from 'csv-parse/sync';
import type { KnowledgeFields } from '../../store/index.js';
import { hasForbiddenChars } from '../http/free-text.js';
import { validityRefusal } from '../../routing/knowledge/entry-lifecycle.js';

export const CSV_HEADER = ['标题', '答复内容', '部门', '分类', '热线', '关键词', '生效日期', '失效日期'] as const;
const REQUIRED = ['标题', '答复内容', '部门'];

export interface RowProblem {
  /** The row's line in the file: the header is row 1. */
  row: number;
  field: string;
  message: string;
}

export type CsvRow = { row: number; fields: KnowledgeFields };

export interface ParsedCsv {
  rows: CsvRow[];
  problems: RowProblem[];
}

const LIMITS: Record<string, number> = { 标题: 200, 答复内容: 8000, 部门: 64, 分类: 700, 关键词: 500 };

/** 2026-03-01, 2026/3/1 (Excel's own way of writing a date) → 2026-03-01, or null if not a real day. */
export function csvDate(text: string): string | null {
  const m = /^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?$/.exec(text.trim());
  if (!m) return null;
  const iso = `${m[1]}-${m[2]?.padStart(2, '0')}-${m[3]?.padStart(2, '0')}`;
  const date = new Date(`${iso}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === iso ? iso : null;
}

const split = (text: string, separators: RegExp) =>
  text
    .split(separators)
    .map((s) => s.trim())
    .filter((s) => s !== '');

export function parseKnowledgeCsv(text: string): ParsedCsv {
  const problems: RowProblem[] = [];
  if (text.includes('\uFFFD')) {
    return { rows: [], problems: [{ row: 1, field: '文件', message: '文件不是 UTF-8 编码：请在 Excel 中“另存为”选择“CSV UTF-8（逗号分隔）”' }] };
  }
  let records: string[][];
  try {
    records = parse(text, { bom: true, relax_column_count: true, skip_empty_lines: true, trim: false });
  } catch (error) {
    return { rows: [], problems: [{ row: 1, field: '文件', message: `CSV 格式不正确：${(error as Error).message}` }] };
  }
  const header = (records[0] ?? []).map((h) => h.trim());
  const missing = REQUIRED.filter((h) => !header.includes(h));
  if (missing.length > 0) {
    return { rows: [], problems: [{ row: 1, field: '表头', message: `缺少列：${missing.join('、')}（表头应为 ${CSV_HEADER.join(',')}）` }] };
  }
  const unknown = header.filter((h) => h !== '' && !(CSV_HEADER as readonly string[]).includes(h));
  if (unknown.length > 0) problems.push({ row: 1, field: '表头', message: `不认识的列已忽略：${unknown.join('、')}` });

  const rows: CsvRow[] = [];
  records.slice(1).forEach((record, index) => {
    const row = index + 2;
    const cell = (name: string) => {
      const at = header.indexOf(name);
      return at < 0 ? '' : (record[at] ?? '').trim();
    };
    const rowProblems: RowProblem[] = [];
    const problem = (field: string, message: string) => rowProblems.push({ row, field, message });
    for (const name of CSV_HEADER) {
      const value = cell(name);
      if (REQUIRED.includes(name) && value === '') problem(name, '必填');
      const limit = LIMITS[name];
      if (limit !== undefined && value.length > limit) problem(name, `不能超过 ${limit} 个字`);
      if (hasForbiddenChars(value, { multiline: name === '答复内容' })) problem(name, '不能包含控制字符或文字方向控制符');
    }
    const hotline = cell('热线');
    if (hotline !== '' && !/^[0-9]{3,20}$/.test(hotline)) problem('热线', '应为热线号码，3–20 位数字');
    const dates = { validFrom: cell('生效日期'), validUntil: cell('失效日期') };
    const validFrom = dates.validFrom === '' ? null : csvDate(dates.validFrom);
    const validUntil = dates.validUntil === '' ? null : csvDate(dates.validUntil);
    if (dates.validFrom !== '' && validFrom === null) problem('生效日期', '不是有效的日期（如 2026-03-01）');
    if (dates.validUntil !== '' && validUntil === null) problem('失效日期', '不是有效的日期（如 2026-12-31）');
    const validity = validityRefusal(validFrom, validUntil);
    if (validity) problem('失效日期', validity);
    const categories = split(cell('分类'), /[、;；|,，/]/);
    if (categories.length > 10) problem('分类', '最多 10 个分类');
    if (rowProblems.length > 0) {
      problems.push(...rowProblems);
      return;
    }
    rows.push({
      row,
      fields: {
        title: cell('标题'),
        answer: cell('答复内容'),
        department: cell('部门'),
        categories,
        hotline: hotline === '' ? null : hotline,
        keywords: split(cell('关键词'), /[\s、;；|,，]+/).join(' '),
        validFrom,
        validUntil,
      },
    });
  });
  if (records.length <= 1) problems.push({ row: 2, field: '文件', message: '文件中没有数据行' });
  return { rows, problems };
}
