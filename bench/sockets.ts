// Socket.IO clients, as the browser opens them (WebSocket transport only, the session cookie in
// the handshake): the owner's tab that times notifications (P1, P2), and many idle tabs (P5).
import { performance } from "node:perf_hooks";
import { io, type Socket } from "socket.io-client";

function open(url: string, cookie: string, timeoutMs: number): Promise<Socket> {
  const socket = io(url, { transports: ["websocket"], extraHeaders: { cookie }, reconnection: false, forceNew: true });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      socket.close();
      reject(new Error(`socket did not connect in ${timeoutMs} ms`));
    }, timeoutMs);
    // The app says hello once the handshake's session check passed and the rooms are joined.
    socket.once("hello", () => {
      clearTimeout(timer);
      resolve(socket);
    });
    socket.once("connect_error", (error) => {
      clearTimeout(timer);
      socket.close();
      reject(error);
    });
  });
}

type NotificationPayload = { actor?: { id?: string }; post?: { id?: string } };

/** The owner's tab: when each notification first arrived, keyed "<actorId>:<postId>". */
export class Watcher {
  readonly arrivals = new Map<string, number>();
  events = 0;
  private constructor(private readonly socket: Socket) {
    socket.on("notification", (payload: NotificationPayload) => {
      const at = performance.now();
      this.events++;
      const key = `${payload.actor?.id}:${payload.post?.id}`;
      if (!this.arrivals.has(key)) this.arrivals.set(key, at);
    });
  }

  static async connect(url: string, cookie: string): Promise<Watcher> {
    return new Watcher(await open(url, cookie, 10_000));
  }

  close() {
    this.socket.close();
  }
}

/** Many idle authenticated sockets (P5), opened `concurrency` at a time. */
export class SocketCrowd {
  private readonly sockets: Socket[] = [];

  async open(
    url: string,
    cookies: string[],
    count: number,
    concurrency: number,
  ): Promise<{ opened: number; failed: number; seconds: number; firstError: string | null }> {
    let next = 0;
    let failed = 0;
    let firstError: string | null = null;
    const started = performance.now();
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (next < count) {
          const i = next++;
          try {
            this.sockets.push(await open(url, cookies[i % cookies.length]!, 30_000));
          } catch (error) {
            failed++;
            firstError ??= error instanceof Error ? error.message : String(error);
          }
        }
      }),
    );
    return { opened: this.sockets.length, failed, seconds: (performance.now() - started) / 1000, firstError };
  }

  /** How many are still connected: an idle socket the server dropped would not be. */
  connected(): number {
    return this.sockets.filter((s) => s.connected).length;
  }

  close(): number {
    for (const s of this.sockets) s.close();
    const closed = this.sockets.length;
    this.sockets.length = 0;
    return closed;
  }
}
