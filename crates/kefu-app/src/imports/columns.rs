//! The columns an import file may have, under their API names and the
//! Chinese headers dealers actually use, and where each one is in a file.

use csv::StringRecord;

use super::ImportKind;
use super::read_file::Table;
use crate::{AppError, Result};

/// A field an import row can fill. One list for both kinds: the alias
/// tables below say which belong to which.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Field {
    Name,
    Phone,
    OtherPhones,
    Kind,
    Wechat,
    Gender,
    Birthday,
    Address,
    Source,
    Tier,
    Tags,
    DealerCode,
    DealerId,
    Vin,
    Plate,
    Brand,
    Model,
    Trim,
    Color,
    PurchasedOn,
    DeliveredOn,
    RegisteredOn,
    ManufacturedOn,
    MileageKm,
    MileageReadOn,
    CompulsoryInsurance,
    CommercialInsurance,
    CustomerId,
    CustomerPhone,
    CustomerName,
    Notes,
}

const FIELD_COUNT: usize = Field::Notes as usize + 1;

/// A column: its field, its API name, and the other headers that mean it
/// (already in the normalised form `normalise` produces).
type Column = (Field, &'static str, &'static [&'static str]);

const DEALER_CODE: &[&str] = &[
    "门店",
    "门店编码",
    "门店代码",
    "经销商",
    "经销商代码",
    "经销商编码",
];

const CUSTOMER_COLUMNS: &[Column] = &[
    (Field::Name, "name", &["姓名", "客户姓名", "客户名称"]),
    (
        Field::Phone,
        "phone",
        &["手机", "手机号", "手机号码", "电话", "联系电话"],
    ),
    (
        Field::OtherPhones,
        "other_phones",
        &["其他电话", "备用电话"],
    ),
    (Field::Kind, "kind", &["类型", "客户类型"]),
    (Field::Wechat, "wechat", &["微信", "微信号"]),
    (Field::Gender, "gender", &["性别"]),
    (Field::Birthday, "birthday", &["生日", "出生日期"]),
    (Field::Address, "address", &["地址", "联系地址"]),
    (Field::DealerCode, "dealer_code", DEALER_CODE),
    (Field::DealerId, "dealer_id", &[]),
    (Field::Source, "source", &["来源", "客户来源"]),
    (Field::Tier, "tier", &["等级", "客户等级"]),
    (Field::Tags, "tags", &["标签"]),
    (Field::Notes, "notes", &["备注", "说明"]),
];

const VEHICLE_COLUMNS: &[Column] = &[
    (Field::Vin, "vin", &["车架号", "车辆识别代号", "车辆识别码"]),
    (Field::Plate, "plate", &["车牌", "车牌号", "车牌号码"]),
    (Field::Brand, "brand", &["品牌"]),
    (Field::Model, "model", &["车型"]),
    (Field::Trim, "trim", &["配置"]),
    (Field::Color, "color", &["颜色", "车身颜色"]),
    (Field::PurchasedOn, "purchased_on", &["购车日期"]),
    (Field::DeliveredOn, "delivered_on", &["交车日期"]),
    (
        Field::RegisteredOn,
        "registered_on",
        &["上牌日期", "注册日期"],
    ),
    (
        Field::ManufacturedOn,
        "manufactured_on",
        &["生产日期", "出厂日期"],
    ),
    (
        Field::MileageKm,
        "mileage_km",
        &["里程", "公里数", "行驶里程"],
    ),
    (Field::MileageReadOn, "mileage_read_on", &["里程日期"]),
    (
        Field::CompulsoryInsurance,
        "compulsory_insurance_expires_on",
        &["交强险到期", "交强险到期日"],
    ),
    (
        Field::CommercialInsurance,
        "commercial_insurance_expires_on",
        &["商业险到期", "商业险到期日"],
    ),
    (Field::DealerCode, "dealer_code", DEALER_CODE),
    (Field::DealerId, "dealer_id", &[]),
    (Field::CustomerId, "customer_id", &[]),
    (
        Field::CustomerPhone,
        "customer_phone",
        &[
            "客户手机",
            "客户手机号",
            "客户电话",
            "车主手机",
            "车主手机号",
            "车主电话",
        ],
    ),
    (
        Field::CustomerName,
        "customer_name",
        &["客户姓名", "车主", "车主姓名"],
    ),
];

fn columns(kind: ImportKind) -> &'static [Column] {
    match kind {
        ImportKind::Customers => CUSTOMER_COLUMNS,
        ImportKind::Vehicles => VEHICLE_COLUMNS,
    }
}

impl Field {
    /// The API's name for the field, as rejected rows report it.
    pub fn name(self) -> &'static str {
        [CUSTOMER_COLUMNS, VEHICLE_COLUMNS]
            .iter()
            .flat_map(|c| c.iter())
            .find(|(f, ..)| *f == self)
            .map_or("", |(_, name, _)| name)
    }
}

/// `" Phone "`, `"PHONE*"` and `"phone"` are one header; so are
/// `"Dealer Code"` and `"dealer_code"`.
fn normalise(header: &str) -> String {
    header
        .trim()
        .trim_end_matches(['*', '＊'])
        .trim()
        .chars()
        .map(|c| if c == ' ' || c == '-' { '_' } else { c })
        .flat_map(char::to_lowercase)
        .collect()
}

