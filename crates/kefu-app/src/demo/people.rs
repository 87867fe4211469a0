//! Customers and their cars, made one at a time from the run's seed and the
//! customer's number, so any slice of them can be made on its own.

use chrono::{Days, NaiveDate};
use kefu_core::customers::{CustomerFields, CustomerKind, Gender, Needs, Phone, Tier};
use kefu_core::vehicles::{Plate, VehicleFields, Vin};

use super::org::Store;
use super::vocabulary::{self, Rng};
use crate::{AppError, Result};

/// A customer and their cars (the cars' `customer_id` is set on insert).
pub(super) struct Person {
    pub customer: CustomerFields,
    /// The index of the customer's store.
    pub store: u32,
    pub vehicles: Vec<VehicleFields>,
}

/// Serial characters of a plate: digits and letters but I and O.
const PLATE_CHARS: &[u8] = b"0123456789ABCDEFGHJKLMNPQRSTUVWXYZ";
const VIN_CHARS: &[u8] = b"ABCDEFGHJKLMNPRSTUVWXYZ0123456789";
/// Distinct new-energy plates: an energy letter, a serial character and
/// four digits.
const NEW_ENERGY_PLATES: u64 = 10 * 34 * 10_000;
/// Model-year codes (2019 to 2026).
const YEARS: &[u8] = b"KLMNPRST";

/// Scramble `k` within `0..m` one-to-one, so neighbours do not look alike.
fn scramble(k: u64, m: u64) -> u64 {
    // 7,919 · 104,729 (two primes) is coprime with every `m` used here,
    // whose factors are 2, 3, 5 and 17, so this is one-to-one.
    (k * 829_348_951 + 37_912_345) % m
}

/// Customer number `i` of the run seeded with `seed`.
pub(super) fn person(seed: u64, i: u64, stores: &[Store], today: NaiveDate) -> Result<Person> {
    let mut rng = Rng::for_item(seed, i);
    let store_index = (i % stores.len() as u64) as usize;
    let store = &stores[store_index];
    let company = rng.below(25) == 0;
    let name = if company {
        format!(
            "{}{}有限公司",
            store.city.trim_end_matches('区'),
            vocabulary::pick(&mut rng, vocabulary::COMPANIES)
        )
    } else {
        format!(
            "{}{}",
            vocabulary::pick(&mut rng, vocabulary::SURNAMES),
            vocabulary::pick(&mut rng, vocabulary::GIVEN)
        )
    };
    // Eight digits distinct for every customer, after a real prefix.
    let prefix = vocabulary::pick(&mut rng, vocabulary::MOBILE_PREFIXES);
    let rest = scramble(i, 100_000_000);
    let phone = Phone::parse(&format!("{prefix}{rest:08}"))?;
    let tier = Tier::ALL[(rng.below(100) as usize * Tier::ALL.len()) / 100];
    let customer = CustomerFields {
        kind: if company {
            CustomerKind::Company
        } else {
            CustomerKind::Person
        },
        name,
        phone,
        other_phones: Vec::new(),
        wechat: (rng.below(3) == 0).then(|| format!("wx_{:08x}", rng.next() as u32)),
        gender: (!company).then(|| {
            if rng.below(2) == 0 {
                Gender::Male
            } else {
                Gender::Female
            }
        }),
        birthday: (!company).then(|| date_back(today, 365 * (22 + rng.below(45)) + rng.below(365))),
        address: Some(format!(
            "{}{}路{}号",
            store.city,
            vocabulary::pick(&mut rng, vocabulary::STREETS),
            1 + rng.below(300)
        )),
        dealer_id: Some(store.id),
        owner_id: None,
        source: Some(vocabulary::pick(&mut rng, vocabulary::SOURCES).to_owned()),
        tier: Some(tier),
        tags: Vec::new(),
        needs: Needs {
            general: vec![vocabulary::pick(&mut rng, vocabulary::NEEDS).to_owned()],
            ..Needs::default()
        },
        // Not drawn from `rng`: the rest of the record stays as it was.
        notes: (i % 7 == 3)
            .then(|| vocabulary::NOTES[(i / 7) as usize % vocabulary::NOTES.len()].to_owned()),
    };
    // Most customers have one car, some two, a few none yet.
    let cars = match rng.below(20) {
        0 => 0,
        1..=3 => 2,
        _ => 1,
    };
    let mut vehicles = Vec::with_capacity(cars);
    for n in 0..cars {
        vehicles.push(car(&mut rng, i * 2 + n as u64, store, today)?);
    }
    Ok(Person {
        customer,
        store: store_index as u32,
        vehicles,
    })
}

