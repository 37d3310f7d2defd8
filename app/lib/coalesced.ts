// One request at a time, and no pile-up: calls made while a run is under way ask for exactly one
// more run after it, whose answer is then the newest. Used wherever the browser re-reads something
// the server may change at any moment (the inbox catch-up, "seen", a post's likers).

/**
 * Wraps `task` so that it never runs twice at once. A call while it runs schedules one more run
 * (however many calls came) and gets the promise of the whole series, which settles when the run
 * covering that call is done. A rejection ends the series and reaches every caller of it.
 */
export function coalesced(task: () => Promise<void>): () => Promise<void> {
  let series: Promise<void> | null = null;
  let again = false;
  return () => {
    if (series) {
      again = true;
      return series;
    }
    series = (async () => {
      try {
        do {
          again = false;
          await task();
        } while (again);
      } finally {
        series = null;
      }
    })();
    return series;
  };
}
