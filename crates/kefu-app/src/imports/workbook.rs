//! Reading the first worksheet of an `.xlsx` workbook within bounds.
//!
//! An `.xlsx` is a zip of XML parts, and a small one can ask for a great
//! deal: a single cell at `XFD1048576` spans a rectangle of 17 billion cells,
//! and a part can inflate a thousand times. So the parts' declared sizes are
//! checked before anything is unpacked (zip then refuses a part that inflates
//! past the size it declared), and the cells are read one by one and kept
//! only where they hold text, so a sparse sheet costs what it holds, not the
//! rectangle its farthest cell spans.

use std::io::Cursor;

use calamine::{DataRef, Reader, Xlsx, open_workbook_from_rs};
use csv::StringRecord;

use super::MAX_ROWS;
use super::read_file::{Row, Table, cell_text, is_blank, too_many_rows};
use crate::{AppError, Result};

/// The most the parts of one workbook may unpack to, all together.
pub const MAX_UNPACKED_BYTES: u64 = 256 * 1024 * 1024;
/// The widest sheet read: from its first column that holds text to its last.
pub const MAX_COLUMNS: u32 = 256;
/// The most cells holding text in the sheet read.
pub const MAX_CELLS: usize = 4_000_000;

fn unreadable(e: impl std::fmt::Display) -> AppError {
    AppError::invalid(
        "file",
        "invalid_xlsx",
        format!("the file is not a readable .xlsx workbook: {e}"),
    )
}

pub(super) fn read(data: &[u8]) -> Result<Option<Table>> {
    check_unpacked_size(data)?;
    let mut workbook: Xlsx<_> = open_workbook_from_rs(Cursor::new(data)).map_err(unreadable)?;
    let Some(name) = workbook.sheet_names().into_iter().next() else {
        return Ok(None);
    };
    let mut reader = workbook.worksheet_cells_reader(&name).map_err(unreadable)?;
    let mut cells = Cells::default();
    while let Some(cell) = reader.next_cell().map_err(unreadable)? {
        let (row, col) = cell.get_position();
        cells.push(row, col, cell.get_value())?;
    }
    cells.into_table()
}

/// Refuses a workbook whose parts declare more than [`MAX_UNPACKED_BYTES`]
/// before calamine unpacks any of them (it reads the shared strings whole
/// when it opens the file).
fn check_unpacked_size(data: &[u8]) -> Result<()> {
    let mut zip = zip::ZipArchive::new(Cursor::new(data)).map_err(unreadable)?;
    let mut total: u64 = 0;
    for i in 0..zip.len() {
        let part = zip.by_index_raw(i).map_err(unreadable)?;
        total = total.saturating_add(part.size());
        if total > MAX_UNPACKED_BYTES {
            return Err(AppError::invalid(
                "file",
                "file_too_large",
                format!(
                    "the workbook unpacks to more than {} MiB; split it into several files",
                    MAX_UNPACKED_BYTES / (1024 * 1024)
                ),
            ));
        }
    }
    Ok(())
}

/// The cells that hold text, their texts end to end in one buffer.
#[derive(Default)]
struct Cells {
    text: String,
    /// (row, column, end of the cell's text in `text`), in reading order.
    at: Vec<(u32, u32, usize)>,
    first_col: u32,
    last_col: u32,
}

impl Cells {
    fn push(&mut self, row: u32, col: u32, value: &DataRef<'_>) -> Result<()> {
        let start = self.text.len();
        cell_text(value, &mut self.text);
        if self.text[start..].trim().is_empty() {
            self.text.truncate(start);
            return Ok(());
        }
        if self.at.len() == MAX_CELLS {
            return Err(AppError::invalid(
                "file",
                "too_many_cells",
                format!(
                    "a sheet may hold at most {MAX_CELLS} filled cells; split it into several files"
                ),
            ));
        }
        if self.at.is_empty() {
            (self.first_col, self.last_col) = (col, col);
        }
        self.first_col = self.first_col.min(col);
        self.last_col = self.last_col.max(col);
        if self.last_col - self.first_col >= MAX_COLUMNS {
            return Err(AppError::invalid(
                "file",
                "too_many_columns",
                format!(
                    "a sheet may span at most {MAX_COLUMNS} columns from its first filled column \
                     to its last; this one reaches column {}",
                    column_name(self.last_col)
                ),
            ));
        }
        self.at.push((row, col, self.text.len()));
        Ok(())
    }

    /// The rows in order, each as wide as the columns the sheet uses, the
    /// first one that holds text being the header.
    fn into_table(self) -> Result<Option<Table>> {
        let mut spans = Vec::with_capacity(self.at.len());
        let mut start = 0;
        for &(row, col, end) in &self.at {
            spans.push((row, col, start, end));
            start = end;
        }
        // Excel writes rows in order; a file that does not is read as if it did.
        spans.sort_by_key(|&(row, col, ..)| (row, col));
        let width = (self.last_col - self.first_col + 1) as usize;
        let mut header = None;
        let mut rows = Vec::new();
        let mut fields = vec![""; width];
        let mut spans = spans.as_slice();
        while let Some(&(row, ..)) = spans.first() {
            let n = spans.iter().take_while(|s| s.0 == row).count();
            let (this, rest) = spans.split_at(n);
            spans = rest;
            fields.fill("");
            for &(_, col, start, end) in this {
                fields[(col - self.first_col) as usize] = &self.text[start..end];
            }
            let record = StringRecord::from(fields.as_slice());
            if is_blank(&record) {
                continue;
            }
            if header.is_none() {
                header = Some(record);
                continue;
            }
            if rows.len() == MAX_ROWS {
                return Err(too_many_rows());
            }
            rows.push(Row {
                line: row as usize + 1,
                cells: record,
            });
        }
        Ok(header.map(|header| Table { header, rows }))
    }
}

/// `0` → `A`, `25` → `Z`, `26` → `AA`: a column as Excel names it.
fn column_name(col: u32) -> String {
    let mut name = Vec::new();
    let mut n = col + 1;
    while n > 0 {
        let rem = ((n - 1) % 26) as u8;
        name.push(b'A' + rem);
        n = (n - 1) / 26;
    }
    name.reverse();
    String::from_utf8_lossy(&name).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_are_named_as_excel_names_them() {
        assert_eq!(column_name(0), "A");
        assert_eq!(column_name(25), "Z");
        assert_eq!(column_name(26), "AA");
        assert_eq!(column_name(51), "AZ");
        assert_eq!(column_name(16_383), "XFD");
    }
}
