// Names for demo residents: common surnames of the Shanghai area with rough weights, given names by generation.
// Combinations are drawn at random, so any resemblance to a real person is by chance.
import type { Rng } from './random'

export type Sex = 'm' | 'f'

const SURNAMES: readonly (readonly [string, number])[] = [
  ['张', 60],
  ['王', 55],
  ['陈', 50],
  ['李', 40],
  ['徐', 38],
  ['朱', 34],
  ['沈', 32],
  ['顾', 28],
  ['陆', 28],
  ['周', 27],
  ['吴', 26],
  ['杨', 22],
  ['黄', 21],
  ['钱', 18],
  ['金', 17],
  ['孙', 17],
  ['刘', 16],
  ['胡', 15],
  ['蒋', 13],
  ['姚', 13],
  ['马', 11],
  ['曹', 11],
  ['施', 11],
  ['赵', 10],
  ['潘', 10],
  ['冯', 9],
  ['费', 8],
  ['唐', 8],
  ['许', 8],
  ['邱', 7],
  ['戴', 7],
  ['俞', 7],
  ['范', 6],
  ['高', 6],
  ['郁', 5],
  ['卫', 5],
  ['盛', 5],
  ['倪', 5],
  ['袁', 5],
  ['叶', 5],
  ['何', 5],
  ['孔', 3],
  ['欧阳', 1],
]

const words = (text: string): readonly string[] => text.split(' ')

/** Given names by generation, chosen by age so that a person keeps their name as the demo year moves on. */
const GIVEN: Record<'old' | 'mid' | 'young', Record<Sex, readonly string[]>> = {
  old: {
    m: words(
      '建国 国华 根生 福根 金龙 志明 国强 德明 永康 炳坤 国平 兴华 建华 伟民 荣根 庆丰 金宝 水生 雪林 振华 文龙 卫东 志刚 海林 长生 友根 阿大 进财 培元 家驹 玉林 宝兴 如松 关林 正兴 耀祖',
    ),
    f: words(
      '桂英 秀英 凤英 玉兰 美华 月娥 菊芳 金妹 雪珍 秀珍 桂芳 彩娣 根娣 巧珍 素珍 惠芳 凤娣 爱华 美英 阿妹 小妹 琴芳 丽娟 美娟 杏娣 引娣 珍珠 月英 佩华 红英 莲英 翠英',
    ),
  },
  mid: {
    m: words(
      '伟 强 磊 军 杰 勇 斌 涛 俊 峰 海峰 志强 晓东 建军 文杰 佳伟 俊杰 浩 晨 宇 立新 晓明 海涛 振宇 一鸣 家豪 天宇 卫华 明 骏 晓峰 立军 永刚 健 昊 嘉诚 春华 忠良',
    ),
    f: words(
      '丽 敏 静 燕 芳 娟 艳 婷 丽华 晓燕 雯 慧 佳怡 丹 琳 红霞 春燕 海燕 洁 莉 晓红 雪梅 秀丽 颖 倩 晶晶 思佳 雯雯 蓓蕾 燕萍 文静 美玲 雪芳 佳 瑾 亚萍 秋萍',
    ),
  },
  young: {
    m: words(
      '子轩 浩然 梓轩 宇轩 一诺 睿 子墨 俊熙 皓轩 沐阳 嘉懿 博文 奕辰 宇航 铭泽 思远 逸飞 天佑 承泽 明轩 景行 乐天',
    ),
    f: words(
      '欣怡 梓涵 子涵 诗涵 雨桐 可馨 思彤 语汐 若曦 佳琪 梦琪 紫萱 依诺 芷若 沐晨 心怡 安琪 悦然 婉清 书瑶 一然 嘉欣',
    ),
  },
}

export function surname(rng: Rng): string {
  return rng.weighted(SURNAMES)
}

export function givenName(rng: Rng, sex: Sex, age: number): string {
  const generation = age >= 58 ? 'old' : age >= 18 ? 'mid' : 'young'
  return rng.pick(GIVEN[generation][sex])
}
