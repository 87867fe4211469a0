//! The words the demo group is made of.

/// Code, name, region, city (for addresses), plate prefix.
pub const DEALERS: &[(&str, &str, &str, &str, &str)] = &[
    ("SH001", "上海浦东店", "华东", "上海市浦东新区", "沪A"),
    ("BJ001", "北京朝阳店", "华北", "北京市朝阳区", "京N"),
    ("GZ001", "广州天河店", "华南", "广州市天河区", "粤A"),
    ("HZ001", "杭州西湖店", "华东", "杭州市西湖区", "浙A"),
];

pub const DEPARTMENTS: &[(&str, &str)] = &[
    ("product", "产品部"),
    ("quality", "质量部"),
    ("connected", "车联网部"),
    ("app", "APP运营部"),
    ("parts", "配件部"),
];

pub const SURNAMES: &[&str] = &[
    "王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡", "郭",
    "何", "高", "林", "罗",
];
pub const GIVEN: &[&str] = &[
    "伟", "芳", "娜", "秀英", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟",
    "涛", "明", "超", "秀兰", "霞", "平", "刚", "桂英", "建华", "志强", "晓东", "雪梅", "海燕",
];
pub const COMPANIES: &[&str] = &[
    "申通物流",
    "华联租赁",
    "东方出行",
    "恒信商贸",
    "远景建设",
    "蓝天旅游",
];
pub const STREETS: &[&str] = &[
    "世纪大道",
    "建国",
    "中山",
    "人民",
    "解放",
    "长江",
    "文三",
    "天河",
];
pub const SOURCES: &[&str] = &["400", "walk_in", "wechat", "app", "referral"];
/// What an agent notes about a customer (the 备注 of a dealer's sheet).
pub const NOTES: &[&str] = &[
    "只接受下午来电",
    "老客户，介绍过两位朋友购车",
    "车辆常在外地，预约前先确认所在城市",
    "对上次保养等待时间不满意",
    "偏好微信联系，电话常不接",
    "家中有两辆车，另一辆在其他门店保养",
];

pub const NEEDS: &[&str] = &[
    "周末保养",
    "希望上门取送车",
    "关注油耗",
    "计划增购第二辆车",
    "偏好短信联系",
];
pub const TRIMS: &[&str] = &["豪华版", "舒适版", "尊贵版", "运动版", "领先版"];
pub const COLORS: &[&str] = &["珍珠白", "曜岩黑", "星空灰", "极光蓝", "宝石红"];

/// World manufacturer code, brand, models.
pub const MAKES: &[(&str, &str, &[&str])] = &[
    ("LSV", "大众", &["帕萨特", "朗逸", "途观L", "ID.4 X"]),
    ("LFV", "一汽-大众", &["迈腾", "速腾", "探岳", "ID.4 CROZZ"]),
    ("LVG", "广汽丰田", &["凯美瑞", "汉兰达", "雷凌"]),
    ("LHG", "广汽本田", &["雅阁", "冠道", "飞度"]),
];

/// A tiny deterministic generator (xorshift), enough for believable variety.
pub struct Rng(pub u64);

impl Rng {
    /// The generator for item `i` of a run seeded with `seed`: the same
    /// whatever order the items are made in.
    pub fn for_item(seed: u64, i: u64) -> Rng {
        // splitmix64, to spread neighbouring items apart.
        let mut z = seed ^ i.wrapping_add(1).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        Rng((z ^ (z >> 31)) | 1)
    }

    pub fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x;
        x
    }

    pub fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
}

pub fn pick<'a>(rng: &mut Rng, from: &[&'a str]) -> &'a str {
    from.get(rng.below(from.len() as u64) as usize)
        .copied()
        .unwrap_or_default()
}

/// More stores for a bigger group: city (for names and addresses), region,
/// plate prefix.
pub const CITIES: &[(&str, &str, &str)] = &[
    ("上海闵行", "华东", "沪B"),
    ("北京海淀", "华北", "京Q"),
    ("深圳南山", "华南", "粤B"),
    ("成都高新", "西南", "川A"),
    ("重庆渝北", "西南", "渝A"),
    ("武汉江汉", "华中", "鄂A"),
    ("南京建邺", "华东", "苏A"),
    ("苏州工业园", "华东", "苏E"),
    ("天津河西", "华北", "津A"),
    ("西安雁塔", "西北", "陕A"),
    ("长沙岳麓", "华中", "湘A"),
    ("郑州金水", "华中", "豫A"),
    ("济南历下", "华东", "鲁A"),
    ("青岛崂山", "华东", "鲁B"),
    ("沈阳和平", "东北", "辽A"),
    ("大连甘井子", "东北", "辽B"),
    ("哈尔滨南岗", "东北", "黑A"),
    ("福州鼓楼", "华南", "闽A"),
    ("厦门思明", "华南", "闽D"),
    ("昆明盘龙", "西南", "云A"),
    ("合肥蜀山", "华东", "皖A"),
    ("南昌红谷滩", "华中", "赣A"),
    ("宁波鄞州", "华东", "浙B"),
    ("佛山南海", "华南", "粤E"),
    ("东莞南城", "华南", "粤S"),
    ("石家庄长安", "华北", "冀A"),
    ("太原小店", "华北", "晋A"),
    ("南宁青秀", "华南", "桂A"),
    ("贵阳观山湖", "西南", "贵A"),
    ("乌鲁木齐天山", "西北", "新A"),
];

/// Store names are the city and one of these.
pub const STORE_SUFFIXES: &[&str] = &["旗舰店", "4S店", "城市展厅", "服务中心", "汽车城店"];

/// What customers call about, by category.
pub const SUBJECTS: &[(&str, &[&str])] = &[
    (
        "complaint",
        &[
            "保养后异响未解决",
            "维修等待时间过长",
            "服务顾问态度差",
            "车机频繁死机",
            "保险理赔进度慢",
            "交车时发现漆面划痕",
        ],
    ),
    (
        "inquiry",
        &[
            "咨询保养周期",
            "询问配件到货时间",
            "APP无法绑定车辆",
            "咨询延保政策",
            "询问召回信息",
        ],
    ),
    (
        "suggestion",
        &["建议延长周末营业时间", "建议增加上门取送车"],
    ),
    ("praise", &["表扬服务顾问", "感谢道路救援及时"]),
    (
        "repair",
        &["发动机故障灯亮", "空调不制冷", "刹车异响", "胎压报警"],
    ),
    ("other", &["发票信息更正", "变更联系人"]),
];

pub const RESOLUTIONS: &[&str] = &[
    "已更换零件并试车确认",
    "已向客户解释并致歉，赠送保养券",
    "已协调配件加急到店",
    "已远程升级车机系统",
    "已安排上门检测",
];

/// Mobile prefixes that real Chinese numbers start with.
pub const MOBILE_PREFIXES: &[&str] = &[
    "130", "131", "132", "135", "136", "137", "138", "139", "150", "151", "152", "155", "156",
    "157", "158", "159", "166", "176", "177", "180", "181", "182", "185", "186", "187", "188",
    "189", "191", "198", "199",
];
