/**
 * Every figure of a KPI row with its Chinese name, kind and definition: the reports page's table
 * headers and tips and the CSV's header rows come from here (no imports but the row's type).
 */
import type { KpiRow } from './kpi-row.js';

export type KpiKind = 'count' | 'rate' | 'gap' | 'seconds' | 'duration';
export type KpiFigure = Exclude<keyof KpiRow, 'key' | 'period' | 'notReadyByReason'>;

export const KPI_FIGURES: { key: KpiFigure; label: string; kind: KpiKind; help: string }[] = [
  { key: 'offered', label: '呼入量', kind: 'count', help: '到达的来电（每个来电计一次，黑名单拦截的不计）＝接通＋放弃＋其他未接通＋进行中' },
  { key: 'answered', label: '接通量', kind: 'count', help: '至少接通过一次坐席（或由语音导航转给外部）的来电，转接、回队后再接通不重复计' },
  { key: 'abandoned', label: '放弃量', kind: 'count', help: '从未接通、来电人挂机的来电' },
  { key: 'unansweredOther', label: '其他未接通', kind: 'count', help: '从未接通、因其他原因结束的来电（如线路失败）' },
  { key: 'inProgress', label: '进行中', kind: 'count', help: '尚未接通且未结束的来电（仍在排队或振铃）' },
  { key: 'answerRate', label: '接通率', kind: 'rate', help: '接通量 ÷（呼入量 − 进行中）' },
  { key: 'answerRateGap', label: '接通率差距', kind: 'gap', help: '接通率 − 目标值（负数为未达标）' },
  { key: 'answeredWithin15s', label: '15秒接通量', kind: 'count', help: '首次接通前排队与振铃不超过 15 秒的来电' },
  { key: 'answeredWithin15sRate', label: '15秒接通率', kind: 'rate', help: '15秒接通量 ÷（呼入量 − 进行中）' },
  { key: 'answeredWithin15sRateGap', label: '15秒接通率差距', kind: 'gap', help: '15秒接通率 − 目标值（负数为未达标）' },
  { key: 'averageWaitSeconds', label: '平均等待', kind: 'seconds', help: '接通来电首次接通前的平均排队与振铃时长' },
  { key: 'p90WaitSeconds', label: 'P90等待', kind: 'seconds', help: '九成接通来电的等待不超过此值' },
  { key: 'averageAbandonWaitSeconds', label: '放弃平均等待', kind: 'seconds', help: '放弃的来电挂机前的平均排队时长' },
  { key: 'averageHandleSeconds', label: '平均通话时长', kind: 'seconds', help: '已结束的接通来电每通有坐席在通话中的时长的平均：每段通话从坐席接起到离开该来电（转出、线路中断或挂机），回到队列再次等待、再次振铃的时间不计，咨询、三方通话中重叠的时间只计一次；无振铃接听记录的来电（如故障期间补录）按首次接通到挂机计。按坐席统计时为该坐席自己每段通话的平均，合计行按通话段平均（按来电统计的报表按来电平均）' },
  { key: 'reoffered', label: '重复振铃来电', kind: 'count', help: '振铃过不止一次的来电（未接、重新分配、回到队列）' },
  { key: 'abandonedCalledBack', label: '放弃已回拨', kind: 'count', help: '放弃的来电中已由坐席回拨的' },
  { key: 'transfers', label: '转接', kind: 'count', help: '完成的转接次数' },
  { key: 'conferences', label: '三方通话', kind: 'count', help: '三方通话次数' },
  { key: 'evaluated', label: '评价数', kind: 'count', help: '有满意度评价的来电' },
  { key: 'satisfactionRate', label: '满意率', kind: 'rate', help: '（满意＋基本满意）÷ 评价数；无评价时为“—”' },
  { key: 'repeatCallRate', label: '重复来电率', kind: 'rate', help: '24 小时内来电过的号码再次来电 ÷ 呼入量' },
  { key: 'ticketsOverdue', label: '超期工单', kind: 'count', help: '已过办理时限且未办结的工单（按查询时刻）' },
  { key: 'outbound', label: '外呼量', kind: 'count', help: '中心拨出的电话（坐席外呼、漏接回拨），不计入以上来电指标' },
  { key: 'outboundAnswered', label: '外呼接通', kind: 'count', help: '市民接听的外呼' },
  { key: 'knowledgeAnswered', label: '知识库解答数', kind: 'count', help: '坐席关联了知识库条目作答的接通来电' },
  { key: 'knowledgeAnswerRate', label: '知识库解答率', kind: 'rate', help: '知识库解答数 ÷ 接通量' },
  { key: 'offers', label: '振铃次数', kind: 'count', help: '来电向坐席振铃的次数（同一来电每次振铃各计一次）' },
  { key: 'offersAnswered', label: '振铃接听', kind: 'count', help: '坐席接起的振铃' },
  { key: 'offersNoAnswer', label: '振铃未接', kind: 'count', help: '振铃超时坐席未接' },
  { key: 'offersRejected', label: '拒接', kind: 'count', help: '坐席拒接的振铃' },
  { key: 'offersCallerHungUp', label: '振铃中来电挂机', kind: 'count', help: '振铃时来电人挂机' },
  { key: 'offersOther', label: '振铃撤回', kind: 'count', help: '系统撤回（来电转往别处、话机未接通）或仍在振铃' },
  { key: 'ringNoAnswerRate', label: '振铃未接率', kind: 'rate', help: '振铃未接 ÷ 振铃次数' },
  { key: 'talkSeconds', label: '通话时长', kind: 'duration', help: '坐席通话（不含保持）的时长' },
  { key: 'holdSeconds', label: '保持时长', kind: 'duration', help: '坐席保持通话的时长' },
  { key: 'wrapUpSeconds', label: '话后整理时长', kind: 'duration', help: '话后整理的时长' },
  { key: 'readySeconds', label: '示闲时长', kind: 'duration', help: '示闲等待来电的时长' },
  { key: 'notReadySeconds', label: '示忙时长', kind: 'duration', help: '示忙的时长（各原因见后）' },
  { key: 'occupancy', label: '占用率', kind: 'rate', help: '（振铃＋通话＋保持＋话后整理）÷（以上＋示闲）；示忙、离线不计' },
];

/** The CSV's and the table's column for one 示忙 reason. */
export const notReadyColumn = (reason: string) => ({ key: `notReady:${reason}`, label: `示忙·${reason}` });
