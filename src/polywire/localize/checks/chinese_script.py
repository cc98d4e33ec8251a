"""Check ``chinese_script``: Simplified characters in a Traditional Chinese translation, or the reverse.

A reader in Taipei or Hong Kong expects Traditional script (zh-Hant, zh-TW, zh-HK, zh-MO), one in Beijing or
Singapore Simplified (zh-Hans, zh-CN, zh-SG, plain zh). The table below holds common characters whose two forms
differ and where neither form is also in ordinary use in the other script (so 后/後, 里/裡, 台/臺 are left out:
后 and 里 are normal Traditional characters too). One stray character can be a name, so a single one warns and
a real share of them holds. Pairs such as 制/製, 准/準, 污/汙 and 佣/傭 are out too: the first form is
standard Traditional in some words (制度, 批准).
"""

from __future__ import annotations

from dataclasses import dataclass

from polywire.localize.checks.base import Finding, Severity, TranslationPair

# Simplified → Traditional, common characters of news and business text.
_PAIRS = (
    "国國 们們 说說 时時 发發 经經 济濟 业業 开開 关關 长長 门門 这這 来來 会會 对對 为為 个個 东東 车車 电電"
    " 动動 员員 华華 问問 间間 现現 实實 体體 区區 与與 产產 务務 资資 还還 进進 过過 报報 场場 总總 书書 学學 将將"
    " 导導 际際 应應 该該 并並 万萬 亿億 亚亞 义義 乐樂 书書 买買 卖賣 乡鄉 亲親 们們 价價 众眾 优優 传傳 伤傷 伦倫"
    " 侧側 储儲 兑兌 兰蘭 关關 兴興 养養 农農 决決 况況 净淨 凤鳳 减減 刘劉 则則 创創 删刪 别別"
    " 剧劇 劳勞 势勢 勋勳 区區 协協 单單 卫衛 厂廠 历歷 压壓 县縣 参參 双雙 变變 叶葉 号號 叹嘆 吗嗎 听聽"
    " 启啟 员員 围圍 图圖 圆圓 圣聖 块塊 坚堅 坏壞 垒壘 处處 备備 复復 头頭 夺奪 奋奮 妇婦 姗姍 孙孫 宁寧 宝寶"
    " 实實 审審 宪憲 宽寬 对對 寻尋 导導 层層 岁歲 岛島 币幣 师師 带帶 帮幫 广廣 庆慶 库庫 应應 废廢 开開 异異"
    " 弃棄 张張 强強 归歸 录錄 彻徹 径徑 忆憶 态態 总總 恶惡 惊驚 战戰 户戶 扩擴 执執 扫掃 扬揚 护護 报報 担擔"
    " 拟擬 择擇 换換 损損 据據 携攜 摄攝 数數 无無 旧舊 时時 显顯 术術 机機 杂雜 权權 条條 来來 杨楊 极極 构構"
    " 标標 样樣 档檔 桥橋 梦夢 检檢 楼樓 欢歡 毕畢 气氣 汇匯 汉漢 沟溝 没沒 泽澤 洁潔 测測 济濟 浅淺 涨漲"
    " 温溫 湾灣 满滿 灭滅 灵靈 炼煉 点點 热熱 爱愛 犹猶 独獨 环環 现現 电電 画畫 畅暢 疗療 盘盤 监監 码碼 础礎"
    " 确確 种種 称稱 积積 稳穩 竞競 笔筆 签簽 简簡 类類 级級 纪紀 约約 纳納 纸紙 线線 练練 组組 细細 终終 经經"
    " 结結 绝絕 给給 统統 继繼 绩績 续續 维維 综綜 网網 罗羅 职職 联聯 肃肅 脑腦 节節 艺藝 药藥 营營 虑慮 补補"
    " 观觀 规規 视視 览覽 觉覺 计計 订訂 认認 讨討 让讓 议議 记記 讲講 许許 论論 设設 访訪 证證 评評 识識 诉訴"
    " 词詞 试試 话話 询詢 该該 详詳 语語 误誤 说說 请請 读讀 谁誰 调調 谈談 谢謝 贝貝 负負 财財 责責 败敗 货貨"
    " 质質 购購 贸貿 费費 资資 赛賽 赞贊 赢贏 车車 轮輪 软軟 转轉 轻輕 较較 输輸 办辦 边邊 达達 运運 还還 这這"
    " 进進 远遠 连連 选選 递遞 适適 邮郵 释釋 钟鐘 钱錢 铁鐵 银銀 链鏈 销銷 锁鎖 错錯 镇鎮 长長 门門 闭閉 问問"
    " 闻聞 阳陽 阶階 际際 险險 随隨 难難 页頁 项項 须須 顾顧 预預 领領 题題 风風 飞飛 馆館 马馬 验驗 鱼魚 鸟鳥"
    " 黄黃 齐齊 龙龍 亏虧 举舉 严嚴 丰豐 临臨 丽麗 乱亂 争爭 "
)
_SIMPLIFIED_ONLY = frozenset(pair[0] for pair in _PAIRS.split())
_TRADITIONAL_ONLY = frozenset(pair[1] for pair in _PAIRS.split())
_TRADITIONAL_REGIONS = {"tw", "hk", "mo"}
_HOLD_SHARE = 0.3
_HOLD_COUNT = 3


def expects_traditional(tag: str) -> bool:
    """Whether a Chinese BCP 47 tag calls for Traditional script."""
    subtags = [s.lower() for s in tag.replace("_", "-").split("-")[1:]]
    if "hant" in subtags:
        return True
    if "hans" in subtags:
        return False
    return any(s in _TRADITIONAL_REGIONS for s in subtags)


@dataclass(frozen=True)
class ChineseScriptCheck:
    """Characters of the other Chinese script."""

    name: str = "chinese_script"

    def run(self, pair: TranslationPair) -> list[Finding]:
        if pair.target_primary != "zh":
            return []
        traditional = expects_traditional(pair.target_lang)
        wrong_set, right_set = (
            (_SIMPLIFIED_ONLY, _TRADITIONAL_ONLY) if traditional else (_TRADITIONAL_ONLY, _SIMPLIFIED_ONLY)
        )
        wrong = [i for i, ch in enumerate(pair.target) if ch in wrong_set]
        if not wrong:
            return []
        right = sum(1 for ch in pair.target if ch in right_set)
        share = len(wrong) / (len(wrong) + right)
        expected, other = ("Traditional", "Simplified") if traditional else ("Simplified", "Traditional")
        sample = "".join(dict.fromkeys(pair.target[i] for i in wrong))[:12]
        severity = Severity.HOLD if len(wrong) >= _HOLD_COUNT and share >= _HOLD_SHARE else Severity.WARN
        return [
            Finding(
                self.name,
                severity,
                f"{pair.target_lang} expects {expected} script, but {len(wrong)} characters ({share:.0%} of the "
                f"script-specific ones) are {other}: {sample}",
                wrong[0],
                wrong[-1] + 1,
            )
        ]


check = ChineseScriptCheck()
