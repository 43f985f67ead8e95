import fc from "fast-check";
import { afterEach, describe, expect, it, vi } from "vitest";
import { readShellStartup, type StartupReading } from "../../src/shell/find-exports";
import { prescanStartupFile } from "../../src/shell/model/startup-prescan";
import { loadBashParser } from "../../src/system/bash-parser";
import { createExecutor } from "../../src/system/exec";
import { createFiles } from "../../src/system/files";
import { fakeContext } from "../support/fake-context";
import { createLoginSandbox, LOGIN_SHELLS, type LoginSandbox } from "../support/login-shell";
import {
  SOURCED_FILES,
  STARTUP_CASES,
  type StartupCase,
  ZSH_STARTUP_CASES,
} from "../support/startup-file-cases";

// The real parser, counted: the pre-pass's point is that it is not loaded.
vi.mock("../../src/system/bash-parser", async (importOriginal) => {
  const real = await importOriginal<typeof import("../../src/system/bash-parser")>();
  return { ...real, loadBashParser: vi.fn(real.loadBashParser) };
});

const parserLoads = () => vi.mocked(loadBashParser).mock.calls.length;

function reads(sandbox: LoginSandbox, shell?: string): Promise<StartupReading> {
  const ctx = {
    ...fakeContext({ env: { HPIAM_ETC_DIR: sandbox.etc } }),
    files: createFiles(),
    exec: createExecutor(),
  };
  return readShellStartup(ctx, sandbox.home, shell === undefined ? {} : { shell });
}

/**
 * What the parser reads in the same files: a comment that mentions AWS, at the end of a file every shell reads
 * first, changes nothing a shell does and leaves the pre-pass no choice but to parse.
 */
async function parsed(sandbox: LoginSandbox, shell?: string): Promise<StartupReading> {
  const marker = "\n\n# AWS: the pre-pass must leave this reading to the parser\n";
  await sandbox.write("/etc/profile", marker, { append: true });
  await sandbox.write("/etc/zsh/zshenv", marker, { append: true });
  return reads(sandbox, shell);
}

async function inSandbox<T>(work: (sandbox: LoginSandbox) => Promise<T>): Promise<T> {
  const sandbox = await createLoginSandbox();
  try {
    return await work(sandbox);
  } finally {
    await sandbox.cleanup();
  }
}

describe("the startup files' pre-pass", () => {
  afterEach(() => {
    vi.mocked(loadBashParser).mockClear();
  });

  it("reads a stock Ubuntu node of a bash user without loading the parser, and finds what the parser finds", async () => {
    await inSandbox(async (sandbox) => {
      const found = await reads(sandbox, LOGIN_SHELLS.bash);
      expect(parserLoads()).toBe(0);
      expect(found).toEqual({ exports: [], undecided: [], shells: [{}, {}] });
      expect(await parsed(sandbox, LOGIN_SHELLS.bash)).toEqual(found);
      expect(parserLoads()).toBe(1);
    });
  });

  it("leaves to the parser what it cannot tell: zsh's own /etc/zsh/zshrc, an eval of unknown text", async () => {
    expect(prescanStartupFile("key=(\n  Home x\n)\n", "/home/u")).toMatchObject({ clean: false });
    expect(prescanStartupFile('eval "$(my-tool env)"\n', "/home/u")).toMatchObject({ clean: false });
    expect(prescanStartupFile('eval "$(dircolors -b)"\n', "/home/u")).toEqual({ clean: true, sources: [] });
    await inSandbox(async (sandbox) => {
      await reads(sandbox, LOGIN_SHELLS.zsh);
      expect(parserLoads()).toBe(1);
    });
  });

  it("follows `.` into the files it names, and a loop's literal files", () => {
    const scan = prescanStartupFile(
      'for i in /etc/profile.d/*.sh; do\n  [ -r "$i" ] && . "$i"\ndone\n. ~/.bash_aliases\n. "$HOME/.env"\n',
      "/home/u",
    );
    expect(scan).toEqual({
      clean: true,
      sources: ["/etc/profile.d/*.sh", "/home/u/.bash_aliases", "/home/u/.env"],
    });
  });

  it("judges a text met again (the same /etc file, another home) for that home", () => {
    const text = ". ~/.bash_aliases\n";
    expect(prescanStartupFile(text, "/home/u")).toEqual({ clean: true, sources: ["/home/u/.bash_aliases"] });
    expect(prescanStartupFile(text, "/home/v")).toEqual({ clean: true, sources: ["/home/v/.bash_aliases"] });
    expect(prescanStartupFile(text, "relative")).toMatchObject({ clean: false });
  });

  it("reads files that source themselves twice a level (bash would crash) to an end, the export in them found", async () => {
    await inSandbox(async (sandbox) => {
      const selfSourcing = ["[ -f ~/.extra ] && . ~/.extra", 'for f in ~/.extra; do . "$f"; done'];
      await sandbox.write("~/.extra", `export AWS_PROFILE=dev\n${selfSourcing.join("\n")}\n`);
      await sandbox.write("~/.profile", "[ -f ~/.extra ] && . ~/.extra\n", { append: true });
      const found = await reads(sandbox, LOGIN_SHELLS.bash);
      expect(
        found.exports.map((hit) => [hit.variable, hit.path.endsWith("/.extra"), hit.line]),
      ).toContainEqual(["AWS_PROFILE", true, 1]);
    });
  }, 20_000);

  // The corpora of startup-file forms, with AWS spelled by an expansion (`${w}S_PROFILE`), which the parser
  // follows and the pre-pass must not miss. (As written, each says AWS: the pre-pass parses it.)
  const corpus = [
    ...STARTUP_CASES.map((line) => ({ name: line[0], line, shell: LOGIN_SHELLS.bash })),
    ...ZSH_STARTUP_CASES.map((line) => ({ name: line[0], line, shell: LOGIN_SHELLS.zsh })),
  ];

  it.each(corpus)(
    "never skips what the parser finds: $name, AWS spelled by an expansion",
    async ({ line, shell }) => {
      await inSandbox(async (sandbox) => {
        await writeCase(sandbox, line);
        const found = await reads(sandbox, shell);
        expect(await parsed(sandbox, shell)).toEqual(found);
      });
    },
  );

  it("never skips what the parser finds, for any mix of harmless and name-building forms", async () => {
    const file = fc.array(fc.oneof(fc.constantFrom(...HARMLESS), fc.constantFrom(...BUILDS_NAMES)), {
      maxLength: 4,
    });
    await fc.assert(
      fc.asyncProperty(
        fc.record({ profile: file, bashrc: file, extra: file, profileD: file }),
        fc.constantFrom(LOGIN_SHELLS.bash, undefined),
        async (files, shell) =>
          inSandbox(async (sandbox) => {
            const text = (lines: readonly string[]) => `${lines.join("\n")}\n`;
            await sandbox.write("~/.profile", text(files.profile), { append: true });
            await sandbox.write("~/.bashrc", text(files.bashrc), { append: true });
            await sandbox.write("~/.extra", text(files.extra));
            await sandbox.write("/etc/profile.d/site.sh", text(files.profileD));
            vi.mocked(loadBashParser).mockClear();
            const found = await reads(sandbox, shell);
            const harmless = Object.values(files)
              .flat()
              .every((form) => HARMLESS.includes(form));
            if (harmless && shell !== undefined) expect(parserLoads()).toBe(0);
            expect(await parsed(sandbox, shell)).toEqual(found);
          }),
      ),
      { numRuns: 40 },
    );
  }, 300_000);
});

