import { chmod, mkdir, mkdtemp, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { scanAwsDir } from "../../src/identity/aws-dir";
import { readShellStartup } from "../../src/shell/find-exports";
import { createAwsPort } from "../../src/system/aws";
import { openImdsSession } from "../../src/system/imds-session";
import { createExecutor } from "../../src/system/exec";
import { createFiles } from "../../src/system/files";
import { fakeContext } from "../support/fake-context";

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
    aws: createAwsPort({}, async () => undefined, openImdsSession()),
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
      profiles: [
        {
          profile: "default",
          line: 2,
          method: "shared-credentials-file",
          accessKeyId: "AKIA…MPLE",
          usedBy: ["default"],
          wins: true,
        },
      ],
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
    const { exports } = await readShellStartup(realContext(), home, { system: false });
    expect(exports).toEqual([
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
