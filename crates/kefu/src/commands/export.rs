//! `kefu export --to DIR`: every table's rows as JSON lines, one file per
//! table, and the customers, vehicles and work orders as Excel workbooks, for
//! another system or an auditor. Works on both databases.
//!
//! Secrets stay behind: login tokens, password hashes, webhook secrets and
//! integration-key digests are not written.

use std::io::Write;
use std::path::Path;

use anyhow::Context;
use kefu_store::backup::{Table, Value, each_row, tables};
use rust_xlsxwriter::{Workbook, Worksheet};

use crate::config::{ExportArgs, resolve};

/// Tables left out whole.
const SECRET_TABLES: [&str; 1] = ["tokens"];
/// Columns left out of every table.
const SECRET_COLUMNS: [&str; 3] = ["password_hash", "secret", "digest"];
/// Tables also written as workbooks, and the file names.
const WORKBOOKS: [(&str, &str); 3] = [
    ("customers", "customers.xlsx"),
    ("vehicles", "vehicles.xlsx"),
    ("tickets", "orders.xlsx"),
];
/// Rows a sheet holds below its header; more go on to the next sheet.
const SHEET_ROWS: u32 = 1_048_575;

pub async fn run(args: ExportArgs) -> anyhow::Result<()> {
    let settings = resolve(&args.db, None)?;
    let store = super::open_store(&settings).await?;
    prepare(&args.to)?;
    let mut conn = store.read().await?;
    let all = tables(&mut conn, store.dialect()).await?;
    let mut total = 0u64;
    let mut written = 0usize;
    for table in all
        .iter()
        .filter(|t| !SECRET_TABLES.contains(&t.name.as_str()))
    {
        let table = Table {
            name: table.name.clone(),
            columns: table
                .columns
                .iter()
                .filter(|c| !SECRET_COLUMNS.contains(&c.as_str()))
                .cloned()
                .collect(),
        };
        let n = write_table(&mut conn, &table, &args.to).await?;
        total += n;
        written += 1;
    }
    drop(conn);
    store.close().await;
    println!(
        "exported {total} rows of {written} tables to {}",
        args.to.display()
    );
    Ok(())
}

/// The folder must be new or empty: an export is never mixed with another.
fn prepare(dir: &Path) -> anyhow::Result<()> {
    if dir.exists() {
        let mut entries =
            std::fs::read_dir(dir).with_context(|| format!("reading {}", dir.display()))?;
        if entries.next().is_some() {
            anyhow::bail!("{} is not empty; name a new folder", dir.display());
        }
    }
    std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))
}

async fn write_table(
    conn: &mut kefu_store::Conn,
    table: &Table,
    dir: &Path,
) -> anyhow::Result<u64> {
    let path = dir.join(format!("{}.ndjson", table.name));
    let file =
        std::fs::File::create(&path).with_context(|| format!("creating {}", path.display()))?;
    let mut lines = std::io::BufWriter::new(file);
    let mut book = WORKBOOKS
        .iter()
        .find(|(t, _)| *t == table.name)
        .map(|(_, name)| Book::new(dir.join(name), &table.columns))
        .transpose()?;
    let mut line = String::new();
    let n = each_row(conn, &table.name, &table.columns, |values| {
        line.clear();
        line.push('{');
        for (i, (column, value)) in table.columns.iter().zip(values).enumerate() {
            if i > 0 {
                line.push(',');
            }
            line.push_str(&serde_json::to_string(column)?);
            line.push(':');
            match value {
                Value::Null => line.push_str("null"),
                Value::Int(v) => line.push_str(&v.to_string()),
                Value::Text(s) => line.push_str(&serde_json::to_string(s)?),
            }
        }
        line.push_str("}\n");
        lines.write_all(line.as_bytes())?;
        if let Some(book) = book.as_mut() {
            book.row(values)?;
        }
        anyhow::Ok(())
    })
    .await
    .with_context(|| format!("reading {}", table.name))?
    .with_context(|| format!("writing {}", path.display()))?;
    lines.flush()?;
    lines.get_ref().sync_all()?;
    if let Some(book) = book {
        book.save()?;
    }
    Ok(n)
}

/// A workbook written row by row, a sheet at a time (constant memory).
struct Book {
    path: std::path::PathBuf,
    columns: Vec<String>,
    workbook: Workbook,
    sheets: usize,
    row: u32,
}

impl Book {
    fn new(path: std::path::PathBuf, columns: &[String]) -> anyhow::Result<Book> {
        let mut b = Book {
            path,
            columns: columns.to_vec(),
            workbook: Workbook::new(),
            sheets: 0,
            row: 0,
        };
        b.next_sheet()?;
        Ok(b)
    }

    fn sheet(&mut self) -> anyhow::Result<&mut Worksheet> {
        Ok(self.workbook.worksheet_from_index(self.sheets - 1)?)
    }

    fn next_sheet(&mut self) -> anyhow::Result<()> {
        let columns = self.columns.clone();
        let sheet = self.workbook.add_worksheet_with_constant_memory()?;
        sheet.set_name(format!("{}", self.sheets + 1))?;
        for (c, name) in columns.iter().enumerate() {
            sheet.write_string(0, col(c)?, name)?;
        }
        self.sheets += 1;
        self.row = 0;
        Ok(())
    }

    fn row(&mut self, values: &[Value]) -> anyhow::Result<()> {
        if self.row == SHEET_ROWS {
            self.next_sheet()?;
        }
        self.row += 1;
        let row = self.row;
        let sheet = self.sheet()?;
        for (c, v) in values.iter().enumerate() {
            match v {
                Value::Null => {}
                Value::Int(n) => {
                    sheet.write_number(row, col(c)?, *n as f64)?;
                }
                Value::Text(s) => {
                    sheet.write_string(row, col(c)?, s)?;
                }
            }
        }
        Ok(())
    }

    fn save(mut self) -> anyhow::Result<()> {
        self.workbook
            .save(&self.path)
            .with_context(|| format!("writing {}", self.path.display()))
    }
}

fn col(i: usize) -> anyhow::Result<u16> {
    u16::try_from(i).context("too many columns for a sheet")
}
