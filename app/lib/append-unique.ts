// "Load more" under a keyset cursor: the next page goes below what is shown. A row that moved
// between pages (new rows arrived above it meanwhile) can come twice; it is listed once.

/** `current` followed by the rows of `page` whose key is not in it yet. */
export function appendUnique<T>(current: T[], page: T[], key: (row: T) => string): T[] {
  const known = new Set(current.map(key));
  return [...current, ...page.filter((row) => !known.has(key(row)))];
}
