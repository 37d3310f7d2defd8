// Redis connections. Each long-lived role gets its own connection: BullMQ workers block on theirs,
// and a pub/sub subscriber cannot issue normal commands.
//
// With REDIS_SENTINELS every connection asks the Sentinels for REDIS_SENTINEL_NAME's primary, and
// asks again on each reconnect, so after a failover it reaches the promoted replica (ioredis refuses
// a server that answers as a replica). failoverDetector also listens for +switch-master and drops
// connections to a demoted primary that is still up, rather than waiting for it to fail.
import { Redis, type RedisOptions } from "ioredis";
import { env } from "./env";
import { log } from "./log";

export function createRedis(role: string, options: RedisOptions = {}): Redis {
  const named: RedisOptions = { connectionName: `${env().REDIS_PREFIX}:${role}`, ...options };
  const { REDIS_URL, REDIS_SENTINELS, REDIS_SENTINEL_NAME } = env();
  const client = REDIS_SENTINELS
    ? new Redis({ sentinels: REDIS_SENTINELS, name: REDIS_SENTINEL_NAME, failoverDetector: true, ...named })
    : new Redis(REDIS_URL!, named);
  let down = false;
  client.on("error", (error) => {
    // ioredis reconnects by itself; log once per outage, not once per retry.
    if (!down) log.warn({ err: error, role }, "redis connection error");
    down = true;
  });
  client.on("ready", () => {
    if (down) log.info({ role }, "redis connection restored");
    down = false;
  });
  reopenWhenEndedUnasked(client, role);
  connections.set(role, client);
  return client;
}

/**
 * ioredis can end a connection for good that no one closed: a Sentinel failover detector left from
 * the connection before an outage stays subscribed, and when +switch-master arrives while the
 * connection is being re-established it closes the connector under it, so the reconnect fails as
 * "Connection is closed." and the client's status becomes "end" (seen in CI: the app's command
 * connection never came back after a SIGKILLed primary was replaced). A client ends otherwise only
 * when closed (quit, disconnect), by this process or by BullMQ for the connections it is given, so
 * one that ends without either is opened again.
 */
function reopenWhenEndedUnasked(client: Redis, role: string): void {
  let closing = false;
  const quit = client.quit.bind(client);
  const disconnect = client.disconnect.bind(client);
  client.quit = ((...args: Parameters<Redis["quit"]>) => {
    closing = true;
    return quit(...args);
  }) as Redis["quit"];
  client.disconnect = (reconnect = false) => {
    if (!reconnect) closing = true;
    disconnect(reconnect);
  };
  client.on("end", () => {
    if (closing) return;
    log.warn({ role }, "redis connection ended though nothing closed it; opening it again");
    setTimeout(() => client.connect().catch(() => undefined), 100);
  });
}

// Every connection made here, by role, for likes_redis_connection_up (server/telemetry/collectors.ts).
// On globalThis: Next's bundle of the route handlers makes some of them, the custom server the rest.
const globalForConnections = globalThis as unknown as { __likesRedisConnections?: Map<string, Redis> };
const connections = (globalForConnections.__likesRedisConnections ??= new Map<string, Redis>());

/** This process's Redis connections, by role. */
export function redisConnections(): ReadonlyMap<string, Redis> {
  return connections;
}

/** Namespaced key: every key this app writes starts with REDIS_PREFIX. */
export function redisKey(...parts: string[]): string {
  return [env().REDIS_PREFIX, ...parts].join(":");
}

const globalForRedis = globalThis as unknown as { __likesRedis?: Redis };

/**
 * The app's command connection (rate limits, health). Fails fast when Redis is away instead of
 * queueing commands: a like must not hang on Redis, whose work the outbox relay can redo later.
 */
export function redis(): Redis {
  globalForRedis.__likesRedis ??= createRedis("app", { enableOfflineQueue: false, maxRetriesPerRequest: 1 });
  return globalForRedis.__likesRedis;
}

/**
 * Resolves once the client is connected (immediately if it is), rejects after timeoutMs. Waits
 * only for a first connection under way; a client that lost Redis and is retrying rejects at once,
 * so an outage costs a request nothing but the fallback (waiting would hold every like for the
 * full timeout on the rate limiter).
 */
export function whenReady(client: Redis, timeoutMs: number): Promise<void> {
  if (client.status === "ready") return Promise.resolve();
  if (client.status === "reconnecting" || client.status === "end" || client.status === "close") {
    return Promise.reject(new Error(`redis unavailable (${client.status})`));
  }
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      client.off("ready", onReady);
      reject(new Error(`redis not ready after ${timeoutMs} ms`));
    }, timeoutMs);
    const onReady = () => {
      clearTimeout(timer);
      resolve();
    };
    client.once("ready", onReady);
  });
}
