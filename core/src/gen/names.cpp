#include "names.hpp"

#include <array>

namespace staffchain::gen::detail {
namespace {

using model::UnitKind;
using sv = std::string_view;

constexpr std::array<sv, 2> kHailar{"奋斗镇", "哈克镇"};
constexpr std::array<sv, 1> kJalainur{"灵泉镇"};
constexpr std::array<sv, 8> kArun{"那吉镇", "六合镇", "亚东镇", "霍尔奇镇", "向阳峪镇", "三岔河镇", "复兴镇", "音河乡"};
constexpr std::array<sv, 6> kMorin{"尼尔基镇", "红彦镇", "宝山镇", "哈达阳镇", "汉古尔河镇", "西瓦尔图镇"};
constexpr std::array<sv, 5> kOroqen{"阿里河镇", "大杨树镇", "乌鲁布铁镇", "甘河镇", "吉文镇"};
constexpr std::array<sv, 4> kEwenki{"巴彦托海镇", "大雁镇", "伊敏河镇", "红花尔基镇"};
constexpr std::array<sv, 3> kChenBarag{"巴彦库仁镇", "宝日希勒镇", "呼和诺尔镇"};
constexpr std::array<sv, 2> kXinZuo{"阿木古郎镇", "嵯岗镇"};
constexpr std::array<sv, 3> kXinYou{"阿拉坦额莫勒镇", "阿日哈沙特镇", "呼伦镇"};
constexpr std::array<sv, 1> kManzhouli{"新开河镇"};
constexpr std::array<sv, 5> kYakeshi{"免渡河镇", "博克图镇", "乌尔其汉镇", "库都尔镇", "图里河镇"};
constexpr std::array<sv, 5> kZalantun{"卧牛河镇", "成吉思汗镇", "大河湾镇", "浩饶山镇", "柴河镇"};
constexpr std::array<sv, 3> kErgun{"黑山头镇", "室韦镇", "三河回族乡"};
constexpr std::array<sv, 4> kGenhe{"金河镇", "阿龙山镇", "满归镇", "得耳布尔镇"};

const std::array<RegionInfo, 15> kRegions{{
    {"150700", "呼伦贝尔市", "呼编发", 0.19, {}},
    {"150702", "海拉尔区", "海区编发", 0.09, kHailar},
    {"150703", "扎赉诺尔区", "扎区编发", 0.03, kJalainur},
    {"150721", "阿荣旗", "阿编发", 0.07, kArun},
    {"150722", "莫力达瓦达斡尔族自治旗", "莫编发", 0.07, kMorin},
    {"150723", "鄂伦春自治旗", "鄂伦春编发", 0.06, kOroqen},
    {"150724", "鄂温克族自治旗", "鄂温克编发", 0.04, kEwenki},
    {"150725", "陈巴尔虎旗", "陈编发", 0.03, kChenBarag},
    {"150726", "新巴尔虎左旗", "新左编发", 0.03, kXinZuo},
    {"150727", "新巴尔虎右旗", "新右编发", 0.03, kXinYou},
    {"150781", "满洲里市", "满编发", 0.06, kManzhouli},
    {"150782", "牙克石市", "牙编发", 0.08, kYakeshi},
    {"150783", "扎兰屯市", "扎编发", 0.09, kZalantun},
    {"150784", "额尔古纳市", "额编发", 0.04, kErgun},
    {"150785", "根河市", "根编发", 0.04, kGenhe},
}};

constexpr UnitKind kOrgan = UnitKind::organ;
constexpr UnitKind kCsm = UnitKind::civil_service_managed;
constexpr UnitKind kPw1 = UnitKind::public_welfare_1;
constexpr UnitKind kPw2 = UnitKind::public_welfare_2;
constexpr UnitKind kBiz = UnitKind::business;

const std::array<UnitTemplate, 48> kRegionTemplates{{
    {"人民政府办公室", kOrgan, false, false, 1.0, Parent::none, Parent::none},
    {"第一中学", kPw1, false, false, 2.6, Parent::education, Parent::none},
    {"教育局", kOrgan, false, false, 0.8, Parent::none, Parent::education},
    {"人民医院", kPw2, false, false, 4.0, Parent::health, Parent::none},
    {"社会保险事业管理中心", kCsm, false, false, 0.9, Parent::hrss, Parent::none},
    {"公安局", kOrgan, true, false, 4.0, Parent::none, Parent::none},
    {"国有林场", kBiz, false, false, 1.2, Parent::forestry, Parent::none},
    {"卫生健康委员会", kOrgan, false, false, 0.6, Parent::none, Parent::health},
    {"实验小学", kPw1, false, false, 2.0, Parent::education, Parent::none},
    {"人力资源和社会保障局", kOrgan, false, false, 0.8, Parent::none, Parent::hrss},
    {"广播电视台", kPw2, false, false, 1.2, Parent::culture, Parent::none},
    {"财政局", kOrgan, false, false, 0.9, Parent::none, Parent::none},
    {"人民法院", kOrgan, true, false, 2.0, Parent::none, Parent::none},
    {"林业和草原局", kOrgan, false, false, 0.7, Parent::none, Parent::forestry},
    {"人民检察院", kOrgan, true, false, 1.4, Parent::none, Parent::none},
    {"疾病预防控制中心", kPw1, false, false, 1.0, Parent::health, Parent::none},
    {"文化旅游体育局", kOrgan, false, false, 0.6, Parent::none, Parent::culture},
    {"住房公积金管理中心", kCsm, false, false, 0.6, Parent::none, Parent::none},
    {"农牧局", kOrgan, false, false, 0.7, Parent::none, Parent::agriculture},
    {"第二中学", kPw1, false, false, 2.2, Parent::education, Parent::none},
    {"司法局", kOrgan, true, false, 0.7, Parent::none, Parent::none},
    {"宾馆", kBiz, false, false, 0.6, Parent::none, Parent::none},
    {"机构编制委员会办公室", kOrgan, false, false, 0.3, Parent::none, Parent::none},
    {"中蒙医院", kPw2, false, false, 2.4, Parent::health, Parent::none},
    {"党委组织部", kOrgan, false, false, 0.5, Parent::none, Parent::none},
    {"总工会", kOrgan, false, true, 0.3, Parent::none, Parent::none},
    {"第一小学", kPw1, false, false, 1.8, Parent::education, Parent::none},
    {"民政局", kOrgan, false, false, 0.6, Parent::none, Parent::none},
    {"农牧业技术推广中心", kPw1, false, false, 0.7, Parent::agriculture, Parent::none},
    {"妇女联合会", kOrgan, false, true, 0.2, Parent::none, Parent::none},
    {"自然资源局", kOrgan, false, false, 0.7, Parent::none, Parent::none},
    {"中心幼儿园", kPw1, false, false, 0.8, Parent::education, Parent::none},
    {"住房和城乡建设局", kOrgan, false, false, 0.7, Parent::none, Parent::none},
    {"妇幼保健院", kPw2, false, false, 1.2, Parent::health, Parent::none},
    {"交通运输局", kOrgan, false, false, 0.6, Parent::none, Parent::none},
    {"共青团委员会", kOrgan, false, true, 0.2, Parent::none, Parent::none},
    {"市场监督管理局", kOrgan, false, false, 1.0, Parent::none, Parent::none},
    {"图书馆", kPw1, false, false, 0.4, Parent::culture, Parent::none},
    {"水利局", kOrgan, false, false, 0.5, Parent::none, Parent::none},
    {"审计局", kOrgan, false, false, 0.4, Parent::none, Parent::none},
    {"动物疫病预防控制中心", kPw1, false, false, 0.5, Parent::agriculture, Parent::none},
    {"统计局", kOrgan, false, false, 0.3, Parent::none, Parent::none},
    {"应急管理局", kOrgan, false, false, 0.4, Parent::none, Parent::none},
    {"档案馆", kPw1, false, false, 0.3, Parent::none, Parent::none},
    {"退役军人事务局", kOrgan, false, false, 0.3, Parent::none, Parent::none},
    {"种畜场", kBiz, false, false, 0.8, Parent::agriculture, Parent::none},
    {"医疗保障局", kOrgan, false, false, 0.4, Parent::none, Parent::none},
    {"发展和改革委员会", kOrgan, false, false, 0.6, Parent::none, Parent::none},
}};

const std::array<UnitTemplate, 4> kTownshipTemplates{{
    {"人民政府", kOrgan, false, false, 1.2, Parent::none, Parent::township},
    {"中心学校", kPw1, false, false, 1.5, Parent::education, Parent::none},
    {"卫生院", kPw1, false, false, 1.0, Parent::health, Parent::none},
    {"农牧业和社会事业综合服务中心", kPw1, false, false, 0.6, Parent::township, Parent::none},
}};

const std::array<UnitTemplate, 4> kNumberedTemplates{{
    {"第{}小学", kPw1, false, false, 1.6, Parent::education, Parent::none},
    {"第{}中学", kPw1, false, false, 2.0, Parent::education, Parent::none},
    {"第{}幼儿园", kPw1, false, false, 0.7, Parent::education, Parent::none},
    {"第{}社区卫生服务中心", kPw1, false, false, 0.5, Parent::health, Parent::none},
}};

// Weighted by frequency: common surnames repeat.
constexpr std::array<sv, 80> kSurnames{
    "王", "王", "王", "李", "李", "李", "张", "张", "张", "刘", "刘", "陈", "陈", "杨", "杨", "赵",
    "赵", "黄", "周", "吴", "徐", "孙", "孙", "胡", "朱", "高", "林", "何", "郭", "马", "马", "罗",
    "梁", "宋", "郑", "谢", "韩", "唐", "冯", "于", "于", "董", "萧", "程", "曹", "袁", "邓", "许",
    "傅", "沈", "曾", "彭", "吕", "苏", "卢", "蒋", "蔡", "贾", "丁", "魏", "薛", "叶", "阎", "余",
    "潘", "杜", "戴", "夏", "钟", "汪", "田", "任", "姜", "范", "方", "石", "姚", "谭", "敖", "白"};
constexpr std::array<sv, 48> kMaleGiven{"伟", "强", "磊", "军", "勇", "杰", "涛", "斌", "超", "明", "刚", "平",
                                        "辉", "鹏", "华", "飞", "鑫", "波", "宇", "浩", "凯", "健", "俊", "帆",
                                        "帅", "旭", "宁", "龙", "林", "阳", "建", "国", "志", "海", "东", "峰",
                                        "文", "博", "亮", "晨", "彬", "成", "德", "福", "庆", "振", "春", "利"};
constexpr std::array<sv, 48> kFemaleGiven{"芳", "娜", "敏", "静", "丽", "艳", "娟", "霞", "秀", "玲", "桂", "英",
                                          "华", "慧", "巧", "美", "婷", "雪", "琳", "晶", "燕", "红", "梅", "莉",
                                          "萍", "颖", "倩", "洁", "佳", "欣", "悦", "月", "丹", "云", "芳", "宁",
                                          "璐", "蕾", "薇", "瑶", "楠", "雯", "岚", "娇", "凤", "兰", "春", "晓"};
constexpr std::array<sv, 24> kMongolianMale{"巴特尔", "额尔敦",     "巴雅尔",   "孟和",       "朝鲁",     "苏和",
                                            "宝音",   "那顺",       "阿拉坦",   "特木尔",     "达来",     "乌力吉",
                                            "巴图",   "额尔德木图", "吉日嘎拉", "毕力格",     "斯琴巴图", "图门",
                                            "宝力道", "呼和",       "满都拉",   "敖敦巴特尔", "阿木尔",   "布和"};
constexpr std::array<sv, 24> kMongolianFemale{"其其格", "乌云",   "斯琴",         "萨仁",     "娜仁",   "高娃",
                                              "托娅",   "乌日娜", "阿拉坦其其格", "塔娜",     "图雅",   "苏日娜",
                                              "琪琪格", "诺敏",   "哈斯",         "斯琴高娃", "乌兰",   "萨日娜",
                                              "格日乐", "其木格", "敖登",         "塔拉",     "娜日苏", "吉雅"};

}  // namespace

std::span<const RegionInfo> regions() noexcept {
  return kRegions;
}
std::span<const UnitTemplate> regionTemplates() noexcept {
  return kRegionTemplates;
}
std::span<const UnitTemplate> townshipTemplates() noexcept {
  return kTownshipTemplates;
}
std::span<const UnitTemplate> numberedTemplates() noexcept {
  return kNumberedTemplates;
}

std::string chineseNumber(std::uint32_t n) {
  static constexpr std::array<sv, 10> kDigit{"零", "一", "二", "三", "四", "五", "六", "七", "八", "九"};
  static constexpr std::array<sv, 4> kPower{"", "十", "百", "千"};
  if (n == 0) return std::string(kDigit[0]);
  if (n >= 10000)
    return chineseNumber(n / 10000) + "万" + (n % 10000 < 1000 && n % 10000 != 0 ? "零" : "") +
           (n % 10000 == 0 ? std::string() : chineseNumber(n % 10000));
  std::string out;
  bool pending_zero = false;
  for (int power = 3; power >= 0; --power) {
    std::uint32_t divisor = 1;
    for (int i = 0; i < power; ++i) divisor *= 10;
    const std::uint32_t digit = n / divisor % 10;
    if (digit == 0) {
      if (!out.empty()) pending_zero = true;
      continue;
    }
    if (pending_zero) out.append(kDigit[0]);
    pending_zero = false;
    // "十二", not "一十二", when ten leads.
    if (!(digit == 1 && power == 1 && out.empty())) out.append(kDigit[digit]);
    out.append(kPower[static_cast<std::size_t>(power)]);
  }
  return out;
}

std::string_view surname(std::uint16_t i) noexcept {
  return kSurnames[i % kSurnames.size()];
}
std::string_view givenChar(bool male, std::uint16_t i) noexcept {
  return male ? kMaleGiven[i % kMaleGiven.size()] : kFemaleGiven[i % kFemaleGiven.size()];
}
std::string_view mongolianName(bool male, std::uint16_t i) noexcept {
  return male ? kMongolianMale[i % kMongolianMale.size()] : kMongolianFemale[i % kMongolianFemale.size()];
}
std::uint16_t surnameCount() noexcept {
  return static_cast<std::uint16_t>(kSurnames.size());
}
std::uint16_t givenCount(bool male) noexcept {
  return static_cast<std::uint16_t>(male ? kMaleGiven.size() : kFemaleGiven.size());
}
std::uint16_t mongolianCount(bool male) noexcept {
  return static_cast<std::uint16_t>(male ? kMongolianMale.size() : kMongolianFemale.size());
}

}  // namespace staffchain::gen::detail
