// The HTTPS listener against Mozilla's "intermediate" profile, judged by testssl.sh (Debian's
// package) run against the nginx of a real stack (the app behind it, so the page testssl fetches
// for its HTTP checks, BREACH among them, is the app's own). Any finding of severity LOW or above
// fails the test, except the few a self-signed certificate for localhost must give, each listed
// with its reason. testssl takes about a minute and a half here.
import assert from "node:assert/strict";
import { execFile, execFileSync } from "node:child_process";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { after, before, test } from "node:test";
import { promisify } from "node:util";
import { nginxOnFreePorts } from "../../tooling/nginx";
import { startTestStack, type TestStack } from "../support/harness";

const run = promisify(execFile);

/** What a self-signed certificate for localhost cannot avoid, by testssl's finding id. */
const SELF_SIGNED_ONLY: Record<string, string> = {
  cert_chain_of_trust: "self-signed: no CA vouches for it (production mounts a CA-issued certificate)",
  cert_revocation: "self-signed: no CA, so no CRL or OCSP responder to name",
  DNS_CAArecord: "CAA is a DNS record of a real domain naming its CAs; localhost has none",
  OCSP_stapling: "self-signed: no OCSP responder to staple an answer from",
};

const BLOCKING = new Set(["LOW", "MEDIUM", "HIGH", "CRITICAL"]);

type Finding = { id: string; severity: string; finding: string };

let stack: TestStack;
let findings: Finding[] = [];
let target = "";

before(async () => {
  stack = await startTestStack("tls", { nginx: nginxOnFreePorts() });
  target = new URL(stack.httpsUrl!).host.replace(/^localhost/, "127.0.0.1");
  const report = path.join(stack.runDir, "testssl.json");
  // Exit status counts findings; the JSON file is what we judge, so a non-zero exit is expected.
  await run("testssl", ["--quiet", "--color", "0", "--warnings", "off", "--jsonfile", report, target], {
    timeout: 300_000,
    maxBuffer: 16 * 1024 * 1024,
  }).catch((error: { code?: unknown }) => {
    if (typeof error.code !== "number") throw error;
  });
  findings = JSON.parse(await readFile(report, "utf8")) as Finding[];
});

after(async () => {
  await stack?.stop();
});

const byId = (id: string) => findings.find((f) => f.id === id);

test("testssl.sh: no finding of severity LOW or above beyond what self-signing implies", () => {
  assert.ok(findings.length > 50, `testssl reported only ${findings.length} results: did it reach ${target}?`);
  const blocking = findings.filter((f) => BLOCKING.has(f.severity) && !(f.id in SELF_SIGNED_ONLY));
  assert.deepEqual(
    blocking.map((f) => `${f.severity} ${f.id}: ${f.finding}`),
    [],
    "findings testssl.sh rates LOW or above",
  );
});

test("protocols: TLS 1.2 and 1.3 only", () => {
  for (const id of ["SSLv2", "SSLv3", "TLS1", "TLS1_1"]) assert.match(byId(id)?.finding ?? "", /^not offered/, id);
  assert.match(byId("TLS1_2")?.finding ?? "", /^offered/);
  assert.match(byId("TLS1_3")?.finding ?? "", /^offered/);
});

test("ciphers: forward-secret AEAD only (no CBC, so no LUCKY13), in the server's order", () => {
  for (const id of [
    "cipherlist_NULL",
    "cipherlist_aNULL",
    "cipherlist_EXPORT",
    "cipherlist_LOW",
    "cipherlist_3DES_IDEA",
  ])
    assert.match(byId(id)?.finding ?? "", /^not offered/, id);
  // testssl 3.0 names the CBC class "AVERAGE"; 3.1+ "OBSOLETED".
  const cbc = byId("cipherlist_AVERAGE") ?? byId("cipherlist_OBSOLETED");
  assert.match(cbc?.finding ?? "", /^not offered/, "CBC ciphers");
  assert.match(byId("LUCKY13")?.finding ?? "", /not vulnerable/);
  // testssl 3.0 says PFS, 3.1+ FS.
  assert.match((byId("PFS") ?? byId("FS"))?.finding ?? "", /^offered/, "forward secrecy");
  assert.equal(byId("cipher_order")?.finding, "server");
});

test("HSTS on HTTPS, two years", () => {
  assert.match(byId("HSTS_time")?.finding ?? "", /730 days/);
});

// testssl 3.0.8 cannot run its own resumption checks against OpenSSL 3 (it reports "connect
// problem", a WARN, not a finding): OpenSSL's own client checks the TLS 1.2 one.
test("TLS 1.2 sessions resume from nginx's session cache, without tickets", () => {
  // `-reconnect` connects again five times with the first connection's session.
  const stdout = execFileSync(
    "openssl",
    ["s_client", "-connect", target, "-servername", "localhost", "-tls1_2", "-no_ticket", "-reconnect"],
    { input: "", encoding: "utf8", stdio: ["pipe", "pipe", "ignore"], timeout: 30_000 },
  );
  const reused = stdout.split("\n").filter((line) => line.startsWith("Reused,")).length;
  assert.ok(reused >= 5, `session resumed ${reused} of 5 times`);
});