async function writeCase(sandbox: LoginSandbox, [, file, content, others = {}]: StartupCase): Promise<void> {
  // `${w}S` is AWS once `w` is set (in the file itself, before the form): the parser knows, the text does not say.
  const spell = (text: string) => `w=AW\n${text.replace(/AWS/g, "${w}S")}`;
  const write = (path: string, text: string) =>
    sandbox.write(path.replace(/^\+/, ""), spell(text), { append: path.startsWith("+") });
  for (const [path, text] of Object.entries(SOURCED_FILES)) await sandbox.write(path, spell(text));
  await write(file, content);
  for (const [path, other] of Object.entries(others))
    await (typeof other === "string" ? write(path, other) : sandbox.link(path, other.link));
}

/** Forms of real startup files that cannot set an AWS_* variable. */
const HARMLESS = [
  'export PATH="$HOME/bin:$PATH"',
  "HISTSIZE=1000",
  "[ -f ~/.extra ] && . ~/.extra",
  "alias ll='ls -alF'",
  'if [ -n "$BASH_VERSION" ]; then umask 022; fi',
  'for f in ~/.extra; do . "$f"; done',
  "case $- in *i*) ;; *) echo not interactive;; esac",
  'eval "$(dircolors -b)"',
  "debian_chroot=$(cat /etc/debian_chroot 2>/dev/null)",
  "PS1='${debian_chroot:+($debian_chroot)}\\u@\\h:\\w\\$ '",
  'greet() { echo "hi $USER"; }\ngreet',
  "shopt -s histappend",
  "cat > /dev/null <<EOF\nhello $USER\nEOF",
  '[[ -n "$PS1" ]] && PS1="$PS1"',
  "# a comment",
  "printf '%s\\n' \"$HOME\" > /dev/null",
];

/** Forms that make (or may make) a name the text never spells: the parser reports them or reads through them. */
const BUILDS_NAMES = [
  'p=AW; export "${p}S_PROFILE=dev"',
  'x=S_PROFILE; declare -x "AW$x=dev"',
  "n=W; export A${n}S_ACCESS_KEY_ID=x",
  "v=$(printf '\\101WS_PROFILE'); export \"$v=dev\"",
  'read -r v <<< "x=1"; export "$v"',
  'printf -v "$(echo A)WS_PROFILE" dev; export "$(echo A)WS_PROFILE"',
  "e=eval; $e 'export A\"W\"S_PROFILE=x'",
  "alias e=eval\ne 'y=1'",
  "set -a; . ~/.extra; set +a",
  "declare -n r=v; r=1",
  "export A{W,}S_PROFILE=dev",
  "source <(echo true)",
  "PROMPT_COMMAND='export A$n'",
  "trap 'export X=1' EXIT",
  "(( x = 1 ))",
  "a[$(date +%s)]=1",
  '. "$(echo ~/.extra)"',
  'f=~/.extra; . "$f"',
  "$(echo export) A${n}S_PROFILE=dev",
  'let "x = 1"',
  "mapfile -t lines < ~/.extra",
  "[[ $v -eq 0 ]]",
  ": ${!n}",
  'export "$(echo A)WS_PROFILE=dev"',
  "n=S_PROFILE; export A$'\\x57'$n=dev",
  "alias ex=export\nex A${n}S_PROFILE=dev",
  "alias x=''\nx export A${n}S_PROFILE=dev",
];
