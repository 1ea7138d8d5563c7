/**
 * The ticket form's reference data for the demo centre: a 12345 诉求分类 tree (three levels, after the
 * usual classification of municipal hotlines), the handling units of the department directory, and
 * the centre's city (重庆市, code 50: its districts and counties hang under the municipality).
 */
import type { Db } from './db.js';
import { CENTRE_CITY_SETTING } from './divisions.js';
import { putSetting } from './repos/settings.js';
import { createHandlingUnit, createTicketMatter } from './repos/ticket-matters.js';

type Tree = Record<string, Record<string, string[]>>;

const MATTERS: Tree = {
  城乡建设: {
    物业管理: ['物业服务收费', '物业服务质量', '业主委员会', '维修资金'],
    房屋建设: ['房屋质量', '房屋交付', '拆迁安置'],
    市政设施: ['道路破损', '路灯照明', '排水防涝', '燃气供应'],
  },
  环境保护: {
    噪声污染: ['施工噪声', '社会生活噪声', '交通噪声'],
    大气污染: ['扬尘', '油烟', '工业废气'],
    水污染: ['河道污染', '污水排放'],
  },
  交通运输: {
    公共交通: ['公交线路', '公交服务'],
    出租汽车: ['拒载绕路', '网约车'],
    道路交通: ['交通设施', '占道停车'],
  },
  劳动和社会保障: {
    劳动关系: ['拖欠工资', '劳动合同'],
    社会保险: ['养老保险', '医疗保险', '失业保险'],
  },
  市场监管: {
    消费维权: ['商品质量', '预付卡消费', '价格收费'],
    食品安全: ['餐饮卫生', '食品质量'],
  },
  教育卫生: {
    教育: ['入学招生', '教育收费'],
    医疗卫生: ['医疗服务', '疫苗接种'],
  },
  其他: {
    政策咨询: ['综合政策'],
    表扬感谢: ['表扬'],
  },
};

export const DEMO_HANDLING_UNITS = [
  '市住房和城乡建设委员会',
  '市生态环境局',
  '市交通运输局',
  '市人力资源和社会保障局',
  '市市场监督管理局',
  '市教育委员会',
  '市卫生健康委员会',
  '区县人民政府',
];

/** Given the seed's transaction, the repositories run as part of it. */
export async function seedTicketReferenceData(db: Db): Promise<void> {
  const matter = async (parentId: number | null, name: string, sortOrder: number): Promise<number> => (await createTicketMatter(db, { parentId, name, sortOrder })).id;
  let rootOrder = 0;
  for (const [root, subs] of Object.entries(MATTERS)) {
    const top = await matter(null, root, rootOrder++);
    let subOrder = 0;
    for (const [sub, leaves] of Object.entries(subs)) {
      const mid = await matter(top, sub, subOrder++);
      for (const [i, leaf] of leaves.entries()) await matter(mid, leaf, i);
    }
  }
  for (const name of DEMO_HANDLING_UNITS) await createHandlingUnit(db, { name });
  await putSetting(db, CENTRE_CITY_SETTING, { code: '50' });
}
