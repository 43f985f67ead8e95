import { chmod, chown, mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { EXECUTION_ROLE } from "../support/aws-world";
import { diagnoseReport, expectOneLineChecks } from "../support/diagnose-report";
import { NOBODY } from "../support/cli";
import { expectCalm, leakedCredentials, useSimulatedNode } from "../support/simulated-node";
import { treeSnapshot } from "../support/tree-snapshot";

// A hostile node where a user's ~/.aws/credentials is unreadable (the other hostile cases: hostile-*.test.ts).
// Every case ends in its documented exit code, no stack trace, no secret, and nothing changed in that home.

describe("an unreadable ~/.aws/credentials, for a user without sudo", () => {
  const node = useSimulatedNode();
  let home: string;
  let credentials: string;

  beforeAll(async () => {
    // Readable by an ordinary user, as a node's homes and stub log are.
    await chmod(node.sandbox.root, 0o755);
    await chmod(node.env.HPIAM_STUB_LOG ?? "", 0o666);
    home = join(node.sandbox.root, "home", "nobody");
    credentials = join(home, ".aws", "credentials");
    await mkdir(join(home, ".aws"), { recursive: true });
    await writeFile(credentials, leakedCredentials(node));
    await chmod(credentials, 0o000);
    for (const path of [home, join(home, ".aws"), credentials]) await chown(path, NOBODY, NOBODY);
  });

  const asNobody = (args: string[]) => node.hpiam(args, { HOME: home }, { asNobody: true });

  it("whoami reports what every AWS tool uses, the instance profile, since none can read the file", async () => {
    const before = await treeSnapshot(home);
    const result = await asNobody(["whoami", "--json"]);
    expectCalm(node, result);
    expect(result.exitCode).toBe(0);
    const doc = JSON.parse(result.stdout);
    expect(doc.verdict.status).toBe("healthy");
    expect(doc.credentialSource.provider).toBe("instance-metadata");
    expect(doc.identity.arn).toContain(`assumed-role/${EXECUTION_ROLE}/SageMaker`);
    expect(await treeSnapshot(home)).toEqual(before);
  });

  it("diagnose does not call it fine: it warns that the file cannot be read, and says how to look inside", async () => {
    const before = await treeSnapshot(home);
    const result = await asNobody(["diagnose", "--json"]);
    expectCalm(node, result);
    const { doc, check } = diagnoseReport(result);
    expectOneLineChecks(doc);
    expect(result.exitCode).toBe(0);
    expect(check("aws-files")).toMatchObject({
      status: "warn",
      message: `cannot read ${credentials} (permission denied (EACCES), mode 0000): AWS tools skip it, so any keys in it are unused until it is readable`,
      remediation: expect.stringMatching(/^sudo hpiam diagnose\b/),
      details: {
        files: expect.arrayContaining([
          expect.objectContaining({ path: credentials, exists: true, readError: "EACCES", profiles: [] }),
        ]),
      },
    });
    expect(check("caller-identity").message).toContain(`assumed-role/${EXECUTION_ROLE}/SageMaker`);
    expect(result.stdout).not.toContain(node.world.leakedKey.accessKeyId);
    expect(await treeSnapshot(home)).toEqual(before);
  });

  it("recover has nothing it may move, and says it cannot see inside the file", async () => {
    const before = await treeSnapshot(home);
    const result = await asNobody(["recover", "--yes", "--no-reboot", "--json"]);
    expectCalm(node, result);
    expect(result.exitCode).toBe(0);
    const doc = JSON.parse(result.stdout);
    expect(doc).toMatchObject({ result: "nothing-to-do", steps: [] });
    expect(doc.notes).toContain(
      `cannot read ${credentials} (EACCES): AWS tools skip it, so it overrides nothing now, but any keys in it would once it is readable; sudo hpiam recover --dry-run looks inside`,
    );
    expect(await treeSnapshot(home)).toEqual(before);
  });
});
