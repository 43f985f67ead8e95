import { describe, expect, it, vi } from "vitest";
import type { Context, PasswdEntry } from "../../src/context";
import { printable, quoted } from "../../src/output/printable";
import { UsageError } from "../../src/errors";
import { recover } from "../../src/recover/recover";
import { loadNodeFiles } from "../../src/node/node-files";
import { targetHomes } from "../../src/recover/survey";
import { invokingUserHome, namedUserHome, userNameProblem } from "../../src/node/homes";
import { createUserPort } from "../../src/system/user";
import { fakeContext } from "../support/fake-context";
import { hyperpodFixture } from "../support/fixtures";

const entry = (name: string, uid: number, home = `/home/${name}`): PasswdEntry => ({
  name,
  uid,
  gid: uid,
  home,
  shell: "/bin/bash",
});

/** A context whose user database answers `lookup` as given, counting the calls. */
function withLookup(lookup: (name: string) => PasswdEntry | undefined, user: Partial<Context["user"]> = {}) {
  const ctx = fakeContext({ uid: 0 });
  const spy = vi.fn(async (name: string) => lookup(name));
  return { ctx: { ...ctx, user: { ...ctx.user, ...user, lookup: spy } }, lookup: spy };
}

async function refusal(pending: Promise<unknown>): Promise<UsageError> {
  const error = await pending.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(UsageError);
  return error as UsageError;
}

