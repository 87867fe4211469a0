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

const VIN_CHARS: &[u8] = b"ABCDEFGHJKLMNPRSTUVWXYZ0123456789";

/// Five characters of vehicle description.
pub fn vds(rng: &mut Rng) -> String {
    (0..5)
        .map(|_| VIN_CHARS[rng.below(VIN_CHARS.len() as u64) as usize] as char)
        .collect()
}

/// Model year and plant.
pub fn plant(rng: &mut Rng) -> String {
    let years = b"KLMNPRST";
    let y = years[rng.below(years.len() as u64) as usize] as char;
    let p = VIN_CHARS[rng.below(26) as usize] as char;
    format!("{y}{p}")
}
