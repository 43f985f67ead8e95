import { existsSync } from "node:fs";
import { chmod, chown, mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RecoverResult } from "../../src/recover/types";
import { LEAKED_USER } from "../support/aws-world";
import { diagnoseReport } from "../support/diagnose-report";
import type { FakeImds } from "../support/imds";
import { PROXY_ROLE, PROXY_SESSION, startSeed002Proxy } from "../support/imds-proxy";
import { NOBODY } from "../support/cli";
import { expectNoSecrets, leakedCredentials, useSimulatedNode } from "../support/simulated-node";

// The downgraded-role proxy as its sample imds-proxy-server.py runs it: the proxy lists `ImdsProxyRole` and serves ImdsProxyTestRole's keys.
const LISTED_ROLE = "ImdsProxyRole";

describe("a non-root user behind a downgraded-role IMDS proxy: whoami, diagnose and recover agree", () => {
  const node = useSimulatedNode();
  let proxy: FakeImds;
  const home = () => join(node.sandbox.root, "home", "nobody");
  /** The built CLI as `nobody`, whose IMDS requests the iptables redirect sends to the proxy. */
  const asUser = (args: string[]) =>
    node.hpiam(args, { HOME: home(), AWS_EC2_METADATA_SERVICE_ENDPOINT: proxy.endpoint }, { asNobody: true });

  beforeAll(async () => {
    if (process.getuid?.() !== 0) throw new Error("this test runs as root, as npm test does (README)");
    proxy = await startSeed002Proxy(node, LISTED_ROLE);
    await chmod(node.sandbox.root, 0o755);
    await chmod(node.env.HPIAM_STUB_LOG ?? "", 0o666);
    await mkdir(home(), { mode: 0o700 });
    await chown(home(), NOBODY, NOBODY);
  });
  afterAll(async () => {
    await proxy?.stop();
  });

  it("takes the proxy's downgraded role for this user's expected identity (exit 0)", async () => {
    const whoami = await asUser(["whoami", "--json"]);
    expect(whoami.exitCode, whoami.stdout).toBe(0);
    expect(JSON.parse(whoami.stdout)).toMatchObject({
      identity: { arn: expect.stringContaining(`assumed-role/${PROXY_ROLE}/${PROXY_SESSION}`) },
      verdict: {
        status: "healthy",
        expectedRole: PROXY_ROLE,
        expectedFrom: "imds-proxy",
        reason: expect.stringMatching(
          new RegExp(
            `${PROXY_ROLE}, the downgraded role a local IMDS proxy serves non-root users \\(it lists ${LISTED_ROLE}\\)`,
          ),
        ),
      },
    });
    const human = await asUser(["whoami"]);
    expect(human.exitCode).toBe(0);
    expect(human.stdout).toMatch(/^✔ healthy/);

    const report = diagnoseReport(await asUser(["diagnose", "--json"]));
    expect(report.exitCode).toBe(0);
    expect(report.doc.summary.status).toBe("healthy");
    expect(report.check("instance-profile")).toMatchObject({
      status: "pass",
      message: expect.stringContaining(`the downgraded role ${PROXY_ROLE}`),
    });
    expectNoSecrets(node, whoami, human);
  });

  it("finds `aws configure` keys on top of it, removes them and verifies against the proxy's role", async () => {
    const aws = join(home(), ".aws");
    await mkdir(aws, { mode: 0o700 });
    await writeFile(join(aws, "credentials"), leakedCredentials(node), { mode: 0o600 });
    await chown(aws, NOBODY, NOBODY);
    await chown(join(aws, "credentials"), NOBODY, NOBODY);

    const before = await asUser(["whoami", "--json"]);
    expect(before.exitCode).toBe(1);
    expect(JSON.parse(before.stdout).verdict.status).toBe("overridden");

    const result = await asUser(["recover", "--yes", "--no-reboot", "--json"]);
    expect(result.exitCode, result.stdout).toBe(0);
    const doc = JSON.parse(result.stdout) as RecoverResult;
    expect(doc).toMatchObject({
      result: "recovered",
      identityBefore: { type: "iam-user", name: LEAKED_USER },
      verification: {
        status: "healthy",
        arn: expect.stringContaining(`assumed-role/${PROXY_ROLE}/${PROXY_SESSION}`),
      },
    });
    expect(existsSync(aws)).toBe(false);

    // The job is done: no lock left behind, and a second run has nothing to do.
    const again = await asUser(["recover", "--yes", "--no-reboot", "--json"]);
    expect(again.exitCode, again.stdout).toBe(0);
    expect(JSON.parse(again.stdout).result).toBe("nothing-to-do");
    expectNoSecrets(node, before, result, again);
  });
});