describe("userNameProblem", () => {
  it.each([
    "ubuntu",
    "alice@corp.example.com",
    "CORP\\alice",
    "john smith",
    "jürgen",
    "用户",
    "svc$",
    "a1",
    "1a",
  ])("lets %j be looked up", (name) => {
    expect(userNameProblem(name)).toBeUndefined();
  });

  it.each([
    ["", /empty/],
    [".", /directory name/],
    ["..", /directory name/],
    ["a/b", /contains \//],
    ["../../etc", /contains \//],
    ["a\u0000b", /control characters/],
    ["a\nb", /control characters/],
    ["a\u001b[2Jb", /control characters/],
    ["a\u0085b", /control characters/],
    ["a\u2029b", /control characters/],
    ["-s", /starts with -/],
    ["--help", /starts with -/],
    ["0", /all digits/],
    ["1000", /all digits/],
  ])("refuses %j", (name, why) => {
    expect(userNameProblem(name)).toMatch(why);
  });
});

describe("printable and quoted", () => {
  it("escape what could rewrite a terminal line, and keep letters of any script", () => {
    expect(printable("a\u001b[31mb\u202e\nc")).toBe("a\\u001b[31mb\\u202e\\u000ac");
    expect(printable("jürgen 用户")).toBe("jürgen 用户");
    expect(quoted('a"b\\c')).toBe('"a\\"b\\\\c"');
  });
});

describe("namedUserHome", () => {
  it.each(["alice@corp.example.com", "john smith", "jürgen", "用户"])(
    "finds %j in the user database",
    async (name) => {
      const ctx = fakeContext({ users: [entry("ubuntu", 1000), entry(name, 1234)] });
      await expect(namedUserHome(ctx, name)).resolves.toEqual({
        user: name,
        uid: 1234,
        home: `/home/${name}`,
        shell: "/bin/bash",
      });
    },
  );

  it("refuses an all-digit name without asking getent, which would answer with that uid", async () => {
    const { ctx, lookup } = withLookup(() => entry("root", 0, "/root"));
    const error = await refusal(namedUserHome(ctx, "0"));
    expect(error.exitCode).toBe(2);
    expect(error.message).toBe(
      '--user: "0" is not a user name (it is all digits, which getent takes for a uid)',
    );
    expect(lookup).not.toHaveBeenCalled();
  });

  it("refuses an entry the database matched under another name (case folding, a short name)", async () => {
    const { ctx } = withLookup((name) =>
      name.toLowerCase() === "alice" ? entry("alice@corp.example.com", 1500) : undefined,
    );
    const error = await refusal(namedUserHome(ctx, "ALICE"));
    expect(error.exitCode).toBe(2);
    expect(error.message).toBe('--user: the user database calls "ALICE" "alice@corp.example.com"');
    expect(error.hint).toBe("Run again with --user alice@corp.example.com.");
  });

  it("says there is no such user, with the name escaped", async () => {
    const { ctx } = withLookup(() => undefined);
    const error = await refusal(namedUserHome(ctx, "nobody-here\u202e"));
    expect(error.message).toBe('--user: no user "nobody-here\\u202e" on this node');
  });
});

describe("invokingUserHome under sudo", () => {
  it("ignores a SUDO_USER the database knows under another name, and one that is a uid", async () => {
    for (const sudoUser of ["0", "ALICE"]) {
      const { ctx } = withLookup(() => entry("alice", 1001), { sudoUser });
      await expect(invokingUserHome(ctx)).resolves.toEqual({ user: "ubuntu", uid: 0, home: "/home/ubuntu" });
    }
  });

  it("takes SUDO_USER's home from the database when the name matches", async () => {
    const { ctx } = withLookup(() => entry("alice@corp.example.com", 1500), {
      sudoUser: "alice@corp.example.com",
    });
    await expect(invokingUserHome(ctx)).resolves.toMatchObject({ home: "/home/alice@corp.example.com" });
  });
});

describe("a relative HOME", () => {
  it("makes recover refuse with exit 2 rather than write in the working folder", async () => {
    const ctx = fakeContext();
    const relative = { ...ctx, user: { ...ctx.user, home: "rel/home" } };
    const error = await refusal(recover({ yes: true, reboot: false }, relative));
    expect(error.exitCode).toBe(2);
    expect(error.code).toBe("relative-home");
    expect(error.message).toBe(
      "HOME is not an absolute path (rel/home): run with HOME set to your home, or --user NAME",
    );
  });

  it("does not matter under sudo, where the home comes from the user database", async () => {
    const { ctx } = withLookup(() => entry("ubuntu", 1000), { home: "rel/home", sudoUser: "ubuntu" });
    await expect(targetHomes(ctx, {})).resolves.toEqual({
      homes: [{ user: "ubuntu", uid: 1000, home: "/home/ubuntu", shell: "/bin/bash" }],
    });
  });
});

describe("the user database adapter", () => {
  /** The adapter on a `getent` that answers by `answer` (exit code, stdout, stderr), logging each argv. */
  const portRunning = (answer: (argv: readonly string[]) => [number, string, string?]) => {
    const ran: string[][] = [];
    const port = createUserPort(
      {},
      {
        ...fakeContext().exec,
        run: async (argv) => {
          ran.push([...argv]);
          const [exitCode, stdout, stderr = ""] = answer(argv);
          return { exitCode, stdout, stderr, timedOut: false };
        },
      },
    );
    return { port, ran };
  };

  it("passes the name after --, so that no name is ever an option to getent", async () => {
    const { port, ran } = portRunning(() => [0, "-x:x:1500:1500::/home/x:/bin/sh\n"]);
    await expect(port.lookup("-x")).resolves.toMatchObject({ name: "-x", uid: 1500 });
    await port.all();
    expect(ran).toEqual([
      ["getent", "passwd", "--", "-x"],
      ["getent", "passwd"],
    ]);
  });

  it("takes a name the listing has from it, and asks for one it lacks (SSSD without enumeration)", async () => {
    const passwd: Record<string, string> = {
      "": "root:x:0:0:root:/root:/bin/bash\nubuntu:x:1000:1000::/home/ubuntu:/bin/bash\n",
      alice: "alice:x:1500:1500::/home/alice:/bin/zsh\n",
    };
    const { port, ran } = portRunning((argv) => {
      const stdout = passwd[argv[3] ?? ""];
      return stdout ? [0, stdout] : [2, ""];
    });
    await port.all();
    await expect(port.lookup("root")).resolves.toMatchObject({ home: "/root", uid: 0 });
    await expect(port.lookup("alice")).resolves.toMatchObject({ home: "/home/alice", shell: "/bin/zsh" });
    await expect(port.lookup("bob")).resolves.toBeUndefined();
    await port.all();
    expect(ran).toEqual([
      ["getent", "passwd"],
      ["getent", "passwd", "--", "alice"],
      ["getent", "passwd", "--", "bob"],
    ]);
  });

  it("fails a lookup with a listing that failed: a broken database is not asked twice", async () => {
    const { port, ran } = portRunning(() => [1, "", "getent: cannot contact sssd"]);
    const listing = port.all();
    await expect(port.lookup("root")).rejects.toThrow("cannot read the user database");
    await expect(listing).rejects.toThrow("cannot read the user database");
    expect(ran).toEqual([["getent", "passwd"]]);
  });
});

describe("a user database that fails", () => {
  const portAnswering = (answer: { exitCode: number; stderr?: string; timedOut?: boolean }) =>
    createUserPort(
      {},
      {
        ...fakeContext().exec,
        run: async () => ({ stdout: "", stderr: "", timedOut: false, ...answer }),
      },
    );

  it("is never taken for no users or no such user: exit codes and hangs are errors, exit 2 of a lookup is not", async () => {
    await expect(portAnswering({ exitCode: 1, stderr: "cannot contact sssd\n" }).all()).rejects.toMatchObject(
      {
        exitCode: 3,
        code: "user-database",
        message: "cannot read the user database: getent passwd failed (exit 1: cannot contact sssd)",
      },
    );
    await expect(portAnswering({ exitCode: -1, timedOut: true }).lookup("alice")).rejects.toMatchObject({
      message: "cannot read the user database: getent passwd did not answer within 3 s",
    });
    await expect(portAnswering({ exitCode: 2 }).lookup("nobody-here")).resolves.toBeUndefined();
  });
});

describe("node files far too large", () => {
  const CONFIG = "/opt/ml/config/resource_config.json";
  const LIMIT = 16 * 1024 * 1024;
  const denied = async () => Promise.reject(Object.assign(new Error("EACCES"), { code: "EACCES" }));

  it("reads a root-only file through sudo only a few bytes past the limit, and refuses what reaches it", async () => {
    const ran: string[][] = [];
    const ctx = fakeContext({
      files: { readText: denied },
      exec: {
        run: async (argv) => {
          ran.push([...argv]);
          const head = argv.indexOf("-c");
          return { exitCode: 0, stdout: " ".repeat(Number(argv[head + 1])), stderr: "", timedOut: false };
        },
      },
    });
    await expect(loadNodeFiles(ctx, CONFIG)).rejects.toMatchObject({
      exitCode: 3,
      code: "bad-node-file",
      message: `${CONFIG} is too large to be a HyperPod file (over 16 MB)`,
    });
    expect(ran).toEqual([["sudo", "-n", "head", "-c", String(LIMIT + 16), "--", CONFIG]]);
  });

  it("reports a provisioning_parameters.json that is there but too large, rather than guess without it", async () => {
    const ctx = fakeContext({
      files: {
        readText: async (path) =>
          path === CONFIG
            ? hyperpodFixture("resource_config.json")
            : Promise.reject(Object.assign(new Error("EFBIG"), { code: "EFBIG" })),
      },
    });
    await expect(loadNodeFiles(ctx, CONFIG)).rejects.toMatchObject({
      exitCode: 3,
      message: "/opt/ml/config/provisioning_parameters.json is too large to be a HyperPod file (over 16 MB)",
    });
  });
});

describe("another user's home without root", () => {
  it("is refused with a command that can be pasted, whatever the name", async () => {
    const ctx = fakeContext({ users: [entry("ubuntu", 1000), entry("john smith", 1001)] });
    const error = await refusal(targetHomes(ctx, { user: "john smith" }));
    expect(error.message).toBe("--user 'john smith': another user's home needs root");
    expect(error.hint).toBe("Run: sudo hpiam recover --user 'john smith'");
  });
});
