import { describe, expect, it } from "vitest";
import { placeHostEntry, renderHostEntry } from "../../src/connect/model/ssh-config";
import {
  explainRefusal,
  isPlainTarget,
  sshProxyCommand,
  ssmClusterId,
  ssmTarget,
  startSessionCommand,
} from "../../src/connect/model/ssm-session";

const TARGET = "sagemaker-cluster:aa11bbbbb222_controller-machine-i-0123456789abcdef0";

describe("SSM targets and commands", () => {
  it("builds the target from the id in the cluster ARN, not the name", () => {
    const clusterId = ssmClusterId("arn:aws:sagemaker:us-west-2:123456789012:cluster/aa11bbbbb222");
    expect(clusterId).toBe("aa11bbbbb222");
    expect(
      ssmTarget({
        clusterId: clusterId ?? "",
        group: "controller-machine",
        instanceId: "i-0123456789abcdef0",
      }),
    ).toBe(TARGET);
    expect(ssmClusterId("ml-cluster")).toBeUndefined();
    expect(ssmClusterId("arn:aws:sagemaker:us-west-2:123456789012:endpoint/x")).toBeUndefined();
  });

  it("starts a session in the cluster's Region and profile, with extra arguments last", () => {
    expect(startSessionCommand(TARGET, { region: "us-west-2", profile: "ops" }, ["--reason", "x"])).toEqual([
      "aws",
      "ssm",
      "start-session",
      "--target",
      TARGET,
      "--region",
      "us-west-2",
      "--profile",
      "ops",
      "--reason",
      "x",
    ]);
  });

  it("makes the ProxyCommand of ssh over SSM (AWS-StartSSHSession on ssh's port)", () => {
    expect(sshProxyCommand(TARGET, { region: "us-west-2" })).toBe(
      `aws ssm start-session --target ${TARGET} --region us-west-2 --document-name AWS-StartSSHSession --parameters portNumber=%p`,
    );
    expect(isPlainTarget(TARGET)).toBe(true);
    expect(isPlainTarget("sagemaker-cluster:x; rm -rf ~")).toBe(false);
  });

  it.each([
    [
      "An error occurred (TargetNotConnected) when calling the StartSession operation: x is not connected.",
      "target-not-connected",
      /aws configure/,
    ],
    [
      "An error occurred (AccessDeniedException) when calling the StartSession operation: not authorized",
      "access-denied",
      /ssm:StartSession/,
    ],
    [
      "An error occurred (InvalidTarget) when calling the StartSession operation",
      "invalid-target",
      /replaced/,
    ],
  ])("explains %j in two lines", (stderr, kind, cause) => {
    const refusal = explainRefusal(stderr, TARGET);
    expect(refusal?.kind).toBe(kind);
    expect(refusal?.explanation).toHaveLength(2);
    expect(refusal?.explanation.join(" ")).toMatch(cause);
  });

  it("says nothing about a session that simply ended badly", () => {
    expect(explainRefusal("Exiting session with sessionId: abc.", TARGET)).toBeUndefined();
  });
});

describe("placeHostEntry", () => {
  const entry = renderHostEntry({
    host: "ml-cluster",
    user: "ubuntu",
    proxyCommand: sshProxyCommand(TARGET, { region: "us-west-2" }),
    clusterArn: "arn:aws:sagemaker:us-west-2:123456789012:cluster/aa11bbbbb222",
  });

  it("starts an empty file with the entry", () => {
    expect(placeHostEntry("", "ml-cluster", entry)).toEqual({ change: "added", text: `${entry}\n` });
  });

  it("goes after global lines and before the first Host block, so `Host *` cannot override it", () => {
    const config = "ServerAliveInterval 60\n\nHost *\n    User someone\n";
    const edit = placeHostEntry(config, "ml-cluster", entry);
    expect(edit).toEqual({
      change: "added",
      text: `ServerAliveInterval 60\n\n${entry}\n\nHost *\n    User someone\n`,
    });
  });

  it("appends after a file of global lines only", () => {
    expect(placeHostEntry("Compression yes", "ml-cluster", entry)).toEqual({
      change: "added",
      text: `Compression yes\n\n${entry}\n`,
    });
  });

  it("changes nothing the second time", () => {
    const once = placeHostEntry("Host other\n    User me\n", "ml-cluster", entry);
    expect(once.change).toBe("added");
    const text = once.change === "added" ? once.text : "";
    expect(placeHostEntry(text, "ml-cluster", entry)).toEqual({ change: "unchanged" });
  });

  it("replaces its own earlier entry (a replaced head node) and keeps the rest", () => {
    const old = entry.replace("i-0123456789abcdef0", "i-0aaaaaaaaaaaaaaaa");
    const config = `Host a\n    User x\n\n${old}\n\nHost b\n    User y\n`;
    expect(placeHostEntry(config, "ml-cluster", entry)).toEqual({
      change: "updated",
      text: `Host a\n    User x\n\n${entry}\n\nHost b\n    User y\n`,
    });
  });

  it("refuses to touch a Host entry it did not write", () => {
    const config = "Host foo\n    User a\n\nHost bar ml-cluster\n    User b\n";
    expect(placeHostEntry(config, "ml-cluster", entry)).toEqual({ change: "conflict", line: 4 });
    expect(placeHostEntry("host=ml-cluster\n", "ml-cluster", entry)).toEqual({ change: "conflict", line: 1 });
  });
});
