import { rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { CHECK_IDS } from "../../src/diagnose/catalogue";
import { diagnose } from "../../src/diagnose/diagnose";
import { recover } from "../../src/recover/recover";
import { whoami } from "../../src/identity/whoami";
import { CHECK_DETAILS } from "../../src/contract/check-details";
import { checkOf, decodeDiagnose, detailsOf } from "../../src/contract/diagnose";
import { decodeError } from "../../src/contract/error";
import { decodeRecover } from "../../src/contract/recover";
import { decodeWhoami } from "../../src/contract/whoami";
import type { Context } from "../../src/context";
import { chainErrors } from "../../src/identity/model/chain-errors";
import { linkWins } from "../support/chain-links";
import { expectContract } from "../support/contract";
import { fakeContext } from "../support/fake-context";
import { fakeNode, nodeIdentity, offNode, proxiedIdentity, userKeys } from "../support/fake-node";
import { HEALTHY_WHOAMI } from "../support/fleet-documents";
import { configuredHome, onRealHome } from "../support/real-home";

/** What `--json` prints of a result: the document a reader gets. */
const printed = (result: unknown) => JSON.stringify(result, null, 2);

const unreachable = {
  ...nodeIdentity,
  identity: undefined,
  stsError: { name: "Error", message: "connect ECONNREFUSED", networkCode: "ECONNREFUSED" },
};

const WHOAMI_NODES: Record<string, Context> = {
  healthy: fakeNode(),
  overridden: fakeNode({ identification: userKeys }),
  "behind an IMDS proxy": fakeNode({ identification: proxiedIdentity }),
  "no credentials": fakeNode({ identification: { chain: linkWins({ method: "iam-role" }) } }),
  "STS unreachable": fakeNode({ identification: unreachable }),
  "broken chain": fakeNode({
    identification: {
      chain: {
        kind: "broken",
        error: chainErrors.partial("env", "AWS_SECRET_ACCESS_KEY"),
        profile: { name: "default" },
      },
    },
  }),
  "off EC2": fakeContext({ ...offNode, identification: userKeys }),
};

describe("the whoami, diagnose and recover documents decode through the contract", () => {
  for (const [state, ctx] of Object.entries(WHOAMI_NODES)) {
    it(`whoami, ${state}`, async () => {
      expectContract("whoami", printed(await whoami({}, ctx)));
      expectContract("whoami", printed(await whoami({ expectRole: "OtherRole" }, ctx)));
    });
  }

  for (const [state, ctx] of Object.entries(WHOAMI_NODES)) {
    it(`diagnose, ${state}`, async () => {
      const result = await diagnose({}, ctx);
      expect(result.checks.map((check) => check.id)).toEqual(CHECK_IDS);
      expectContract("diagnose", printed(result));
    });
  }

  it("diagnose as root, every user's home, with the IAM checks: each check's details as its id says", async () => {
    const ctx = fakeNode({ uid: 0, identification: userKeys });
    const result = await diagnose({ allUsers: true, iam: true }, ctx);
    expectContract("diagnose", printed(result));
    const decoded = decodeDiagnose(JSON.parse(printed(result)));
    expect(decoded.ok && detailsOf(decoded.value, "credential-source")).toMatchObject({
      provider: "shared-credentials-file",
      accessKeyId: "AKIA…MPLE",
    });
    expect(decoded.ok && detailsOf(decoded.value, "caller-identity")).toMatchObject({
      type: "iam-user",
      name: "alice",
    });
  });

  it("diagnose --all-users: another user's startup form hpiam cannot decide, in other-users' details", async () => {
    const users = [{ name: "alice", uid: 1001, gid: 1001, home: "/home/alice", shell: "/bin/bash" }];
    const files = { "/home/alice/.bashrc": 'eval "$(cat ~/.aws.env)"\n' };
    const result = await diagnose(
      { allUsers: true, checks: "other-users" },
      fakeNode({ uid: 0, users }, files),
    );
    expectContract("diagnose", printed(result));
    const decoded = decodeDiagnose(JSON.parse(printed(result)));
    expect(decoded.ok && detailsOf(decoded.value, "other-users")).toMatchObject({
      homes: [{ user: "alice", undecided: [{ path: "/home/alice/.bashrc", line: 1 }] }],
    });
  });

  describe("recover, on a home `aws configure` wrote", () => {
    let root: string;
    let home: string;
    beforeEach(async () => ({ root, home } = await configuredHome()));
    afterEach(() => rm(root, { recursive: true, force: true }));

    it("planned, refused, recovered, nothing to do, restored", async () => {
      const ctx = onRealHome(home);
      const runs = [
        await recover({ dryRun: true }, ctx),
        await recover({}, ctx),
        await recover({ yes: true, reboot: false }, ctx),
        await recover({ yes: true, reboot: false }, ctx),
        await recover({ undo: true, yes: true }, ctx),
      ];
      expect(runs.map((run) => run.result)).toEqual([
        "planned",
        "refused",
        "recovered",
        "nothing-to-do",
        "restored",
      ]);
      for (const run of runs) expectContract("recover", printed(run));
    });

    it("with a startup form hpiam cannot decide: planned, then failed, its fix by hand", async () => {
      await writeFile(join(home, ".bashrc"), 'eval "$(cat ~/.aws.env)"\n');
      const ctx = onRealHome(home);
      const runs = [await recover({ dryRun: true }, ctx), await recover({ yes: true, reboot: false }, ctx)];
      expect(runs.map((run) => run.result)).toEqual(["planned", "failed"]);
      for (const run of runs) {
        expect(run.manual.map((fix) => fix.kind)).toEqual(["undecided"]);
        expectContract("recover", printed(run));
      }
    });
  });

  it("the error document every command prints when it stops", () => {
    const document = {
      schemaVersion: 1,
      error: { code: "sagemaker-access-denied", message: "SageMaker DescribeCluster failed", hint: "…" },
    };
    expect(decodeError(document)).toEqual({ ok: true, value: document });
    expect(decodeError({ ...document, error: { code: "sagemaker-bored", message: "m" } })).toMatchObject({
      ok: false,
      error: expect.stringMatching(/^error\.code: expected one of no-credentials, /),
    });
  });
});

describe("a document with a renamed or missing field is refused, naming the field", () => {
  const whoamiDoc = () => JSON.parse(printed(HEALTHY_WHOAMI)) as Record<string, unknown>;

  it("whoami: verdict.status renamed", () => {
    const doc = whoamiDoc();
    doc.verdict = { state: "healthy", reason: "using role ExecRole" };
    expect(decodeWhoami(doc)).toEqual({
      ok: false,
      error:
        "verdict.status: missing (expected one of healthy, overridden, mismatch, broken, no-credentials, unknown)",
    });
  });

  it("whoami: a verdict this version does not know, a field of the wrong type, another schema version", () => {
    expect(decodeWhoami({ ...whoamiDoc(), verdict: { status: "fine", reason: "" } })).toMatchObject({
      error: expect.stringMatching(/^verdict\.status: expected one of healthy, .*, found "fine"$/),
    });
    expect(decodeWhoami({ ...whoamiDoc(), identity: { arn: 7 } })).toMatchObject({
      error: "identity.account: missing (expected a string)",
    });
    expect(decodeWhoami({ ...whoamiDoc(), schemaVersion: 2 })).toMatchObject({
      error: "schemaVersion: expected 1, found 2",
    });
    expect(decodeWhoami([])).toMatchObject({ error: "the document: expected an object, found a list" });
  });

  it("diagnose: a check's details without the field its id promises, and a check id it does not know", async () => {
    const doc = JSON.parse(printed(await diagnose({}, fakeNode({ identification: userKeys })))) as {
      checks: Array<{ id: string; details: Record<string, unknown> }>;
    };
    const index = doc.checks.findIndex((check) => check.id === "credential-source");
    delete doc.checks[index]?.details.provider;
    expect(decodeDiagnose(doc)).toEqual({
      ok: false,
      error: expect.stringMatching(
        new RegExp(`^checks\\[${index}\\]\\.details\\.provider: missing \\(expected one of environment, `),
      ),
    });
    Object.assign(doc.checks[index] ?? {}, { id: "credential-origin" });
    expect(decodeDiagnose(doc)).toMatchObject({
      error: expect.stringMatching(new RegExp(`^checks\\[${index}\\]\\.id: expected one of hyperpod-node, `)),
    });
  });

  it("recover: result renamed, and a step of a kind it does not know", async () => {
    const { root, home } = await configuredHome();
    try {
      const doc = JSON.parse(printed(await recover({ dryRun: true }, onRealHome(home))));
      expect(decodeRecover(doc).ok).toBe(true);
      doc.steps[0].id = "move-home";
      expect(decodeRecover(doc)).toMatchObject({
        error: expect.stringMatching(/^steps\[0\]\.id: expected one of move-aws-dir, .*, found "move-home"$/),
      });
      doc.outcome = doc.result;
      delete doc.result;
      expect(decodeRecover(doc)).toMatchObject({
        error:
          "result: missing (expected one of recovered, restored, nothing-to-do, planned, failed, refused)",
      });
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });
});

describe("check details typed by check id", () => {
  it("the contract types the details of every check diagnose runs, and of no other", () => {
    expect(Object.keys(CHECK_DETAILS).sort()).toEqual([...CHECK_IDS].sort());
  });

  it("a check that said nothing more has no details to read; the others read as their id says", async () => {
    const result = await diagnose({}, fakeNode({ identification: userKeys }));
    expect(checkOf(result, "other-users")?.details).toEqual({});
    expect(detailsOf(result, "other-users")).toBeUndefined();
    expect(detailsOf(result, "shared-home")).toMatchObject({ fsType: "ext4", shared: false });
  });
});
