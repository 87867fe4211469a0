-- The two schemas agree (checked by the test in src/dialect/tests.rs).
--
-- The foreign keys from a department to its head and its vice-president
-- are added after `users` (which refers to departments), and were named
-- only here; SQLite keeps no name for a foreign key, and every other one of
-- kefu's is unnamed on both engines. They take the name PostgreSQL gives an
-- unnamed foreign key.
ALTER TABLE departments RENAME CONSTRAINT departments_head_fk TO departments_head_id_fkey;
ALTER TABLE departments RENAME CONSTRAINT departments_vp_fk TO departments_vp_id_fkey;
