//! The dealer group's own settings: the time zone its days and hours are
//! counted in wherever no dealer's applies, and the prefix of its order
//! numbers.

use chrono_tz::Tz;

use crate::FieldError;
use crate::tickets::number::{DEFAULT_ZONE, NumberPrefix, Numbering};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GroupSettings {
    pub timezone: Tz,
    pub number_prefix: NumberPrefix,
}

impl Default for GroupSettings {
    fn default() -> Self {
        GroupSettings {
            timezone: DEFAULT_ZONE,
            number_prefix: NumberPrefix::default(),
        }
    }
}

impl GroupSettings {
    /// How new orders are numbered.
    pub fn numbering(&self) -> Numbering {
        Numbering {
            prefix: self.number_prefix.clone(),
            zone: self.timezone,
        }
    }
}

/// An IANA time zone name, `Asia/Shanghai`, as the field `timezone`.
pub fn timezone(raw: &str) -> Result<Tz, FieldError> {
    let name = raw.trim();
    name.parse::<Tz>().map_err(|_| {
        FieldError::new(
            "timezone",
            "invalid_timezone",
            format!("{name} is not an IANA time zone (e.g. Asia/Shanghai)"),
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_new_group_counts_in_shanghai_with_gd() {
        let g = GroupSettings::default();
        assert_eq!(g.timezone.name(), "Asia/Shanghai");
        assert_eq!(g.numbering().prefix.as_str(), "GD-");
    }

    #[test]
    fn time_zones_are_iana_names() {
        for ok in [
            "Asia/Shanghai",
            "America/New_York",
            " Pacific/Auckland ",
            "UTC",
        ] {
            assert_eq!(timezone(ok).unwrap().name(), ok.trim());
        }
        for bad in [
            "",
            "Shanghai",
            "GMT+8",
            "+08:00",
            "Asia/Beijing",
            "亚洲/上海",
        ] {
            let e = timezone(bad).unwrap_err();
            assert_eq!((e.field.as_str(), e.code), ("timezone", "invalid_timezone"));
        }
    }
}
