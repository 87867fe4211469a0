/*
 * The engine's own insert rate, for `kefu demo`'s figure: rows of 17 values
 * (4 integers, 13 short texts, the width of a customer or a car) written
 * into the SQLite that kefu bundles, from C, with nothing between the
 * program and SQLite: one prepared multi-row statement of 56 rows bound by
 * position, 10,000 rows per transaction, WAL, synchronous = NORMAL, a 1 GiB
 * page cache (the settings of kefu's bulk load), no index but the primary
 * key. The values are made before the clock starts. Run by run.sh.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sqlite3.h"

#define COLS 17
#define ROWS 1000000
#define BATCH 10000
#define PER_STATEMENT (960 / COLS)

static int is_int(int c) { return c == 0 || c == 1 || c == 13 || c == 16; }

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec / 1e9;
}

static void run(sqlite3 *db, const char *sql) {
    char *err = 0;
    if (sqlite3_exec(db, sql, 0, 0, &err) != SQLITE_OK) {
        fprintf(stderr, "%s: %s\n", sql, err);
        exit(1);
    }
}

int main(int argc, char **argv) {
    if (argc != 2) {
        fprintf(stderr, "usage: floor FILE\n");
        return 2;
    }
    remove(argv[1]);
    sqlite3 *db;
    if (sqlite3_open(argv[1], &db) != SQLITE_OK) return 1;
    run(db, "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; "
            "PRAGMA cache_size = -1048576; PRAGMA wal_autocheckpoint = 100000");
    char sql[20000] = "CREATE TABLE t (c0 INTEGER PRIMARY KEY";
    for (int c = 1; c < COLS; c++)
        sprintf(sql + strlen(sql), ", c%d %s", c, is_int(c) ? "INTEGER" : "TEXT");
    strcat(sql, ")");
    run(db, sql);

    /* Every text value, made before the clock starts. */
    char (*text)[COLS][24] = malloc(sizeof(*text) * ROWS);
    for (int r = 0; r < ROWS; r++)
        for (int c = 0; c < COLS; c++)
            if (!is_int(c)) snprintf(text[r][c], 24, "v%d-%d-abcdefghij", r, c);

    strcpy(sql, "INSERT INTO t VALUES ");
    for (int r = 0; r < PER_STATEMENT; r++) {
        strcat(sql, r ? ", (" : "(");
        for (int c = 0; c < COLS; c++) strcat(sql, c ? ", ?" : "?");
        strcat(sql, ")");
    }
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db, sql, -1, &st, 0) != SQLITE_OK) return 1;

    double start = now();
    long written = 0;
    for (int b = 0; b < ROWS; b += BATCH) {
        run(db, "BEGIN IMMEDIATE");
        for (int r = b; r + PER_STATEMENT <= b + BATCH && r + PER_STATEMENT <= ROWS;
             r += PER_STATEMENT) {
            int k = 1;
            for (int i = r; i < r + PER_STATEMENT; i++)
                for (int c = 0; c < COLS; c++) {
                    if (is_int(c))
                        sqlite3_bind_int64(st, k++, c == 0 ? i + 1 : (long)i * 7 + c);
                    else
                        sqlite3_bind_text(st, k++, text[i][c], -1, SQLITE_TRANSIENT);
                }
            if (sqlite3_step(st) != SQLITE_DONE) {
                fprintf(stderr, "insert: %s\n", sqlite3_errmsg(db));
                return 1;
            }
            sqlite3_reset(st);
            written += PER_STATEMENT;
        }
        run(db, "COMMIT");
    }
    double took = now() - start;
    printf("SQLite %s: %ld rows of %d values in %.2f s: %.0f rows/s\n", sqlite3_libversion(),
           written, COLS, took, written / took);
    sqlite3_finalize(st);
    sqlite3_close(db);
    return 0;
}
