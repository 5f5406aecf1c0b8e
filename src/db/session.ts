/**
 * HNSW candidate list size for knowledge-base searches (pgvector's hnsw.ef_search; its default, 40, returns fewer
 * rows than the 64 nearest chunks a search asks for). Set once per database session rather than with SET LOCAL in a
 * transaction around every search: that took a search from 1 statement to 4.
 */
export const HNSW_EF_SEARCH = 100;

/** Run on every new database session, before anything else. */
export const SESSION_SETUP = `SET hnsw.ef_search = ${HNSW_EF_SEARCH}`;
