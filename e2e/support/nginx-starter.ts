// nginx in front of the stack's app servers: scripts/lib/nginx.ts, i.e. the project's own nginx
// config (nginx/), on two free ports, with per-address rate limits raised for the suite.
import type { NginxStarter } from "../../scripts/lib/stack";
import { freePort } from "../../scripts/lib/processes";
import { startNginx } from "../../scripts/lib/nginx";

export function nginxStarter(log: (line: string) => void = () => undefined): NginxStarter {
  return async (upstreams, runDir, { uploadsDir }) => {
    const httpPort = await freePort();
    let httpsPort = await freePort();
    while (httpsPort === httpPort) httpsPort = await freePort();
    const nginx = await startNginx({
      runDir,
      httpPort,
      httpsPort,
      upstreams,
      uploadsDir,
      // Every test signs several users in from 127.0.0.1, two workers at once, and clicks fast:
      // the production per-address limits (nginx/defaults.env: 20 r/s API, 10 sign-ins a minute)
      // would answer 429. The suite tests the app, not nginx's limits (tests/unit covers those).
      apiRatePerSecond: 1000,
      apiBurst: 1000,
      signinRatePerMinute: 6000,
      signinBurst: 1000,
      log,
    });
    return { httpUrl: nginx.httpUrl, httpsUrl: nginx.httpsUrl, stop: () => nginx.stop() };
  };
}
