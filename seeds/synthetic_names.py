"""Vocabulary of the synthetic province (seeds/synthetic.py): place names, departments, work.

Everything here is fictional but shaped like the seed documents: governments at four levels,
their departments with the 条 line between levels, ledger categories per field and task
titles made of a measure and its object.
"""

from __future__ import annotations

import random

from models.enums import PlanField

# Syllables of place names; two (or three, when two run out) make a name.
SYLLABLES = (
    "东西南北安平宁和兴隆泰丰华永长清泉山河阳城川源石桥林湖岭溪江定昌盛德明光新金凤龙云台"
    "庄关沁陵原武汾潞襄翼绛霍介孝晋汉宜崇信义仁礼乐嘉福寿康惠通顺峰沙柳榆桃杏枣松柏梅竹"
)

PROVINCE_NAME = "河东省"

# (key, province name, city name, district name, alias suffix): None where a level has none.
# The first entries are the ones every level keeps when the budget of units is small.
DEPARTMENTS: tuple[tuple[str, str | None, str | None, str | None, str | None], ...] = (
    ("eco", "生态环境厅", "生态环境局", "生态环境分局", None),
    ("office", "人民政府办公厅", "人民政府办公室", "人民政府办公室", "政府办"),
    ("dev", "发展和改革委员会", "发展和改革委员会", "发展和改革局", "发改局"),
    ("housing", "住房和城乡建设厅", "住房和城乡建设局", "住房和城乡建设局", "住建局"),
    ("urban", None, "城市管理局", "城市管理局", "城管局"),
    ("industry", "工业和信息化厅", "工业和信息化局", "工业和信息化局", "工信局"),
    ("transport", "交通运输厅", "交通运输局", "交通运输局", "交通局"),
    ("water", "水利厅", "水务局", "水务局", None),
    ("agri", "农业农村厅", "农业农村局", "农业农村局", "农业局"),
    ("natres", "自然资源厅", "规划和自然资源局", "规划和自然资源分局", "自然资源局"),
    ("police", "公安厅", "公安局", "公安分局", None),
    ("market", "市场监督管理局", "市场监督管理局", "市场监督管理局", "市场监管局"),
    ("emergency", "应急管理厅", "应急管理局", "应急管理局", "应急局"),
    ("finance", "财政厅", "财政局", "财政局", None),
    ("commerce", "商务厅", "商务局", "商务局", None),
    ("forestry", "林业和草原局", "林业局", "林业局", None),
    ("energy", "能源局", "能源局", "能源局", None),
    ("health", "卫生健康委员会", "卫生健康委员会", "卫生健康局", "卫健局"),
    ("education", "教育厅", "教育局", "教育局", None),
    ("hr", "人力资源和社会保障厅", "人力资源和社会保障局", "人力资源和社会保障局", "人社局"),
    ("civil", "民政厅", "民政局", "民政局", None),
    ("culture", "文化和旅游厅", "文化和旅游局", "文化和旅游局", "文旅局"),
    ("audit", "审计厅", "审计局", "审计局", None),
    ("approval", "行政审批服务管理局", "行政审批服务管理局", "行政审批服务管理局", "审批局"),
    ("weather", "气象局", "气象局", "气象局", None),
    ("stats", "统计局", "统计局", "统计局", None),
    ("justice", "司法厅", "司法局", "司法局", None),
    ("science", "科学技术厅", "科学技术局", "科学技术局", "科技局"),
    ("sasac", "国有资产监督管理委员会", "国有资产监督管理委员会", None, "国资委"),
    ("medical", "医疗保障局", "医疗保障局", "医疗保障局", "医保局"),
    ("veterans", "退役军人事务厅", "退役军人事务局", "退役军人事务局", None),
    ("petition", "信访局", "信访局", "信访局", None),
    ("grain", "粮食和物资储备局", "粮食和物资储备中心", None, None),
    ("sports", "体育局", "体育局", None, None),
    ("rural", "乡村振兴局", "乡村振兴局", "乡村振兴局", None),
    ("quake", "地震局", "地震局", None, None),
    ("coop", "供销合作社", "供销合作社", "供销合作社", "供销社"),
    ("affairs", "机关事务管理局", "机关事务管理局", "机关事务服务中心", None),
    ("media", None, "融媒体中心", "融媒体中心", None),
    ("supervision", "人民政府督查室", "人民政府督查室", "人民政府督查室", "督查室"),
    ("mine", "矿山安全监察局", None, None, None),
    ("archives", "档案局", "档案馆", None, None),
)

INDUSTRIES = (
    "钢铁",
    "焦化",
    "水泥",
    "煤业",
    "化工",
    "电力",
    "铸造",
    "建材",
    "陶瓷",
    "制药",
    "环保",
    "物流",
)

