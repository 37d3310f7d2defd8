// What a simulate run did, for the summary it prints at the end: actions, likes, unlikes and
// errors in all, per bot and per target, and every error by HTTP status ("network" for none).

type Tally = { actions: number; likes: number; unlikes: number; errors: number };
const tally = (): Tally => ({ actions: 0, likes: 0, unlikes: 0, errors: 0 });

export type Outcome = "like" | "unlike" | { error: string };

export class RunTally {
  readonly total = tally();
  readonly byBot = new Map<string, Tally>();
  readonly byTarget = new Map<string, Tally>();
  /** HTTP status, or "network", -> how many times. */
  readonly errorsByStatus = new Map<string, number>();
  readonly startedAt = Date.now();

  constructor(bots: readonly string[], targets: readonly string[]) {
    for (const bot of bots) this.byBot.set(bot, tally());
    for (const target of targets) this.byTarget.set(target, tally());
  }

  record(bot: string, target: string, outcome: Outcome): void {
    for (const t of [this.total, this.byBot.get(bot)!, this.byTarget.get(target)!]) {
      t.actions += 1;
      if (outcome === "like") t.likes += 1;
      else if (outcome === "unlike") t.unlikes += 1;
      else t.errors += 1;
    }
    if (typeof outcome === "object") this.error(outcome.error);
  }

  /** An error outside an action (signing in, reading the photos). */
  error(status: string): void {
    this.errorsByStatus.set(status, (this.errorsByStatus.get(status) ?? 0) + 1);
  }

  summary(): string {
    const line = (t: Tally) => `${t.actions} actions, ${t.likes} likes, ${t.unlikes} unlikes, ${t.errors} errors`;
    const width = Math.max(...[...this.byBot.keys(), ...this.byTarget.keys()].map((name) => name.length));
    const errors = [...this.errorsByStatus]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([status, n]) => `${status}: ${n}`);
    return [
      `simulate: done after ${((Date.now() - this.startedAt) / 1000).toFixed(1)} s`,
      `total: ${line(this.total)}`,
      `errors by status (every request, signing in too): ${errors.length ? errors.join(", ") : "none"}`,
      "by bot:",
      ...[...this.byBot].map(([name, t]) => `  ${name.padEnd(width)}  ${line(t)}`),
      "by target:",
      ...[...this.byTarget].map(([name, t]) => `  ${name.padEnd(width)}  ${line(t)}`),
    ].join("\n");
  }
}
