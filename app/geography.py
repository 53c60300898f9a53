"""Countries, Chinese provinces and the region derived from them (one function: derive_region).

China is grouped as the national statistics bureau does (east, central, west, northeast), with Hong Kong,
Macao and Taiwan as their own group; every other country falls in its continent.
"""

import string

from app.errors import InvalidValue
from app.i18n import N_
from app.models.vocab import Region

_CONTINENTS = {
    Region.asia: "AE AF AM AZ BD BH BN BT CN CY GE HK ID IL IN IO IQ IR JO JP KG KH KP KR KW KZ LA LB LK MM MN MO "
    "MV MY NP OM PH PK PS QA SA SG SY TH TJ TL TM TR TW UZ VN YE",
    Region.europe: "AD AL AT AX BA BE BG BY CH CZ DE DK EE ES FI FO FR GB GG GI GR HR HU IE IM IS IT JE LI LT LU "
    "LV MC MD ME MK MT NL NO PL PT RO RS RU SE SI SJ SK SM UA VA",
    Region.north_america: "AG AI AW BB BL BM BQ BS BZ CA CR CU CW DM DO GD GL GP GT HN HT JM KN KY LC MF MQ MS "
    "MX NI PA PM PR SV SX TC TT US VC VG VI",
    Region.south_america: "AR BO BR CL CO EC FK GF GY PE PY SR UY VE",
    Region.africa: "AO BF BI BJ BW CD CF CG CI CM CV DJ DZ EG EH ER ET GA GH GM GN GQ GW KE KM LR LS LY MA MG ML "
    "MR MU MW MZ NA NE NG RE RW SC SD SH SL SN SO SS ST SZ TD TG TN TZ UG YT ZA ZM ZW",
    Region.oceania: "AS AU CC CK CX FJ FM GU KI MH MP NC NF NR NU NZ PF PG PN PW SB TK TO TV UM VU WF WS",
    Region.antarctica: "AQ BV GS HM TF",
}
COUNTRY_CONTINENT: dict[str, Region] = {
    code: continent for continent, codes in _CONTINENTS.items() for code in codes.split()
}

# ISO 3166-2:CN code → (English name, Chinese name, region)
CN_PROVINCES: dict[str, tuple[str, str, Region]] = {
    "CN-BJ": ("Beijing", "北京", Region.east),
    "CN-TJ": ("Tianjin", "天津", Region.east),
    "CN-HE": ("Hebei", "河北", Region.east),
    "CN-SH": ("Shanghai", "上海", Region.east),
    "CN-JS": ("Jiangsu", "江苏", Region.east),
    "CN-ZJ": ("Zhejiang", "浙江", Region.east),
    "CN-FJ": ("Fujian", "福建", Region.east),
    "CN-SD": ("Shandong", "山东", Region.east),
    "CN-GD": ("Guangdong", "广东", Region.east),
    "CN-HI": ("Hainan", "海南", Region.east),
    "CN-SX": ("Shanxi", "山西", Region.central),
    "CN-AH": ("Anhui", "安徽", Region.central),
    "CN-JX": ("Jiangxi", "江西", Region.central),
    "CN-HA": ("Henan", "河南", Region.central),
    "CN-HB": ("Hubei", "湖北", Region.central),
    "CN-HN": ("Hunan", "湖南", Region.central),
    "CN-NM": ("Inner Mongolia", "内蒙古", Region.west),
    "CN-GX": ("Guangxi", "广西", Region.west),
    "CN-CQ": ("Chongqing", "重庆", Region.west),
    "CN-SC": ("Sichuan", "四川", Region.west),
    "CN-GZ": ("Guizhou", "贵州", Region.west),
    "CN-YN": ("Yunnan", "云南", Region.west),
    "CN-XZ": ("Tibet", "西藏", Region.west),
    "CN-SN": ("Shaanxi", "陕西", Region.west),
    "CN-GS": ("Gansu", "甘肃", Region.west),
    "CN-QH": ("Qinghai", "青海", Region.west),
    "CN-NX": ("Ningxia", "宁夏", Region.west),
    "CN-XJ": ("Xinjiang", "新疆", Region.west),
    "CN-LN": ("Liaoning", "辽宁", Region.northeast),
    "CN-JL": ("Jilin", "吉林", Region.northeast),
    "CN-HL": ("Heilongjiang", "黑龙江", Region.northeast),
    "CN-HK": ("Hong Kong", "香港", Region.hk_macao_taiwan),
    "CN-MO": ("Macao", "澳门", Region.hk_macao_taiwan),
    "CN-TW": ("Taiwan", "台湾", Region.hk_macao_taiwan),
}

