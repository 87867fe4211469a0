//! Reading an import file into rows of text: CSV (UTF-8) or the first
//! worksheet of an Excel workbook. Everything after this works on text, so
//! both formats obey exactly the same rules.

use calamine::DataRef;
use csv::StringRecord;

use super::Format;
use crate::{AppError, Result};

/// More data rows than this and the file is refused before anything is read
/// into the database: one transaction must stay a sensible size.
pub const MAX_ROWS: usize = 200_000;

const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";
/// The start of an old binary `.xls` (an OLE compound file).
const OLE_MAGIC: &[u8] = b"\xD0\xCF\x11\xE0";

/// The file's header and its non-blank data rows.
pub(super) struct Table {
    pub header: StringRecord,
    pub rows: Vec<Row>,
}

pub(super) struct Row {
    /// 1-based line (CSV) or row number (Excel) in the file, the header being
    /// line 1 in an ordinary file.
    pub line: usize,
    pub cells: StringRecord,
}

pub(super) fn read(format: Format, data: &[u8]) -> Result<Table> {
    if data.starts_with(OLE_MAGIC) {
        return Err(AppError::invalid(
            "file",
            "unsupported_format",
            "old Excel .xls files are not supported: save the file as .xlsx or as CSV (UTF-8)",
        ));
    }
    let table = match format {
        Format::Csv => read_csv(data)?,
        Format::Xlsx => super::workbook::read(data)?,
    };
    table.ok_or_else(|| {
        AppError::invalid(
            "file",
            "empty_file",
            "the file is empty: it has no header row",
        )
    })
}

pub(super) fn too_many_rows() -> AppError {
    AppError::invalid(
        "file",
        "too_many_rows",
        format!("a file may hold at most {MAX_ROWS} rows; split it into several files"),
    )
}

pub(super) fn is_blank(record: &StringRecord) -> bool {
    record.iter().all(|c| c.trim().is_empty())
}

fn read_csv(data: &[u8]) -> Result<Option<Table>> {
    let data = data.strip_prefix(UTF8_BOM).unwrap_or(data);
    if std::str::from_utf8(data).is_err() {
        return Err(AppError::invalid(
            "file",
            "invalid_encoding",
            "the file is not UTF-8 text (Excel often saves CSV as GBK): \
             save the file as UTF-8 (\"CSV UTF-8\" in Excel) and import it again",
        ));
    }
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter(data))
        .from_reader(data);
    let bad = |e: csv::Error| {
        AppError::invalid(
            "file",
            "invalid_csv",
            format!("the file is not valid CSV: {e}"),
        )
    };
    let mut header = None;
    let mut rows = Vec::new();
    let mut record = StringRecord::new();
    while reader.read_record(&mut record).map_err(bad)? {
        if is_blank(&record) {
            continue;
        }
        if header.is_none() {
            header = Some(std::mem::take(&mut record));
            continue;
        }
        if rows.len() == MAX_ROWS {
            return Err(too_many_rows());
        }
        let line = record.position().map_or(0, |p| start_line(data, p));
        rows.push(Row {
            line,
            cells: std::mem::take(&mut record),
        });
    }
    Ok(header.map(|header| Table { header, rows }))
}

/// The line a record starts on. csv's position is where the reader stood,
/// which is before any blank lines it skipped to reach the record.
fn start_line(data: &[u8], at: &csv::Position) -> usize {
    let skipped = data
        .get(at.byte() as usize..)
        .unwrap_or_default()
        .iter()
        .take_while(|b| matches!(b, b'\n' | b'\r'))
        .filter(|b| **b == b'\n')
        .count();
    at.line() as usize + skipped
}

/// Comma unless the header line plainly uses tabs or semicolons (what
/// "Unicode text" and some European Excel settings save).
fn delimiter(data: &[u8]) -> u8 {
    let first = data.split(|b| *b == b'\n').next().unwrap_or_default();
    let count = |d: u8| first.iter().filter(|b| **b == d).count();
    if count(b',') > 0 {
        b','
    } else if count(b'\t') > 0 {
        b'\t'
    } else if count(b';') > 0 {
        b';'
    } else {
        b','
    }
}

