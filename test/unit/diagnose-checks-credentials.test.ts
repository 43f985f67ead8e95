import { environmentLink, linkWins } from "../support/chain-links";
import { describe, expect, it } from "vitest";
import { check, fakeNode, offNode, userKeys } from "../support/fake-node";
import { RESOURCE_CONFIG } from "../support/memory-files";

describe("caller-identity and credential-source", () => {
  it("classifies STS failures: throttling warns, a deleted key fails with its fix", async () => {
    const throttled = fakeNode({
      identification: {
        ...userKeys,
        identity: undefined,
        stsError: { name: "Throttling", message: "slow down" },
      },
    });
    expect((await check("caller-identity", throttled)).status).toBe("warn");
    const invalid = fakeNode({
      identification: {
        ...userKeys,
        identity: undefined,
        stsError: { name: "InvalidClientTokenId", message: "no" },
      },
    });
    expect(await check("caller-identity", invalid)).toMatchObject({
      status: "fail",
      message: expect.stringMatching(/not valid/),
      remediation: expect.stringContaining("hpiam recover"),
    });
  });

  it("fails keys from the environment on a node, with the unset command", async () => {
    const ctx = fakeNode({
      env: { AWS_ACCESS_KEY_ID: "AKIAIOSFODNN7EXAMPLE", AWS_SECRET_ACCESS_KEY: "s" },
      identification: {
        ...userKeys,
        chain: linkWins(environmentLink),
      },
    });
    expect(await check("credential-source", ctx)).toMatchObject({
      status: "fail",
      message: "AWS_ACCESS_KEY_ID in the environment (AKIA…MPLE, long-term) overrides the instance profile",
      remediation: expect.stringMatching(/^unset AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY/),
    });
  });

  it("passes local keys off a node: there is no instance profile to override", async () => {
    const ctx = fakeNode(
      {
        ...offNode,
        identification: userKeys,
        sharedFiles: { credentials: { default: { aws_access_key_id: "AKIAIOSFODNN7EXAMPLE" } } },
      },
      { [RESOURCE_CONFIG]: undefined },
    );
    expect(await check("credential-source", ctx)).toMatchObject({
      status: "pass",
      message: expect.stringMatching(/no instance profile here/),
    });
  });
});

describe("environment", () => {
  it("warns about a profile choice but fails keys on a node; off a node keys pass", async () => {
    expect((await check("environment", fakeNode({ env: { AWS_PROFILE: "dev" } }))).status).toBe("warn");
    expect((await check("environment", fakeNode({ env: { AWS_SESSION_TOKEN: "t" } }))).status).toBe("fail");
    const laptop = fakeNode(
      { ...offNode, env: { AWS_ACCESS_KEY_ID: "k" } },
      { [RESOURCE_CONFIG]: undefined },
    );
    expect(await check("environment", laptop)).toMatchObject({ status: "pass", remediation: null });
  });

  it("names every export line by file and line, and prints no sed it could not try on a copy", async () => {
    const ctx = fakeNode(
      {},
      {
        "/home/ubuntu/.profile":
          "PATH=$PATH:~/bin\nexport AWS_ACCESS_KEY_ID=AKIAX\nexport AWS_SECRET_ACCESS_KEY=zz\n",
      },
    );
    expect(await check("environment", ctx)).toMatchObject({
      status: "fail",
      message:
        "AWS_ACCESS_KEY_ID at /home/ubuntu/.profile:2, AWS_SECRET_ACCESS_KEY at /home/ubuntu/.profile:3",
    });
    expect((await check("environment", ctx)).remediation).toMatch(
      /^# edit \/home\/ubuntu\/\.profile by hand, taking out AWS_ACCESS_KEY_ID \(line 2\), AWS_SECRET_ACCESS_KEY \(line 3\)/,
    );
  });

  it("is an error, never a pass, where a startup file exports what hpiam cannot know: file, line and why", async () => {
    const ctx = fakeNode(
      {},
      {
        "/home/ubuntu/.profile":
          'PATH=$PATH:~/bin\nwhile read -r line; do export "$line"; done < ~/.aws.env\n',
      },
    );
    expect(await check("environment", ctx)).toMatchObject({
      status: "error",
      message:
        "cannot tell what /home/ubuntu/.profile:2 exports: export of a name hpiam cannot know (a value: $line)",
      remediation: "review /home/ubuntu/.profile:2 by hand",
    });
  });
});

describe("aws-files", () => {
  const configured = (mode = 0o600) =>
    fakeNode({
      sharedFiles: {
        credentials: {
          default: { aws_access_key_id: "AKIAIOSFODNN7EXAMPLE" },
          old: { aws_access_key_id: "AKIAOLDOLDOLDOLDOLD1" },
        },
      },
      files: {
        ...fakeNode().files,
        lstat: async (path) =>
          path === "/home/ubuntu/.aws"
            ? { kind: "directory", mode: 0o700, uid: 1000, gid: 1000, size: 1 }
            : undefined,
        stat: async (path) =>
          path === "/home/ubuntu/.aws/credentials"
            ? { kind: "file", mode, uid: 1000, gid: 1000, size: 1 }
            : undefined,
        readText: async () => "",
      },
    });

  it("fails the keys of the profile in use, warns about stored ones and a loose mode", async () => {
    const result = await check("aws-files", configured(0o644));
    expect(result).toMatchObject({
      status: "fail",
      message:
        "static keys (AKIA…MPLE) in /home/ubuntu/.aws/credentials [default] override the instance profile (+2 more)",
      remediation: "hpiam recover; chmod 600 /home/ubuntu/.aws/credentials",
    });
    expect(JSON.stringify(result)).not.toContain("AKIAIOSFODNN7EXAMPLE");
  });
});

describe("aws-files and a recover lock in the home", () => {
  const LOCK = "/home/ubuntu/.aws.hpiam-lock";
  const BACKUP = "/home/ubuntu/.aws.hpiam-backup-20261123T115900Z";
  const holder = { pid: 4321, host: "ip-10-1-20-11", bootId: "boot-1", startedAt: "2026-11-23T11:59:00Z" };

  it("warns about a recover that stopped before it finished, and says where ~/.aws went", async () => {
    const ctx = fakeNode(
      {},
      { [LOCK]: JSON.stringify({ ...holder, moving: BACKUP }), [`${BACKUP}/credentials`]: "" },
    );
    expect(await check("aws-files", ctx)).toMatchObject({
      status: "warn",
      message: `hpiam recover stopped before it finished (pid 4321 on ip-10-1-20-11, 2026-11-23T11:59:00Z); /home/ubuntu/.aws is at ${BACKUP}: run it again to finish (verify, reboot)`,
      remediation: "hpiam recover",
    });
  });

  it("tells a recover still running from one that stopped, and is quiet without a lock", async () => {
    const lock = { [LOCK]: JSON.stringify(holder) };
    expect(
      await check("aws-files", fakeNode({ host: { alive: (pid) => pid === 4321 } }, lock)),
    ).toMatchObject({
      status: "warn",
      message: expect.stringMatching(
        /^hpiam recover is working on \/home\/ubuntu \(pid 4321 .*look again when it is done$/,
      ),
    });
    expect(await check("aws-files", fakeNode())).toMatchObject({ status: "pass" });
  });
});
