/**
 * 每周热点 on the reports page: the week's top 诉求分类 and 乡镇/街道 with the week before and the
 * change (`GET /api/v1/hot-topics`), and a week picker.
 */
import { api } from '../shared/api.js';
import { h, replace } from '../shared/dom.js';

interface Topic {
  label: string;
  thisWeek: number;
  lastWeek: number;
  change: number | null;
}
interface HotTopics {
  week: string;
  previousWeek: string;
  total: { thisWeek: number; lastWeek: number };
  categories: Topic[];
  areas: Topic[];
}

const changeText = (t: Topic) => (t.change === null ? '新出现' : `${t.change > 0 ? '+' : ''}${Math.round(t.change * 1000) / 10}%`);

export class HotTopicsPanel {
  readonly element: HTMLElement;
  private readonly body = h('div', { class: 'hot-topics' });
  private readonly day = h('input', { type: 'date', 'data-testid': 'hot-topics-week' });

  constructor(private readonly token: () => string) {
    this.day.addEventListener('change', () => void this.load());
    this.element = h(
      'section',
      { class: 'card span-12', 'data-testid': 'hot-topics' },
      h('h2', null, '每周热点', h('label', { class: 'inline' }, '选择该周任一天', this.day)),
      this.body,
    );
  }

  async load(): Promise<void> {
    const query = this.day.value ? `?week=${this.day.value}` : '';
    try {
      const report = await api<HotTopics>('GET', `/api/v1/hot-topics${query}`, { token: this.token() });
      const table = (title: string, topics: Topic[], testid: string) =>
        h(
          'div',
          null,
          h('h3', null, title),
          topics.length === 0
            ? h('p', { class: 'muted' }, '本周没有已登记的工单')
            : h(
                'table',
                { class: 'table', 'data-testid': testid },
                h('thead', null, h('tr', null, h('th', null, '名称'), h('th', { class: 'num' }, '本周'), h('th', { class: 'num' }, '上周'), h('th', { class: 'num' }, '环比'))),
                h(
                  'tbody',
                  null,
                  topics.map((t) =>
                    h('tr', null, h('td', null, t.label), h('td', { class: 'num' }, String(t.thisWeek)), h('td', { class: 'num' }, String(t.lastWeek)), h('td', { class: `num ${t.change !== null && t.change > 0 ? 'up' : ''}` }, changeText(t))),
                  ),
                ),
              ),
        );
      replace(
        this.body,
        h('p', { class: 'muted' }, `${report.week} 起的一周：已登记工单 ${report.total.thisWeek} 件（上周 ${report.total.lastWeek} 件）`),
        h('div', { class: 'two-columns' }, table('诉求分类', report.categories, 'hot-categories'), table('乡镇/街道', report.areas, 'hot-areas')),
      );
    } catch (error) {
      replace(this.body, h('p', { class: 'form-error' }, `读取失败：${error instanceof Error ? error.message : String(error)}`));
    }
  }
}
