import { chmod, mkdir, mkdtemp, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { credentialProfiles } from "../../src/domain/aws-profiles";
import { scanAwsDir } from "../../src/scan/aws-dir";
import { findShellExports } from "../../src/scan/shell-exports";
import { createAwsPort } from "../../src/system/aws";
import { createExecutor } from "../../src/system/exec";
import { createFiles } from "../../src/system/files";
import { fakeContext } from "../support/fake-context";

describe("credentialProfiles", () => {
  it("names the profiles that supply credentials and masks their keys", () => {
    expect(
      credentialProfiles({
        default: { aws_access_key_id: "AKIAIOSFODNN7EXAMPLE", region: "us-west-2" },
        settings: { region: "us-east-1" },
        ml: { role_arn: "arn:aws:iam::1:role/R", source_profile: "default" },
        tool: { credential_process: "/usr/bin/get-creds" },
        corp: { sso_session: "corp" },
      }),
    ).toEqual([
      { profile: "default", kind: "static-keys", accessKeyId: "AKIA…MPLE" },
      { profile: "ml", kind: "assume-role" },
      { profile: "tool", kind: "credential-process" },
      { profile: "corp", kind: "sso" },
    ]);
  });
});

describe("scanning a home", () => {
  let home: string;
  beforeEach(async () => {
    home = await mkdtemp(join(tmpdir(), "hpiam-scan-"));
  });
  afterEach(async () => {
    await rm(home, { recursive: true, force: true });
  });
  const realContext = () => ({
    ...fakeContext(),
    files: createFiles(),
    exec: createExecutor(),
    aws: createAwsPort({}, { debug() {}, info() {} }, async () => undefined),
  });

  it("finds the keys `aws configure` wrote and a loose file mode", async () => {
    await mkdir(join(home, ".aws"));
    await writeFile(
      join(home, ".aws", "credentials"),
      `[default]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\naws_secret_access_key = ${"s".repeat(40)}\n`,
    );
    await chmod(join(home, ".aws", "credentials"), 0o644);
    const found = await scanAwsDir(realContext(), home);
    expect(found).toMatchObject({ present: true, hasCredentials: true, accessDenied: false });
    expect(found.files[0]).toMatchObject({
      role: "credentials",
      exists: true,
      readable: true,
      mode: 0o644,
      looserThanOwnerOnly: true,
      profiles: [{ profile: "default", kind: "static-keys", accessKeyId: "AKIA…MPLE" }],
    });
    expect(JSON.stringify(found)).not.toContain("s".repeat(40));
  });

  it("reports a symlinked ~/.aws and where it points", async () => {
    await mkdir(join(home, "elsewhere"));
    await symlink(join(home, "elsewhere"), join(home, ".aws"));
    expect(await scanAwsDir(realContext(), home)).toMatchObject({
      present: true,
      symlinkTarget: join(home, "elsewhere"),
      hasCredentials: false,
    });
  });

  it("finds export lines in startup files with file and line", async () => {
    await writeFile(join(home, ".bashrc"), "alias ll='ls -l'\nexport AWS_SECRET_ACCESS_KEY=abc\n");
    const found = await findShellExports(realContext(), home, { system: false });
    expect(found).toEqual([
      {
        path: join(home, ".bashrc"),
        line: 2,
        variable: "AWS_SECRET_ACCESS_KEY",
        credential: true,
        certain: true,
        removal: { kind: "lines", from: 2, to: 2 },
      },
    ]);
  });
});
