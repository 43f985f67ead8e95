import { mkdir, readdir, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { RecoverResult } from "../../src/recover/types";
import { EXECUTION_ROLE } from "../support/aws-world";
import { diagnoseReport } from "../support/diagnose-report";
import { expectNoSecrets, useSimulatedNode } from "../support/simulated-node";

// whoami, diagnose and recover read the node's AWS files through one inventory, as botocore reads them: on
// layouts the SDK for JavaScript's loader read differently, every command gives one answer, the AWS CLI's, and
// recover leaves the CLI signing as the role again.
describe("one inventory of keys: every command gives the AWS CLI's answer", () => {
  const node = useSimulatedNode();
  const home = () => node.sandbox.home;
  const aws = () => join(home(), ".aws");

  afterEach(async () => {
    for (const name of await readdir(home())) {
      if (name === ".aws" || name.startsWith(".aws.hpiam-"))
        await rm(join(home(), name), { recursive: true, force: true });
    }
  });

  /** whoami, diagnose, recover --dry-run and the AWS CLI on the node as it is, then recover --yes. */
  async function everyCommand() {
    const [whoami, diagnose, planned, cli] = await Promise.all([
      node.hpiam(["whoami", "--json"]),
      node.hpiam(["diagnose", "--json"]),
      node.hpiam(["recover", "--dry-run", "--json"]),
      node.aws(["sts", "get-caller-identity"]),
    ]);
    const recovered = await node.hpiam(["recover", "--yes", "--no-reboot", "--json"]);
    const [after, cliAfter] = await Promise.all([
      node.hpiam(["whoami", "--json"]),
      node.aws(["sts", "get-caller-identity"]),
    ]);
    expectNoSecrets(node, whoami, diagnose, planned, recovered, after);
    return {
      whoami: { exitCode: whoami.exitCode, doc: JSON.parse(whoami.stdout) },
      report: diagnoseReport(diagnose),
      plan: JSON.parse(planned.stdout) as RecoverResult,
      recovered: { exitCode: recovered.exitCode, doc: JSON.parse(recovered.stdout) as RecoverResult },
      cli,
      after: JSON.parse(after.stdout),
      cliAfter,
    };
  }

  it("keys under upper-case option names: overridden everywhere, and recover moves them", async () => {
    await mkdir(aws());
    const { accessKeyId, secretAccessKey } = node.world.leakedKey;
    await writeFile(
      join(aws(), "credentials"),
      `[default]\nAWS_ACCESS_KEY_ID = ${accessKeyId}\nAWS_SECRET_ACCESS_KEY = ${secretAccessKey}\n`,
      { mode: 0o600 },
    );
    const { whoami, report, plan, recovered, cli, after, cliAfter } = await everyCommand();

    // botocore lower-cases option names: the AWS CLI signs as the IAM user.
    expect(cli.stdout).toContain("user/alice");
    expect(whoami.exitCode).toBe(1);
    expect(whoami.doc.verdict.status).toBe("overridden");
    expect(whoami.doc.credentialSource).toMatchObject({
      method: "shared-credentials-file",
      path: join(aws(), "credentials"),
      profile: "default",
      line: 2,
    });
    expect(report.exitCode).toBe(1);
    expect(report.check("aws-files")).toMatchObject({
      status: "fail",
      message: expect.stringMatching(
        /^static keys \(AKIA…\w{4}\) in .*\.aws\/credentials \[default\] override/,
      ),
      remediation: "hpiam recover",
    });
    expect(plan).toMatchObject({ result: "planned", leakedKeys: [{ profile: "default", iamUser: "alice" }] });
    expect(plan.steps[0]).toMatchObject({
      id: "move-aws-dir",
      what: expect.stringContaining("[default] static keys"),
    });
    expect(recovered.exitCode).toBe(0);
    expect(recovered.doc).toMatchObject({ result: "recovered", verification: { status: "healthy" } });
    expect(after.verdict.status).toBe("healthy");
    expect(cliAfter.stdout).toContain(`assumed-role/${EXECUTION_ROLE}`);
  });

  it("an aws login session in [default]: broken everywhere, and recover moves it aside", async () => {
    await mkdir(aws());
    await writeFile(
      join(aws(), "config"),
      "[default]\nregion = us-west-2\nlogin_session = arn:aws:iam::123456789012:user/alice\n",
      { mode: 0o600 },
    );
    const { whoami, report, plan, recovered, cli, after, cliAfter } = await everyCommand();

    // botocore takes the login link and stops there: the AWS CLI cannot sign at all.
    expect(cli.exitCode).not.toBe(0);
    expect(whoami.exitCode).toBe(1);
    expect(whoami.doc.verdict.status).toBe("broken");
    expect(whoami.doc.chainError).toMatchObject({ kind: "retrieval-failed" });
    expect(report.exitCode).toBe(1);
    expect(report.check("aws-files")).toMatchObject({
      status: "fail",
      message: expect.stringMatching(
        /^an aws login session in .*\.aws\/config \[default\] overrides the instance profile$/,
      ),
      remediation: "hpiam recover",
      details: {
        files: expect.arrayContaining([
          expect.objectContaining({
            profiles: [expect.objectContaining({ method: "login", line: 3, wins: true })],
          }),
        ]),
      },
    });
    expect(report.check("credential-source").status).toBe("fail");
    expect(plan.result).toBe("planned");
    expect(plan.steps.map((step) => step.id)).toEqual(["move-aws-dir", "verify", "reboot"]);
    expect(plan.steps[0]?.what).toContain("[default] an aws login session");
    expect(recovered.exitCode).toBe(0);
    expect(recovered.doc).toMatchObject({ result: "recovered", verification: { status: "healthy" } });
    expect(after.verdict.status).toBe("healthy");
    expect(cliAfter.stdout).toContain(`assumed-role/${EXECUTION_ROLE}`);
  });
});