/// Car number `k` (two per customer number, so distinct for every car).
fn car(rng: &mut Rng, k: u64, store: &Store, today: NaiveDate) -> Result<VehicleFields> {
    let (wmi, brand, models) =
        vocabulary::MAKES[rng.below(vocabulary::MAKES.len() as u64) as usize];
    let model = vocabulary::pick(rng, models);
    let vds: String = (0..5)
        .map(|_| VIN_CHARS[rng.below(VIN_CHARS.len() as u64) as usize] as char)
        .collect();
    // Plant and serial together are distinct for every car.
    let plant = VIN_CHARS[((k / 1_000_000) % VIN_CHARS.len() as u64) as usize] as char;
    let year = YEARS[rng.below(YEARS.len() as u64) as usize] as char;
    let serial = scramble(k % 1_000_000, 1_000_000);
    let body = format!("{wmi}{vds}0{year}{plant}{serial:06}");
    let vin = Vin::with_check_digit(&body)
        .ok_or_else(|| AppError::invalid("vin", "invalid_vin", "demo VIN"))?;
    // Electric models get green new-energy plates, while their numbers last.
    let electric = model.starts_with("ID.") && k < NEW_ENERGY_PLATES;
    let plate = if electric {
        let serial = scramble(k, NEW_ENERGY_PLATES);
        let energy = b"DFABCEGHJK"[(serial % 10) as usize] as char;
        let second = PLATE_CHARS[((serial / 10) % 34) as usize] as char;
        format!("{}{energy}{second}{:04}", store.plate_prefix, serial / 340)
    } else {
        format!("{}{}", store.plate_prefix, plate_serial(k))
    };
    let purchased = date_back(today, 30 + rng.below(365 * 7));
    let years_owned = (today - purchased).num_days().max(0) as u64 / 365;
    let insured_until = purchased.checked_add_days(Days::new(365 * (1 + years_owned)));
    Ok(VehicleFields {
        customer_id: 0,
        vin,
        plate: Some(Plate::parse(&plate)?),
        brand: Some(brand.into()),
        model: Some(model.into()),
        trim: Some(vocabulary::pick(rng, vocabulary::TRIMS).into()),
        color: Some(vocabulary::pick(rng, vocabulary::COLORS).into()),
        purchased_on: Some(purchased),
        delivered_on: purchased.checked_add_days(Days::new(3)),
        registered_on: purchased.checked_add_days(Days::new(10)),
        manufactured_on: Some(date_back(purchased, 40 + rng.below(120))),
        mileage_km: Some(
            ((today - purchased).num_days().max(0) * (20 + rng.below(40) as i64)).min(400_000),
        ),
        mileage_read_on: Some(today),
        compulsory_insurance_expires_on: insured_until,
        commercial_insurance_expires_on: insured_until,
        dealer_id: Some(store.id),
        active: true,
    })
}

/// The five characters after a plate's prefix for car `k`: mostly digits,
/// as real plates are, with more letters once the digits run out. Each form
/// has a letter where the ones before have a digit, so no two cars share one.
fn plate_serial(k: u64) -> String {
    const LETTERS: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZ";
    let forms: [[&[u8]; 5]; 4] = [
        [PLATE_CHARS, DIGITS, DIGITS, DIGITS, DIGITS],
        [PLATE_CHARS, LETTERS, DIGITS, DIGITS, DIGITS],
        [PLATE_CHARS, PLATE_CHARS, LETTERS, DIGITS, DIGITS],
        [PLATE_CHARS, PLATE_CHARS, PLATE_CHARS, LETTERS, PLATE_CHARS],
    ];
    let mut k = k;
    for (i, form) in forms.iter().enumerate() {
        let size: u64 = form.iter().map(|c| c.len() as u64).product();
        if k < size || i == forms.len() - 1 {
            // A scramble within the form keeps neighbours apart.
            let mut v = scramble(k % size, size);
            let mut out = [0u8; 5];
            for p in (0..5).rev() {
                let chars = form[p];
                out[p] = chars[(v % chars.len() as u64) as usize];
                v /= chars.len() as u64;
            }
            return out.iter().map(|c| *c as char).collect();
        }
        k -= size;
    }
    String::new()
}

const DIGITS: &[u8] = b"0123456789";

pub(super) fn date_back(from: NaiveDate, days: u64) -> NaiveDate {
    from.checked_sub_days(Days::new(days)).unwrap_or(from)
}
