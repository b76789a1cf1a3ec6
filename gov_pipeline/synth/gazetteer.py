"""A small gazetteer of real place names (facts), used to invent agencies.

Each line: province|abbreviation|city|county,county,...
Municipalities (北京/上海/天津/重庆) list the municipality as its own city.
"""
from __future__ import annotations

MUNICIPALITIES = ("北京市", "上海市", "天津市", "重庆市")

_DATA = """\
湖北省|鄂|武汉市|江夏区,黄陂区,新洲区
湖北省|鄂|宜昌市|夷陵区,秭归县,长阳土家族自治县
湖北省|鄂|襄阳市|襄州区,南漳县
四川省|川|成都市|双流区,龙泉驿区
四川省|川|绵阳市|涪城区,三台县
四川省|川|乐山市|峨边彝族自治县,夹江县
内蒙古自治区|蒙|鄂尔多斯市|东胜区,准格尔旗,伊金霍洛旗
内蒙古自治区|蒙|呼伦贝尔市|鄂温克族自治旗,陈巴尔虎旗
北京市|京|北京市|怀柔区,海淀区,朝阳区
上海市|沪|上海市|浦东新区,闵行区,嘉定区
天津市|津|天津市|和平区,西青区
重庆市|渝|重庆市|渝中区,万州区
河南省|豫|许昌市|魏都区,禹州市
河南省|豫|郑州市|金水区,中牟县
河南省|豫|洛阳市|栾川县,嵩县
广东省|粤|广州市|天河区,越秀区
广东省|粤|深圳市|福田区,南山区
广东省|粤|韶关市|乳源瑶族自治县,仁化县
江苏省|苏|南京市|玄武区,江宁区
江苏省|苏|苏州市|吴中区,昆山市
江苏省|苏|无锡市|江阴市,宜兴市
浙江省|浙|杭州市|西湖区,桐庐县
浙江省|浙|宁波市|鄞州区,象山县
浙江省|浙|温州市|乐清市,永嘉县
山东省|鲁|济南市|历下区,平阴县
山东省|鲁|青岛市|黄岛区,胶州市
山东省|鲁|潍坊市|寿光市,临朐县
陕西省|陕|西安市|雁塔区,周至县
陕西省|陕|宝鸡市|眉县,陇县
甘肃省|甘|定西市|安定区,通渭县
甘肃省|甘|兰州市|城关区,榆中县
福建省|闽|莆田市|城厢区,仙游县
福建省|闽|福州市|鼓楼区,闽侯县
湖南省|湘|长沙市|岳麓区,浏阳市
湖南省|湘|湘西土家族苗族自治州|吉首市,凤凰县
江西省|赣|南昌市|东湖区,进贤县
江西省|赣|赣州市|瑞金市,于都县
安徽省|皖|合肥市|蜀山区,肥西县
安徽省|皖|黄山市|歙县,黟县
河北省|冀|石家庄市|长安区,正定县
河北省|冀|保定市|涞水县,阜平县
山西省|晋|太原市|小店区,清徐县
山西省|晋|大同市|广灵县,天镇县
辽宁省|辽|沈阳市|和平区,法库县
辽宁省|辽|大连市|庄河市,长海县
吉林省|吉|长春市|南关区,农安县
吉林省|吉|延边朝鲜族自治州|延吉市,珲春市
黑龙江省|黑|哈尔滨市|道里区,五常市
黑龙江省|黑|大庆市|萨尔图区,林甸县
广西壮族自治区|桂|南宁市|青秀区,宾阳县
广西壮族自治区|桂|桂林市|阳朔县,龙胜各族自治县
云南省|云|昆明市|五华区,石林彝族自治县
云南省|云|大理白族自治州|大理市,宾川县
贵州省|黔|贵阳市|南明区,开阳县
贵州省|黔|遵义市|仁怀市,湄潭县
海南省|琼|海口市|美兰区,龙华区
宁夏回族自治区|宁|银川市|兴庆区,永宁县
宁夏回族自治区|宁|石嘴山市|平罗县
新疆维吾尔自治区|新|乌鲁木齐市|天山区,米东区
新疆维吾尔自治区|新|昌吉回族自治州|昌吉市,阜康市
青海省|青|西宁市|城中区,湟源县
西藏自治区|藏|拉萨市|城关区,林周县
"""


def _parse():
    rows = []
    for line in _DATA.splitlines():
        prov, abbr, city, counties = line.split("|")
        rows.append((prov, abbr, city, tuple(counties.split(","))))
    return tuple(rows)


CITIES = _parse()  # (province, abbr, city, counties)
PROVINCES = tuple(dict.fromkeys((p, a) for p, a, _, _ in CITIES if p not in MUNICIPALITIES))
TRIPLES = tuple((p, c, k) for p, _, c, ks in CITIES for k in ks)
ABBR = {p: a for p, a, _, _ in CITIES}

# Bureaus other than the environmental one (generate(..., bureau=...)): the function word of the name, written
# between the place and 局 (厅 at province level), and the key's domain is that word. A national corpus has
# thousands of distinct agencies; the gazetteer's places times these functions give the bench that many.
BUREAUS = (
    "水务", "自然资源", "住房和城乡建设", "交通运输", "农业农村", "教育", "民政", "财政", "人力资源和社会保障",
    "商务", "文化和旅游", "应急管理", "市场监督管理", "统计", "审计", "林业", "司法", "工业和信息化", "科学技术",
    "退役军人事务", "医疗保障", "体育", "城市管理", "气象", "粮食和物资储备", "地方金融监督管理",
)
