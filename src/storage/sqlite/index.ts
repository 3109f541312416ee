/** The SQLite adapter of the store: `openSqliteStore(path)` gives a `Store`. */
export { openSqliteStore, SqliteStore, type SqliteStoreOptions } from './store.js';