TOWN_SUFFIXES = (("镇", 55), ("乡", 20), ("街道", 25))

# 任务类别 per field, in ledger order.
CATEGORIES: dict[PlanField, tuple[str, ...]] = {
    PlanField.AIR: (
        "产业结构调整",
        "能源结构调整",
        "交通运输结构调整",
        "工业污染治理",
        "扬尘污染治理",
        "面源污染治理",
        "重污染天气应对",
        "监管能力建设",
    ),
    PlanField.WATER: (
        "水资源保护",
        "城镇污水治理",
        "工业废水治理",
        "农业农村污染治理",
        "河湖生态修复",
        "饮用水水源保护",
    ),
    PlanField.SOIL: (
        "土壤污染源头防控",
        "建设用地风险管控",
        "农用地安全利用",
        "固体废物治理",
        "地下水污染防治",
    ),
}

PLAN_TITLES = {
    PlanField.AIR: "大气污染防治行动计划",
    PlanField.WATER: "水污染防治行动计划",
    PlanField.SOIL: "土壤污染防治行动计划",
}

VERBS = (
    "推进",
    "完成",
    "开展",
    "加强",
    "实施",
    "深化",
    "严格落实",
    "全面排查",
    "持续推进",
    "建立健全",
)

OBJECTS: dict[PlanField, tuple[str, ...]] = {
    PlanField.AIR: (
        "燃煤锅炉淘汰",
        "焦化企业超低排放改造",
        "散煤清洁化替代",
        "建筑工地扬尘管控",
        "渣土车密闭运输管理",
        "重型柴油车尾气检测",
        "餐饮油烟治理",
        "秸秆禁烧巡查",
        "挥发性有机物综合治理",
        "重污染天气应急减排清单修订",
        "道路机械化清扫",
        "露天焚烧专项整治",
        "工业炉窑深度治理",
        "清洁取暖改造",
    ),
    PlanField.WATER: (
        "城镇污水处理厂提标改造",
        "雨污分流管网建设",
        "入河排污口排查整治",
        "黑臭水体治理",
        "农村生活污水治理",
        "畜禽养殖粪污资源化利用",
        "饮用水水源地规范化建设",
        "河道垃圾清理",
        "工业园区污水集中处理",
        "河长制巡河",
    ),
    PlanField.SOIL: (
        "重点监管单位土壤隐患排查",
        "污染地块风险管控",
        "受污染耕地安全利用",
        "工业固体废物堆存场所整治",
        "危险废物规范化管理",
        "农膜回收",
        "化肥农药减量增效",
        "地下水监测井建设",
        "尾矿库污染治理",
    ),
}

REPORT_PHRASES = (
    "已制定工作方案并召开部署会",
    "完成现场排查，建立问题清单",
    "整改工作按计划推进",
    "已完成阶段性目标",
    "组织开展专项检查",
    "已下达整改通知书",
    "完成年度任务量的大部分",
    "已通过验收",
)

FINDING_TEXTS = (
    "部分企业大气污染防治设施运行不正常",
    "城市建成区黑臭水体反弹",
    "工业固体废物违规堆存问题突出",
    "建筑工地扬尘管控措施落实不到位",
    "污水处理厂超标排放",
    "饮用水水源保护区内存在违法建筑",
    "重点行业超低排放改造进度滞后",
    "秸秆露天焚烧问题时有发生",
    "河道两岸垃圾堆放问题整改不彻底",
    "矿山生态修复工作推进缓慢",
)


class NamePool:
    """Unique place names from the syllables, drawn with a seeded generator."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.used: set[str] = {PROVINCE_NAME}

    def take(self, suffix: str) -> str:
        """A name ending in `suffix` that no unit has yet."""
        for length in (2, 2, 2, 2, 2, 2, 3, 3, 3, 3, 4):
            base = "".join(self.rng.choice(SYLLABLES) for _ in range(length))
            name = base + suffix
            if name not in self.used:
                self.used.add(name)
                return name
        # Practically unreachable: a numbered name is still unique.
        name = f"{self.rng.choice(SYLLABLES)}{len(self.used)}{suffix}"
        self.used.add(name)
        return name

    def reserve(self, name: str) -> str:
        """Mark a composed name (a department's) as used; it must be new."""
        if name in self.used:
            raise ValueError(f"duplicate unit name {name}")
        self.used.add(name)
        return name


def weighted_choice(rng: random.Random, options: tuple[tuple[str, int], ...]) -> str:
    """One option by integer weight."""
    total = sum(w for _, w in options)
    pick = rng.randrange(total)
    for value, weight in options:
        pick -= weight
        if pick < 0:
            return value
    return options[-1][0]
