import { chmod } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EXECUTION_ROLE } from "../support/aws-world";
import { diagnose, diagnoseReport, expectEveryCheck } from "../support/diagnose-report";
import { type FakeImds, startScriptedEndpoint, seed002ProxyRules } from "../support/imds";
import { PROXY_ROLE, startSeed002Proxy } from "../support/imds-proxy";
import { expectNoSecrets, useSimulatedNode } from "../support/simulated-node";

describe("hpiam diagnose with a downgraded-role IMDS proxy, as root and as a non-root user", () => {
  const node = useSimulatedNode();
  let proxy: FakeImds;
  beforeAll(async () => {
    proxy = await startSeed002Proxy(node);
    // Readable by an ordinary user, as a node's homes and stub log are.
    await chmod(node.sandbox.root, 0o755);
    await chmod(node.env.HPIAM_STUB_LOG ?? "", 0o666);
  });
  afterAll(async () => {
    await proxy?.stop();
  });

  const proxyRules = () => seed002ProxyRules(new URL(proxy.endpoint).port);

  /** The built CLI as `nobody`: what a cluster user without sudo sees. */
  const asNobody = (args: string[], env: Record<string, string> = {}) =>
    node.hpiam(["diagnose", ...args], env, { asNobody: true });

  it("as root, explains the proxy: non-root users get the downgraded role on purpose", async () => {
    const { exitCode, check, result } = await diagnose(node, [], { FAKE_IPTABLES_SAVE: proxyRules() });
    expect(exitCode).toBe(0);
    expect(check("imds-proxy")).toMatchObject({
      status: "pass",
      message: expect.stringMatching(
        new RegExp(
          `non-root users get ${PROXY_ROLE} from 127\\.0\\.0\\.1:\\d+ on purpose; root keeps ${EXECUTION_ROLE}`,
        ),
      ),
      details: { setup: "proxy", directAccessBlocked: true, proxyRole: PROXY_ROLE },
    });
    expect(check("instance-profile").status).toBe("pass");
    expectNoSecrets(node, result);
  });

  it("as root, warns when non-root users can still reach the role agent directly", async () => {
    const rules = proxyRules().replace(/^-A OUTPUT -d 169\.254\.0\.2.*$/m, "");
    const { check } = await diagnose(node, ["--checks", "imds-proxy"], { FAKE_IPTABLES_SAVE: rules });
    expect(check("imds-proxy")).toMatchObject({
      status: "warn",
      remediation:
        "sudo iptables -A OUTPUT -d 169.254.0.2 -p tcp --dport 9081 -m owner ! --uid-owner 0 -j DROP",
    });
  });

  it("as a non-root user, skips the root-only checks with 'run with sudo' and stays healthy", async () => {
    const result = await asNobody(["--json"]);
    const { exitCode, doc, check } = diagnoseReport(result);
    expect(exitCode).toBe(0);
    expectEveryCheck(doc);
    expect(check("root-credentials")).toMatchObject({ status: "skip", message: "needs root: run with sudo" });
    expect(check("imds-proxy")).toMatchObject({
      status: "skip",
      message: "needs root to read iptables: run with sudo",
    });
    expect(check("caller-identity").message).toContain(`assumed-role/${EXECUTION_ROLE}/SageMaker`);
    expectNoSecrets(node, result);
  });

  it("as a non-root user behind the proxy, takes the downgraded role for what it is", async () => {
    // What the iptables redirect does for non-root users: their IMDS is the proxy.
    const result = await asNobody(["--json"], { AWS_EC2_METADATA_SERVICE_ENDPOINT: proxy.endpoint });
    const { exitCode, check } = diagnoseReport(result);
    expect(exitCode).toBe(0);
    expect(check("caller-identity").message).toContain(`assumed-role/${PROXY_ROLE}/test-session`);
    expect(check("credential-source").status).toBe("pass");
    expect(check("instance-profile")).toMatchObject({
      status: "pass",
      message: `role ${PROXY_ROLE}, the identity in use`,
    });
    expect(check("imds-proxy")).toMatchObject({
      status: "skip",
      message: expect.stringMatching(
        new RegExp(
          `session test-session, not HyperPod's SageMaker: a local IMDS proxy may give non-root users ${PROXY_ROLE} on purpose`,
        ),
      ),
    });
    expectNoSecrets(node, result);
  });

  it("refuses --all-users without root (exit 2)", async () => {
    const result = await asNobody(["--all-users"]);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toMatch(/--all-users needs root/);
  });
});

describe("hpiam diagnose off a node and with a hanging IMDS", () => {
  const node = useSimulatedNode();
  it("off a node (no IMDS, no resource_config.json): hyperpod-node skips, the JSON answer comes", async () => {
    const { exitCode, doc, check } = await diagnose(node, [], {
      AWS_EC2_METADATA_SERVICE_ENDPOINT: "http://127.0.0.1:9",
      HPIAM_RESOURCE_CONFIG: join(node.sandbox.root, "nowhere", "resource_config.json"),
    });
    expectEveryCheck(doc);
    expect(check("hyperpod-node")).toMatchObject({
      status: "skip",
      message: expect.stringMatching(/^not a HyperPod node/),
    });
    expect(doc.node).toBeNull();
    expect(check("instance-profile").status).toBe("skip");
    expect(check("ssm-agent").status).toBe("skip");
    // No keys to judge: could not decide, as whoami's `no-credentials` (exit 3 in both).
    expect(check("caller-identity")).toMatchObject({ status: "error", message: "no AWS credentials found" });
    expect(exitCode).toBe(3);
  });

  it("still reports, within 10 s, when IMDS accepts connections and never answers", async () => {
    const imds = await startScriptedEndpoint({ hang: true });
    try {
      const started = Date.now();
      const { exitCode, doc, check } = await diagnose(node, [], {
        AWS_EC2_METADATA_SERVICE_ENDPOINT: imds.endpoint,
      });
      // An endpoint that hangs must not hold the report back.
      expect(Date.now() - started).toBeLessThan(10_000);
      expect(exitCode).toBe(1);
      expectEveryCheck(doc);
      expect(["fail", "error"]).toContain(check("instance-profile").status);
      expect(check("hyperpod-node").message).toContain("ml-cluster");
    } finally {
      await imds.stop();
    }
  });
});
