/**
 * Demo knowledge base: about twenty published entries of the kind a city's departments supply
 * (医保、社保、公积金、户籍、水电气、交通、市场监管), and two department knowledge editors
 * (`kb-ybj` 市医疗保障局, `kb-rsj` 市人力资源和社会保障局). Temporary notices (停水、停电) are in force
 * from a few days before the seeding day to a few weeks after it.
 */
import { clockOf } from '../clock.js';
import type { Db } from '../db.js';
import { createAgent } from '../repos/agents.js';
import { shanghaiDay } from '../time.js';
import { createKnowledgeEntry, publishKnowledgeEntry, type KnowledgeFields } from './entries.js';

type Seed = Omit<KnowledgeFields, 'validFrom' | 'validUntil' | 'hotline' | 'keywords'> & { hotline?: string; keywords?: string; temporary?: boolean };

const ENTRIES: Seed[] = [
  {
    title: '医疗保障卡挂失补办',
    answer:
      '医疗保障卡（医保卡）遗失后，请先拨打 12345 或通过“市医保”公众号办理临时挂失，挂失后卡内个人账户即刻冻结。补办可携带居民身份证到任一医保经办网点或合作银行网点办理，现场制卡约 20 分钟；也可在“市医保”公众号线上申请，制卡后邮寄到家。补卡工本费 20 元，首次申领免费。',
    department: '市医疗保障局',
    categories: ['医疗保障', '证件办理'],
    keywords: '医保卡 社保卡 补卡 掉了',
  },
  {
    title: '职工医保个人账户余额查询',
    answer: '可通过“市医保”公众号、国家医保服务平台 App、医保经办网点自助机查询个人账户余额和缴费记录，查询需本人身份证号和手机验证码。',
    department: '市医疗保障局',
    categories: ['医疗保障'],
    keywords: '医保余额 个人账户',
  },
  {
    title: '异地就医备案办理',
    answer:
      '跨省异地长期居住或临时外出就医的参保人，可通过国家医保服务平台 App 或“市医保”公众号办理异地就医备案，即时生效。备案后在就医地定点医院持医保卡或医保电子凭证直接结算。',
    department: '市医疗保障局',
    categories: ['医疗保障'],
    keywords: '异地报销 外地看病',
  },
  {
    title: '社会保险缴费记录查询',
    answer:
      '个人社保缴费记录（养老、医疗、失业、工伤保险）可通过“市人社”App、电子社保卡或各区社保经办大厅自助机查询打印，带单位公章的缴费证明可在经办大厅窗口办理。',
    department: '市人力资源和社会保障局',
    categories: ['社会保险'],
    hotline: '12333',
    keywords: '社保查询 缴费证明 参保证明',
  },
  {
    title: '灵活就业人员参加职工养老保险',
    answer:
      '本市户籍或持本市居住证的灵活就业人员，可携带身份证到户籍地或居住地街道社保所办理参保登记，也可在“市人社”App 线上办理。缴费基数可在全市上年度平均工资的 60% 至 300% 之间自选。',
    department: '市人力资源和社会保障局',
    categories: ['社会保险', '就业创业'],
    hotline: '12333',
    keywords: '个体户社保 自由职业',
  },
  {
    title: '拖欠工资投诉渠道',
    answer:
      '用人单位拖欠工资的，劳动者可向用工所在地区劳动保障监察大队投诉，需提供身份证、劳动合同或工资条等证据；也可拨打 12333 或通过“市人社”App 在线投诉。农民工欠薪可同时向属地根治欠薪工作专班反映。',
    department: '市人力资源和社会保障局',
    categories: ['劳动保障'],
    hotline: '12333',
    keywords: '欠薪 讨薪 劳动监察',
  },
  {
    title: '养老金领取资格认证',
    answer: '领取养老金的退休人员每年需进行一次领取资格认证，可通过“市人社”App 人脸识别自助认证，行动不便的可由社区上门认证。逾期未认证的将暂停发放，认证后补发。',
    department: '市人力资源和社会保障局',
    categories: ['社会保险'],
    hotline: '12333',
    keywords: '退休金 年审 生存认证',
  },
  {
    title: '住房公积金提取条件和材料',
    answer:
      '购买、建造、翻建、大修自住住房，偿还购房贷款本息，租房自住，离退休，出境定居等情形可申请提取住房公积金。租房提取每年一次，需身份证和租赁备案证明；购房提取需购房合同和发票。可在“市公积金”App、公积金中心各服务网点办理，一般 3 个工作日内到账。',
    department: '市住房公积金管理中心',
    categories: ['住房公积金'],
    keywords: '公积金取出来 提取公积金 租房提取',
  },
  {
    title: '住房公积金贷款额度计算',
    answer: '公积金贷款额度按缴存余额的 15 倍计算，且不超过所购住房总价的 70%，单人最高 60 万元、夫妻双方最高 80 万元。可在“市公积金”App 贷款试算中计算。',
    department: '市住房公积金管理中心',
    categories: ['住房公积金'],
    keywords: '公积金贷款 额度',
  },
  {
    title: '居住证办理',
    answer:
      '在本市居住半年以上，有合法稳定就业、合法稳定住所或连续就读条件之一的非本市户籍人员，可申领居住证。携带身份证、近期照片、居住证明（租赁合同或房产证）和就业或就读证明，到居住地派出所或社区警务室办理，15 个工作日内制证。',
    department: '市公安局',
    categories: ['户籍证件'],
    keywords: '暂住证 居住登记',
  },
  {
    title: '居民身份证补领',
    answer: '身份证遗失的，可到任一派出所户籍窗口申请补领，现场采集照片和指纹，工本费 20 元，一般 20 个工作日内领取；急需乘车的可先办理临时身份证。',
    department: '市公安局',
    categories: ['户籍证件'],
    keywords: '身份证丢了 补办身份证',
  },
  {
    title: '新生儿落户办理',
    answer: '新生儿出生后一个月内，由父母一方持出生医学证明、父母双方身份证、户口簿、结婚证到户籍地派出所办理落户，也可在“市公安”政务服务平台线上申请。',
    department: '市公安局',
    categories: ['户籍证件'],
    keywords: '上户口 出生登记',
  },
  {
    title: '计划停水通知查询',
    answer:
      '市自来水公司因管网维修计划停水的，提前 24 小时在“市水务”公众号、停水区域小区公告栏公布停水时间和范围。如遇突发停水或停水超过公告时间，可拨打供水服务热线或 12345 反映，工作人员会转供水企业处理。',
    department: '市自来水公司',
    categories: ['水电气', '公共服务'],
    keywords: '没水 停水 供水',
    temporary: true,
  },
  {
    title: '计划停电通知查询',
    answer:
      '供电公司计划检修停电提前 7 天在“网上国网”App 和小区公告栏公布停电时间与范围，临时停电至少提前 24 小时通知。故障停电可拨打 95598 报修，或拨打 12345 由我们转供电企业处理。',
    department: '市供电公司',
    categories: ['水电气', '公共服务'],
    keywords: '没电 停电 供电 检修',
    temporary: true,
  },
  {
    title: '燃气开户和报修',
    answer: '新房燃气开户携带房产证明和身份证到燃气公司营业厅或在“市燃气”公众号申请，安装验收后通气。闻到燃气异味请立即关闭阀门、开窗通风，不要开关电器，到室外拨打燃气抢修电话。',
    department: '市燃气集团',
    categories: ['水电气'],
    keywords: '天然气 煤气 漏气',
  },
  {
    title: '机动车驾驶证到期换证',
    answer: '驾驶证有效期满前 90 日内可申请换证，可通过“交管 12123”App 线上办理并邮寄，或到车管所、交警服务站办理，需身份证和驾驶人体检证明。',
    department: '市公安局交通管理局',
    categories: ['交通出行'],
    keywords: '驾照 换本 到期',
  },
  {
    title: '交通违法处理',
    answer: '非现场交通违法（电子警察抓拍）可通过“交管 12123”App 查询并处理缴款，记分的需本人驾驶证办理。对处罚有异议的，可到违法发生地交警大队申请复核。',
    department: '市公安局交通管理局',
    categories: ['交通出行'],
    keywords: '罚单 违章 扣分',
  },
  {
    title: '消费投诉处理流程',
    answer:
      '消费者与经营者发生消费纠纷，可先与经营者协商；协商不成的，可拨打 12315 或通过全国 12315 平台投诉，需提供经营者名称、地址、购物凭证等。市场监管部门受理后 7 个工作日内告知是否受理，一般 60 日内办结。',
    department: '市市场监督管理局',
    categories: ['市场监管', '消费维权'],
    hotline: '12315',
    keywords: '退货 商家 维权',
  },
  {
    title: '食品安全问题举报',
    answer: '发现餐饮店、超市销售过期变质食品或后厨卫生问题，可拨打 12315 或 12345 举报，请尽量提供店名、地址、时间和照片。经查实的，举报人可按规定获得奖励。',
    department: '市市场监督管理局',
    categories: ['市场监管', '食品安全'],
    hotline: '12315',
    keywords: '过期食品 饭店卫生',
  },
  {
    title: '适龄儿童小学入学登记',
    answer:
      '每年 5 月至 6 月通过“市教育”入学服务平台进行小学新生入学登记，按户籍和房产所在学区划片就近入学；随迁子女需提供父母居住证、社保缴纳证明。具体时间以当年教育局公告为准。',
    department: '市教育局',
    categories: ['教育'],
    keywords: '孩子上学 入学 学区',
  },
  {
    title: '个人所得税汇算清缴',
    answer: '每年 3 月 1 日至 6 月 30 日办理上一年度个人所得税综合所得汇算清缴，通过“个人所得税”App 申报，可退税或补税。有疑问可拨打 12366 纳税服务热线。',
    department: '市税务局',
    categories: ['税务'],
    hotline: '12366',
    keywords: '个税 退税',
  },
];

const addDays = (day: string, days: number) => new Date(Date.parse(`${day}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);

/** Called from the demo seed, inside its transaction. */
export async function seedKnowledge(db: Db, passwordHash: string | null): Promise<void> {
  await createAgent(db, { login: 'kb-ybj', passwordHash, name: '医保局知识编辑', role: 'editor', department: '市医疗保障局' });
  await createAgent(db, { login: 'kb-rsj', passwordHash, name: '人社局知识编辑', role: 'editor', department: '市人力资源和社会保障局' });
  await seedKnowledgeEntries(db);
}

/** The demo entries alone, published by `super` (the demo seed; tests of the search). */
export async function seedKnowledgeEntries(db: Db): Promise<void> {
  const today = shanghaiDay(clockOf(db).now());
  for (const { temporary, hotline, keywords, ...seed } of ENTRIES) {
    const fields: KnowledgeFields = {
      ...seed,
      hotline: hotline ?? null,
      keywords: keywords ?? '',
      validFrom: temporary ? addDays(today, -5) : null,
      validUntil: temporary ? addDays(today, 20) : null,
    };
    const entry = await createKnowledgeEntry(db, fields, 'system', 'review');
    await publishKnowledgeEntry(db, entry, 'super');
  }
}