/// Where each field is in the file's rows.
pub(super) struct Layout {
    at: [Option<usize>; FIELD_COUNT],
    /// Columns to read, in file order, for checks that visit every cell.
    mapped: Vec<(Field, usize)>,
    /// Columns with a header kefu does not know, left unread: (header,
    /// column from 0).
    pub ignored: Vec<(String, usize)>,
    width: usize,
}

impl Layout {
    /// Map the header to fields. A column kefu does not know is left unread
    /// and named in [`Layout::ignored`] (every dealer's sheet has columns of
    /// its own); a repeated or missing column, or a value in a column
    /// without a header, refuses the whole file.
    pub fn new(kind: ImportKind, table: &Table) -> Result<Layout> {
        let known = columns(kind);
        let mut layout = Layout {
            at: [None; FIELD_COUNT],
            mapped: Vec::new(),
            ignored: Vec::new(),
            width: table.header.len(),
        };
        for (i, raw) in table.header.iter().enumerate() {
            let header = normalise(raw);
            if header.is_empty() {
                continue;
            }
            let Some((field, ..)) = known
                .iter()
                .find(|(_, name, aliases)| *name == header || aliases.contains(&header.as_str()))
            else {
                layout.ignored.push((raw.trim().to_owned(), i));
                continue;
            };
            if let Some(before) = layout.at[*field as usize] {
                return Err(AppError::invalid(
                    "file",
                    "duplicate_column",
                    format!(
                        "columns {} and {} are both {}",
                        before + 1,
                        i + 1,
                        field.name()
                    ),
                ));
            }
            layout.at[*field as usize] = Some(i);
            layout.mapped.push((*field, i));
        }
        let required: &[&[Field]] = match kind {
            ImportKind::Customers => &[&[Field::Name], &[Field::Phone]],
            ImportKind::Vehicles => &[&[Field::Vin], &[Field::CustomerPhone, Field::CustomerId]],
        };
        for any_of in required {
            if !any_of.iter().any(|f| layout.has(*f)) {
                let names: Vec<&str> = any_of.iter().map(|f| f.name()).collect();
                return Err(AppError::invalid(
                    "file",
                    "missing_column",
                    format!("the file needs a {} column", names.join(" or ")),
                ));
            }
        }
        layout.check_headerless(table)?;
        Ok(layout)
    }

    pub fn has(&self, field: Field) -> bool {
        self.at[field as usize].is_some()
    }

    /// The field's cell in `row`, trimmed; an empty cell is absent.
    pub fn get<'r>(&self, row: &'r StringRecord, field: Field) -> Option<&'r str> {
        let i = self.at[field as usize]?;
        row.get(i).map(str::trim).filter(|s| !s.is_empty())
    }

    /// The first cell holding an Excel error (`#N/A`, `#REF!`...): the
    /// formula that should have filled it failed, so its value is unknown.
    pub fn excel_error(&self, row: &StringRecord) -> Option<(Field, String)> {
        const ERRORS: &[&str] = &[
            "#N/A", "#VALUE!", "#REF!", "#DIV/0!", "#NUM!", "#NAME?", "#NULL!", "#DATA!",
            "#SPILL!", "#CALC!",
        ];
        self.mapped.iter().find_map(|(field, i)| {
            let cell = row.get(*i)?.trim();
            ERRORS.contains(&cell).then(|| (*field, cell.to_owned()))
        })
    }

    /// A value under a blank header, or past the header's last column, would
    /// be silently dropped: refuse the file instead.
    fn check_headerless(&self, table: &Table) -> Result<()> {
        let used: Vec<bool> = (0..self.width)
            .map(|i| {
                self.mapped.iter().any(|(_, c)| *c == i)
                    || self.ignored.iter().any(|(_, c)| *c == i)
            })
            .collect();
        for row in &table.rows {
            let stray = row.cells.iter().enumerate().find(|(i, cell)| {
                !used.get(*i).copied().unwrap_or(false) && !cell.trim().is_empty()
            });
            if let Some((i, _)) = stray {
                return Err(AppError::invalid(
                    "file",
                    "unknown_column",
                    format!(
                        "line {} has a value in column {}, which has no header",
                        row.line,
                        i + 1
                    ),
                ));
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_are_normalised() {
        assert_eq!(normalise(" Phone* "), "phone");
        assert_eq!(normalise("Dealer Code"), "dealer_code");
        assert_eq!(normalise("VIN"), "vin");
        assert_eq!(normalise("\u{3000}手机号＊"), "手机号");
    }

    #[test]
    fn every_alias_is_normalised_and_unique_within_a_kind() {
        for kind in [ImportKind::Customers, ImportKind::Vehicles] {
            let mut seen = Vec::new();
            for (_, name, aliases) in columns(kind) {
                for a in std::iter::once(name).chain(aliases.iter()) {
                    assert_eq!(normalise(a), *a);
                    assert!(!seen.contains(a), "{a} twice");
                    seen.push(*a);
                }
            }
        }
    }

    #[test]
    fn field_names() {
        assert_eq!(Field::DealerCode.name(), "dealer_code");
        assert_eq!(Field::CustomerName.name(), "customer_name");
        assert_eq!(
            Field::CommercialInsurance.name(),
            "commercial_insurance_expires_on"
        );
    }
}
