import { chainErrors } from "../../src/identity/model/chain-errors";
import { environmentLink, linkWins } from "../support/chain-links";
import { describe, expect, it } from "vitest";
import type { FakeOptions } from "../support/fake-context";
import { check, fakeNode, offNode, userKeys } from "../support/fake-node";
import { RESOURCE_CONFIG } from "../support/memory-files";

describe("caller-identity and credential-source", () => {
  it("classifies STS failures: throttling could not decide, a deleted key fails with its fix", async () => {
    const throttled = fakeNode({
      identification: {
        ...userKeys,
        identity: undefined,
        stsError: { name: "Throttling", message: "slow down" },
      },
    });
    expect((await check("caller-identity", throttled)).status).toBe("error");
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

  it("cannot decide on a chain setting hpiam cannot evaluate: error, never pass", async () => {
    const ctx = fakeNode({
      identification: {
        chain: {
          kind: "undecided",
          undecided: { setting: "AWS_CREDENTIAL_EXPIRATION", why: "dateutil reads it" },
          profile: { name: "default" },
        },
        region: "us-west-2",
      },
    });
    expect(await check("caller-identity", ctx)).toMatchObject({
      status: "error",
      message: expect.stringContaining("AWS_CREDENTIAL_EXPIRATION: dateutil reads it"),
      remediation: expect.stringMatching(/aws sts get-caller-identity/),
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

  it("unsets each variable once: a profile no file defines, AWS_DEFAULT_PROFILE, then the others", async () => {
    const missing = (namedBy: "AWS_PROFILE" | "AWS_DEFAULT_PROFILE") => ({
      chain: {
        kind: "broken" as const,
        error: chainErrors.profileNotFound({ name: "dev", namedBy }),
        profile: { name: "dev", namedBy },
      },
    });
    const profile = fakeNode({ env: { AWS_PROFILE: "dev" }, identification: missing("AWS_PROFILE") });
    expect((await check("environment", profile)).remediation).toBe(
      "unset AWS_PROFILE (it names a profile no file defines)",
    );
    const withToken = fakeNode({
      env: { AWS_DEFAULT_PROFILE: "dev", AWS_SESSION_TOKEN: "t" },
      identification: missing("AWS_DEFAULT_PROFILE"),
    });
    expect((await check("environment", withToken)).remediation).toBe(
      "unset AWS_DEFAULT_PROFILE (it names a profile no file defines); unset AWS_SESSION_TOKEN",
    );
    const chosen = fakeNode({ env: { AWS_DEFAULT_PROFILE: "default" } });
    expect((await check("environment", chosen)).remediation).toBe(
      "unset AWS_DEFAULT_PROFILE (AWS_PROFILE is the name every AWS tool reads)",
    );
  });

  // The removal is tried by running the printed sed itself on a copy (startup-fix-trial.ts): that needs the file
  // on disk and a real sed, which in-memory files and the recording executor are not. An untried removal is never
  // printed, so here it is "edit by hand"; startup-removal.test.ts gets the exact sed for the same file on disk.
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
    expect((await check("environment", ctx)).remediation).toBe(
      "# edit /home/ubuntu/.profile by hand, taking out AWS_ACCESS_KEY_ID (line 2), AWS_SECRET_ACCESS_KEY (line 3): " +
        "hpiam could not make a copy of the file to try its sed command on",
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

describe("environment: what the startup files make a new shell do", () => {
  const profileDev = { "/home/ubuntu/.profile": "export AWS_PROFILE=dev\n" };
  /** The chain model's files: the credentials file holds keys in these profiles. */
  const keysIn = (...profiles: string[]): FakeOptions => ({
    botocoreFiles: async (env) => ({
      config: { path: `${env.HOME}/.aws/config`, state: "absent" },
      credentials: {
        path: `${env.HOME}/.aws/credentials`,
        state: "parsed",
        sections: Object.fromEntries(
          profiles.map((name) => [
            name,
            { aws_access_key_id: "AKIAIOSFODNN7EXAMPLE", aws_secret_access_key: "(set)" },
          ]),
        ),
        lines: {},
      },
      botoFiles: [],
    }),
  });

  it("fails an AWS_PROFILE export that names a profile no file defines: every new shell's aws stops", async () => {
    const result = await check("environment", fakeNode({}, profileDev));
    expect(result).toMatchObject({
      status: "fail",
      message:
        "AWS_PROFILE at /home/ubuntu/.profile:1 — new shells stop with: The config profile (dev) could not be found",
      remediation: expect.stringMatching(
        /^# edit \/home\/ubuntu\/\.profile by hand, taking out AWS_PROFILE \(line 1\)/,
      ),
      details: { newShell: { status: "broken", variables: ["AWS_PROFILE"] } },
    });
    const laptop = fakeNode({ ...offNode }, { ...profileDev, [RESOURCE_CONFIG]: undefined });
    expect((await check("environment", laptop)).status).toBe("fail");
  });

  it("fails one that picks a profile with keys on a node, and only warns off a node", async () => {
    const result = await check("environment", fakeNode(keysIn("dev"), profileDev));
    expect(result).toMatchObject({
      status: "fail",
      message: expect.stringMatching(
        /— new shells sign with static keys in \/home\/ubuntu\/\.aws\/credentials \[dev\], not the instance profile$/,
      ),
    });
    const laptop = fakeNode(
      { ...offNode, ...keysIn("dev") },
      { ...profileDev, [RESOURCE_CONFIG]: undefined },
    );
    expect((await check("environment", laptop)).status).toBe("warn");
  });

  it("only warns where the export changes nothing: the shell signs as it would without it", async () => {
    const same = { "/home/ubuntu/.profile": "export AWS_PROFILE=default\n" };
    expect((await check("environment", fakeNode(keysIn("default"), same))).status).toBe("warn");
    const unknown = { "/home/ubuntu/.profile": "export AWS_PROFILE=$(cat /etc/aws-profile)\n" };
    expect((await check("environment", fakeNode({}, unknown))).status).toBe("warn");
  });
});

describe("aws-files", () => {
  const CREDENTIALS =
    "[default]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\n[old]\naws_access_key_id = AKIAOLDOLDOLDOLDOLD1\n";
  const configured = (mode = 0o600) =>
    fakeNode({
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
        readText: async (path) => {
          if (path === "/home/ubuntu/.aws/credentials") return CREDENTIALS;
          throw Object.assign(new Error("ENOENT"), { code: "ENOENT" });
        },
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

describe("aws-files reads the files as botocore does", () => {
  const CREDENTIALS = "/home/ubuntu/.aws/credentials";
  const CONFIG = "/home/ubuntu/.aws/config";

  it.each([
    [
      "option names in capitals",
      { [CREDENTIALS]: "[default]\nAWS_ACCESS_KEY_ID = AKIAIOSFODNN7EXAMPLE\nAWS_SECRET_ACCESS_KEY = s\n" },
      `static keys (AKIA…MPLE) in ${CREDENTIALS} [default] override the instance profile`,
    ],
    [
      "an aws login session",
      { [CONFIG]: "[default]\nregion = us-west-2\nlogin_session = arn:aws:iam::123456789012:user/alice\n" },
      `an aws login session in ${CONFIG} [default] overrides the instance profile`,
    ],
    [
      "the keys a role of the profile in use assumes with",
      {
        [CONFIG]: "[default]\nrole_arn = arn:aws:iam::123456789012:role/R\nsource_profile = keys\n",
        [CREDENTIALS]: "[keys]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\naws_secret_access_key = s\n",
      },
      `static keys (AKIA…MPLE) in ${CREDENTIALS} [keys] override the instance profile`,
    ],
  ])("fails %s on a node", async (_what, files, message) => {
    const result = await check("aws-files", fakeNode({}, files));
    expect(result).toMatchObject({ status: "fail", remediation: "hpiam recover" });
    expect(result.message.split("; ")).toContain(message);
  });

  it("fails a file botocore cannot parse: the AWS CLI stops at it", async () => {
    const files = { [CREDENTIALS]: "[default]\nregion = us-west-2\n[default]\naws_access_key_id = AKIAX\n" };
    expect(await check("aws-files", fakeNode({}, files))).toMatchObject({
      status: "fail",
      message: `botocore cannot parse ${CREDENTIALS} (line 3: duplicate section [default]): boto3 and the AWS CLI stop at it`,
      remediation: "hpiam recover",
    });
  });

  it("passes a profile that only names an SSO start page: it makes botocore fetch nothing", async () => {
    const files = {
      [CONFIG]: "[default]\nsso_session = corp\n[sso-session corp]\nsso_start_url = https://x\n",
    };
    expect((await check("aws-files", fakeNode({}, files))).status).toBe("pass");
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

  it("names a lock file hpiam did not write, which the next recover takes over", async () => {
    expect(await check("aws-files", fakeNode({}, { [LOCK]: "garbage" }))).toMatchObject({
      status: "warn",
      message: `${LOCK} is not a lock hpiam wrote (no run's pid in it): the next hpiam recover takes it over`,
      remediation: "hpiam recover",
    });
  });
});
