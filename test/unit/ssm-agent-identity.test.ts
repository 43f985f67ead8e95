import { describe, expect, it } from "vitest";
import {
  parseAgentVersion,
  parseIdentityConfig,
  parseShareCreds,
  rootKeysImpact,
  type SsmAgentState,
} from "../../src/node/model/ssm-agent";

const ROOT_FILE = "/root/.aws/credentials";
const leaked = { path: ROOT_FILE, profile: "default", accessKeyId: "AKIA…MPLE" };
const agentsSection = { path: ROOT_FILE, profile: "default", accessKeyId: "ASIA…AGNT" };

/** identity_config.json as the agent writes it (common/runtimeconfig), with `fields` changed. */
const identityConfig = (fields: Record<string, string>) =>
  JSON.stringify({
    SchemaVersion: "1.1",
    InstanceId: "mi-0123456789abcdef0",
    IdentityType: "OnPrem",
    ShareFile: ROOT_FILE,
    ShareProfile: "",
    CredentialsExpiresAt: "2026-11-23T13:00:00Z",
    CredentialsRetrievedAt: "2026-11-23T12:00:00Z",
    CredentialSource: "SSM",
    ...fields,
  });

const agent = (fields: Record<string, string>, more: Partial<SsmAgentState> = {}): SsmAgentState => ({
  identity: parseIdentityConfig(identityConfig(fields)),
  shareCreds: true,
  version: "3.3.1142.0",
  unit: "amazon-ssm-agent",
  ...more,
});
const onPrem = agent({});
const ec2 = agent({ IdentityType: "EC2", ShareFile: "", CredentialSource: "EC2", InstanceId: "i-0abc" });

describe("the SSM agent's identity (identity_config.json, amazon-ssm-agent.json, --version)", () => {
  it("reads what the agent recorded; an empty ShareProfile is the agent's `default`", () => {
    expect(parseIdentityConfig(identityConfig({}))).toEqual({
      identityType: "OnPrem",
      credentialSource: "SSM",
      instanceId: "mi-0123456789abcdef0",
      shareFile: ROOT_FILE,
      shareProfile: "default",
    });
    expect(parseIdentityConfig(identityConfig({ IdentityType: "EC2", ShareFile: "" }))).toMatchObject({
      shareFile: null,
      shareProfile: null,
    });
  });

  it("says why when the file is not the agent's", () => {
    expect(parseIdentityConfig("{")).toEqual({ unread: expect.stringMatching(/is not JSON$/) });
    expect(parseIdentityConfig("null")).toEqual({ unread: expect.stringMatching(/names no IdentityType$/) });
  });

  it("takes ShareCreds as the agent does: true unless the file says false", () => {
    expect(parseShareCreds('{"Profile":{"ShareCreds":false}}')).toBe(false);
    expect(parseShareCreds('{"Profile":{"ShareProfile":""}}')).toBe(true);
    expect(parseShareCreds("not json")).toBe(true);
  });

  it("reads the version `amazon-ssm-agent --version` prints", () => {
    expect(parseAgentVersion("SSM Agent version: 3.2.1377.0\n")).toBe("3.2.1377.0");
    expect(parseAgentVersion("")).toBeNull();
  });
});

describe("what root's keys break (rootKeysImpact)", () => {
  it("OnPrem sharing through root's [default]: a long-term key where the agent's temporary one belongs", () => {
    expect(rootKeysImpact(onPrem, [leaked])).toEqual({
      impact: "agent-connection",
      used: leaked,
      says: "the SSM agent's OnPrem identity shares its own credentials through this file and profile, and a long-term key now sits where its temporary one belongs: its connection fails until it refreshes them",
    });
  });

  it("the agent's own temporary credentials in its section are not root's keys", () => {
    const finding = rootKeysImpact(onPrem, [agentsSection]);
    expect(finding).toMatchObject({ impact: "none", agentsOwn: agentsSection });
    expect(finding.used).toBeUndefined();
  });

  it("follows ShareProfile and ShareFile: keys elsewhere leave the connection alone", () => {
    const inSsm = agent({ ShareProfile: "ssm" });
    expect(rootKeysImpact(inSsm, [leaked]).impact).toBe("agent-commands");
    expect(rootKeysImpact(inSsm, [{ ...leaked, profile: "ssm" }])).toMatchObject({
      impact: "agent-connection",
      used: { profile: "ssm" },
    });
    expect(rootKeysImpact(agent({ ShareFile: "/etc/ssm/creds" }), [leaked]).impact).toBe("agent-commands");
  });

  it("OnPrem with ShareCreds false shares nothing: only the documents it runs sign with root's keys", () => {
    expect(rootKeysImpact({ ...onPrem, shareCreds: false }, [leaked]).impact).toBe("agent-commands");
  });

  it("EC2 from 3.2.1297 on: the connection survives, Run Command and patching sign with root's keys", () => {
    const finding = rootKeysImpact(ec2, [leaked]);
    expect(finding.impact).toBe("agent-commands");
    expect(finding.says).toMatch(/Run Command, patching\) signs with them; its connection \(EC2 identity\)/);
    expect(rootKeysImpact({ ...ec2, version: "3.2.1297.0" }, [leaked]).impact).toBe("agent-commands");
    expect(rootKeysImpact({ ...ec2, version: null }, [leaked]).impact).toBe("agent-commands");
  });

  it("EC2 before 3.2.1297: its documents had the agent's own credentials", () => {
    const finding = rootKeysImpact({ ...ec2, version: "3.2.1241.0" }, [leaked]);
    expect(finding).toMatchObject({ impact: "none", used: leaked });
    expect(finding.says).toMatch(/before 3\.2\.1297\) gives the documents it runs its own credentials$/);
  });

  it("unknown when the agent's identity cannot be read, or is one hpiam does not know, saying why", () => {
    const unread = { ...onPrem, identity: { unread: "no identity_config.json" } };
    expect(rootKeysImpact(unread, [leaked])).toMatchObject({
      impact: "unknown",
      says: expect.stringMatching(
        /the SSM agent may too.*\(its identity is unknown: no identity_config.json\)$/,
      ),
    });
    expect(rootKeysImpact(agent({ IdentityType: "CustomIdentity" }), [leaked]).says).toMatch(
      /its CustomIdentity identity/,
    );
  });

  it("keys under other profiles reach nothing by default", () => {
    const finding = rootKeysImpact(ec2, [{ ...leaked, profile: "admin" }]);
    expect(finding.impact).toBe("none");
    expect(finding.used).toBeUndefined();
  });
});
