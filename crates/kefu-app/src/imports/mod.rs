//! Importing customers and vehicles from CSV and Excel files.
