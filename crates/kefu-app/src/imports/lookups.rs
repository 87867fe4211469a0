//! Dealers named in an import file, looked up once per import whatever the
//! number of rows that name them.

use std::collections::HashMap;

use kefu_core::FieldError;
use kefu_store::Conn;
use kefu_store::org::dealers;

use super::columns::{Field, Layout};
use super::values;
use crate::Result;

#[derive(Default)]
pub(super) struct Dealers {
    by_code: HashMap<String, Option<i64>>,
    exists: HashMap<i64, bool>,
}

impl Dealers {
    /// The dealer a row names by `dealer_code` or `dealer_id` (both must agree
    /// when both are given); `Ok(Ok(None))` when it names none. The inner
    /// error rejects the row; the outer one is the database failing.
    pub async fn of_row(
        &mut self,
        conn: &mut Conn,
        layout: &Layout,
        cells: &csv::StringRecord,
    ) -> Result<Result<Option<i64>, FieldError>> {
        let by_id = match layout.get(cells, Field::DealerId) {
            Some(raw) => match values::integer("dealer_id", raw) {
                Ok(id) => Some(id),
                Err(e) => return Ok(Err(e)),
            },
            None => None,
        };
        let by_code = match layout.get(cells, Field::DealerCode) {
            Some(code) => match self.code(conn, code).await? {
                Some(id) => Some(id),
                None => {
                    return Ok(Err(FieldError::new(
                        "dealer_code",
                        "unknown_dealer",
                        format!("there is no dealer with the code '{code}'"),
                    )));
                }
            },
            None => None,
        };
        Ok(match (by_code, by_id) {
            (Some(code_id), Some(id)) if code_id != id => Err(FieldError::new(
                "dealer_id",
                "dealer_mismatch",
                format!("dealer_code names dealer {code_id}, dealer_id says {id}"),
            )),
            (Some(id), _) => Ok(Some(id)),
            (None, Some(id)) if self.id_exists(conn, id).await? => Ok(Some(id)),
            (None, Some(id)) => Err(FieldError::new(
                "dealer_id",
                "unknown_dealer",
                format!("there is no dealer {id}"),
            )),
            (None, None) => Ok(None),
        })
    }

    async fn code(&mut self, conn: &mut Conn, code: &str) -> Result<Option<i64>> {
        if let Some(id) = self.by_code.get(code) {
            return Ok(*id);
        }
        let id = dealers::by_code(conn, code).await?.map(|d| d.id);
        self.by_code.insert(code.to_owned(), id);
        Ok(id)
    }

    async fn id_exists(&mut self, conn: &mut Conn, id: i64) -> Result<bool> {
        if let Some(known) = self.exists.get(&id) {
            return Ok(*known);
        }
        let known = dealers::get(conn, id).await?.is_some();
        self.exists.insert(id, known);
        Ok(known)
    }
}