/// A cell as the text a person sees in it, for the fields kefu imports: a
/// date cell is `YYYY-MM-DD`, and a whole number has no `.0` (phones are
/// often typed into numeric cells).
pub(super) fn cell_text(cell: &DataRef<'_>, out: &mut String) {
    use std::fmt::Write;
    // Writing into a String cannot fail.
    let _ = match cell {
        DataRef::Empty => Ok(()),
        DataRef::SharedString(s) => {
            out.push_str(s);
            Ok(())
        }
        DataRef::String(s) | DataRef::DurationIso(s) => {
            out.push_str(s);
            Ok(())
        }
        DataRef::Int(i) => write!(out, "{i}"),
        DataRef::Float(f) => write_number(out, *f),
        DataRef::Bool(b) => write!(out, "{b}"),
        DataRef::DateTime(d) if d.is_datetime() => {
            let (y, m, d, ..) = d.to_ymd_hms_milli();
            write!(out, "{y:04}-{m:02}-{d:02}")
        }
        DataRef::DateTime(d) => write_number(out, d.as_f64()),
        // `2024-03-15T00:00:00`: the date is what matters here.
        DataRef::DateTimeIso(s) => {
            out.push_str(s.split_once('T').map_or(s.as_str(), |(date, _)| date));
            Ok(())
        }
        DataRef::Error(e) => write!(out, "{e}"),
    };
}

fn write_number(out: &mut String, f: f64) -> std::fmt::Result {
    use std::fmt::Write;
    // Below 2^53 every whole f64 is exact, so the cast loses nothing.
    if f.is_finite() && f.fract() == 0.0 && f.abs() < 9_007_199_254_740_992.0 {
        write!(out, "{}", f as i64)
    } else {
        write!(out, "{f}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use calamine::{Data, ExcelDateTime, ExcelDateTimeType};

    fn text(cell: Data) -> String {
        let cell = match cell {
            Data::Int(i) => DataRef::Int(i),
            Data::Float(f) => DataRef::Float(f),
            Data::String(s) => DataRef::String(s),
            Data::Bool(b) => DataRef::Bool(b),
            Data::DateTime(d) => DataRef::DateTime(d),
            Data::DateTimeIso(s) => DataRef::DateTimeIso(s),
            Data::DurationIso(s) => DataRef::DurationIso(s),
            Data::Error(e) => DataRef::Error(e),
            Data::Empty => DataRef::Empty,
        };
        let mut s = String::new();
        cell_text(&cell, &mut s);
        s
    }

    #[test]
    fn cells_read_as_people_see_them() {
        assert_eq!(text(Data::Float(13812345678.0)), "13812345678");
        assert_eq!(text(Data::Float(-3.0)), "-3");
        assert_eq!(text(Data::Float(12.5)), "12.5");
        assert_eq!(text(Data::Int(42)), "42");
        assert_eq!(text(Data::Empty), "");
        let date = ExcelDateTime::new(45366.0, ExcelDateTimeType::DateTime, false);
        assert_eq!(text(Data::DateTime(date)), "2024-03-15");
        assert_eq!(
            text(Data::DateTimeIso("2024-03-15T08:00:00".into())),
            "2024-03-15"
        );
        assert_eq!(text(Data::Error(calamine::CellErrorType::NA)), "#N/A");
    }

    #[test]
    fn csv_lines_count_from_the_header() {
        let data = "\u{feff}a,b\r\n1,2\r\n\r\n\n\"x\ny\",3\n4,5";
        let table = read(Format::Csv, data.as_bytes()).expect("a table");
        assert_eq!(&table.header[0], "a");
        let lines: Vec<usize> = table.rows.iter().map(|r| r.line).collect();
        assert_eq!(lines, [2, 5, 7]);
    }

    #[test]
    fn delimiters_and_refusals() {
        let table = read(Format::Csv, "a\tb\n1\t2\n".as_bytes()).expect("a table");
        assert_eq!(table.header.len(), 2);
        let code = |format, data: &[u8]| match read(format, data) {
            Err(AppError::Invalid(e)) => e.code,
            _ => "ok",
        };
        assert_eq!(code(Format::Csv, b""), "empty_file");
        assert_eq!(code(Format::Csv, b" \n\n"), "empty_file");
        assert_eq!(
            code(Format::Csv, b"\xd0\xd5\xc3\xfb,\xca\xd6\xbb\xfa\n"),
            "invalid_encoding"
        );
        assert_eq!(code(Format::Xlsx, b"not a zip"), "invalid_xlsx");
        assert_eq!(
            code(Format::Csv, b"\xD0\xCF\x11\xE0\xA1\xB1"),
            "unsupported_format"
        );
        let mut big = String::from("a\n");
        for _ in 0..=MAX_ROWS {
            big.push_str("1\n");
        }
        assert_eq!(code(Format::Csv, big.as_bytes()), "too_many_rows");
    }
}