# Cities where members are likely to post jobs, so that a job's region can be told from its city.
_CN_CITIES = {
    "CN-BJ": "beijing 北京", "CN-TJ": "tianjin 天津", "CN-SH": "shanghai 上海", "CN-CQ": "chongqing 重庆",
    "CN-HE": "shijiazhuang 石家庄 baoding 保定 tangshan 唐山 langfang 廊坊",
    "CN-JS": "nanjing 南京 suzhou 苏州 wuxi 无锡 changzhou 常州 nantong 南通 yangzhou 扬州 xuzhou 徐州",
    "CN-ZJ": "hangzhou 杭州 ningbo 宁波 wenzhou 温州 jiaxing 嘉兴 shaoxing 绍兴 huzhou 湖州",
    "CN-FJ": "fuzhou 福州 xiamen 厦门 quanzhou 泉州",
    "CN-SD": "jinan 济南 qingdao 青岛 yantai 烟台 weifang 潍坊",
    "CN-GD": "guangzhou 广州 shenzhen 深圳 dongguan 东莞 foshan 佛山 zhuhai 珠海 huizhou 惠州",
    "CN-HI": "haikou 海口 sanya 三亚",
    "CN-SX": "taiyuan 太原 datong 大同",
    "CN-AH": "hefei 合肥 wuhu 芜湖 bengbu 蚌埠",
    "CN-JX": "nanchang 南昌 ganzhou 赣州",
    "CN-HA": "zhengzhou 郑州 luoyang 洛阳 kaifeng 开封",
    "CN-HB": "wuhan 武汉 yichang 宜昌 xiangyang 襄阳",
    "CN-HN": "changsha 长沙 zhuzhou 株洲 xiangtan 湘潭",
    "CN-NM": "hohhot 呼和浩特 baotou 包头",
    "CN-GX": "nanning 南宁 guilin 桂林 liuzhou 柳州",
    "CN-SC": "chengdu 成都 mianyang 绵阳",
    "CN-GZ": "guiyang 贵阳 zunyi 遵义",
    "CN-YN": "kunming 昆明",
    "CN-XZ": "lhasa 拉萨",
    "CN-SN": "xi'an xian 西安 baoji 宝鸡",
    "CN-GS": "lanzhou 兰州",
    "CN-QH": "xining 西宁",
    "CN-NX": "yinchuan 银川",
    "CN-XJ": "urumqi 乌鲁木齐",
    "CN-LN": "shenyang 沈阳 dalian 大连 anshan 鞍山",
    "CN-JL": "changchun 长春 jilin 吉林市",
    "CN-HL": "harbin 哈尔滨 daqing 大庆",
}
CN_CITY_PROVINCE: dict[str, str] = {city: code for code, cities in _CN_CITIES.items() for city in cities.split()}


def _city_names() -> dict[str, tuple[str, str]]:
    """City → (English, Chinese), from the table above (each Chinese name follows its English ones)."""
    names: dict[str, tuple[str, str]] = {}
    for cities in _CN_CITIES.values():
        english: list[str] = []
        for token in cities.split():
            if token.isascii():
                english.append(token)
                continue
            shown = string.capwords(english[0]) if english else token
            for name in english:
                names[name] = (shown, token)
            names[token] = (shown, token)
            english = []
    return names


# Places abroad where members are: their Chinese names, for Chinese pages.
_ABROAD_ZH = {
    "amsterdam": "阿姆斯特丹", "berlin": "柏林", "boston": "波士顿", "boulder": "博尔德", "brussels": "布鲁塞尔",
    "cambridge": "剑桥", "daejeon": "大田", "delft": "代尔夫特", "geneva": "日内瓦", "hong kong": "香港",
    "kyoto": "京都", "london": "伦敦", "munich": "慕尼黑", "new york": "纽约", "oxford": "牛津", "paris": "巴黎",
    "san francisco": "旧金山", "seoul": "首尔", "singapore": "新加坡", "sydney": "悉尼", "taipei": "台北",
    "tokyo": "东京", "toronto": "多伦多", "vienna": "维也纳", "waterloo": "滑铁卢", "zurich": "苏黎世",
}
CITY_NAMES = _city_names() | {city: (string.capwords(city), zh) for city, zh in _ABROAD_ZH.items()}


def place_name(city: str | None, language: str) -> str:
    """A city as the reader would write it (合肥 on Chinese pages, Hefei on English ones); unknown as typed."""
    if not city:
        return ""
    names = CITY_NAMES.get(city.strip().lower()) or CITY_NAMES.get(city.strip())
    if names is None:
        return city
    return names[1] if language == "zh" else names[0]


def is_country(code: str | None) -> bool:
    return code in COUNTRY_CONTINENT


def province_of_city(city: str | None) -> str | None:
    """The ISO code of the Chinese province a known city lies in, else None."""
    if not city:
        return None
    key = city.strip().lower().removesuffix(" city").removesuffix("市")
    return CN_CITY_PROVINCE.get(key) or CN_CITY_PROVINCE.get(city.strip())


def derive_region(country: str, province: str | None = None) -> Region:
    """The region of a place. China needs its province; elsewhere the province is ignored.

    Raises ValueError with a message naming the field when the place cannot be placed.
    """
    if country not in COUNTRY_CONTINENT:
        raise InvalidValue(N_("'{value}' is not an ISO 3166-1 alpha-2 code"), field="country", value=country)
    if country != "CN":
        return COUNTRY_CONTINENT[country]
    if not province:
        raise InvalidValue(N_("required for an organisation in China (an ISO 3166-2 code such as CN-AH)"),
                           field="province")
    if province not in CN_PROVINCES:
        raise InvalidValue(N_("'{value}' is not an ISO 3166-2 code of a Chinese province"), field="province",
                           value=province)
    return CN_PROVINCES[province][2]
