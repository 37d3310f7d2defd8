// P5: many idle authenticated sockets on one app process. Opened straight to the app's port, not
// through nginx: nginx/nginx.conf allows 8192 connections per worker, and each proxied WebSocket
// holds two (client side and app side), so nginx would cap the count before the app does.
// Sessions: a few signed-in users, each with many sockets (a user with many tabs); every
// handshake still decodes the session cookie and checks it was not signed out, as any does.
import type { BenchContext } from "../context";
import { sample, type Memory } from "../memory";
import { round } from "../stats";

export type P5Result = {
  requested: number;
  sessions: number;
  /** Handshakes in flight at once while opening. */
  concurrency: number;
  opened: number;
  failed: number;
  firstError: string | null;
  connectSeconds: number;
  socketsPerSecond: number;
  stillConnected: number;
  before: Memory;
  withSockets: Memory;
  afterClose: Memory;
  rssKbPerSocket: number | null;
};

export async function runP5(ctx: BenchContext): Promise<P5Result> {
  const { sockets, sessions, concurrency } = ctx.config.p5;
  const app = ctx.stack.apps[0]!;
  const pid = app.proc.child.pid!;
  const cookies = ctx.world.likers.slice(0, sessions).map((u) => ctx.cookies.get(u.id)!);
  const before = await sample(pid, ctx.probeDir);
  ctx.log(`P5 opening ${sockets} sockets (${sessions} sessions, ${concurrency} at a time) on ${app.url}`);
  const opened = await ctx.client.openSockets(app.url, cookies, sockets, concurrency);
  // Idle a moment, so the figure is the sockets' standing cost, not the handshakes' garbage.
  await new Promise((r) => setTimeout(r, ctx.config.quick ? 1000 : 5000));
  const { connected } = await ctx.client.socketsConnected();
  const withSockets = await sample(pid, ctx.probeDir);
  await ctx.client.closeSockets();
  await new Promise((r) => setTimeout(r, 1000));
  const afterClose = await sample(pid, ctx.probeDir);
  return {
    requested: sockets,
    sessions,
    concurrency,
    opened: opened.opened,
    failed: opened.failed,
    firstError: opened.firstError,
    connectSeconds: round(opened.seconds),
    socketsPerSecond: round(opened.opened / opened.seconds, 0),
    stillConnected: connected,
    before,
    withSockets,
    afterClose,
    rssKbPerSocket: opened.opened ? round(((withSockets.rssMb - before.rssMb) * 1024) / opened.opened, 1) : null,
  };
}
