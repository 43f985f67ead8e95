import { describe, expect, it } from "vitest";
import { installUnits, type InstallOptions } from "../../src/metrics/install-units";
import { formatSpan, metricsUnits, parseInterval } from "../../src/metrics/model/systemd-units";
import { runHpiamInProcess } from "../support/cli";
import { failure, fakeContext, type FakeOptions } from "../support/fake-context";
import { memoryFiles } from "../support/memory-files";

const NODE_AND_SCRIPT = ["/usr/bin/node", "/opt/hpiam/bin/hpiam.js"];
const TEXTFILE_DIR = "/var/lib/prometheus/node-exporter";

function units(overrides: Partial<Parameters<typeof metricsUnits>[0]> = {}) {
  const made = metricsUnits({
    command: NODE_AND_SCRIPT,
    args: ["metrics", "--textfile-dir", TEXTFILE_DIR],
    textfileDir: TEXTFILE_DIR,
    intervalSeconds: 300,
    ...overrides,
  });
  if (!("units" in made)) throw new Error(`unsayable: ${made.unsayable}`);
  const [service, timer] = made.units;
  return { service: service?.text ?? "", timer: timer?.text ?? "" };
}

/** `Key=value` lines of a unit's section, in order. */
function settings(text: string, section: string): string[] {
  const body = text.split(`[${section}]\n`)[1]?.split("\n[")[0] ?? "";
  return body.split("\n").filter((line) => /^[A-Za-z]+=/.test(line));
}

describe("the systemd units of hpiam metrics --install", () => {
  it("runs this hpiam once (a oneshot) as root, writing only the textfile directory", () => {
    const service = settings(units().service, "Service");
    expect(service).toContain("Type=oneshot");
    expect(service).toContain(
      `ExecStart=/usr/bin/node /opt/hpiam/bin/hpiam.js metrics --textfile-dir ${TEXTFILE_DIR}`,
    );
    expect(service).toContain("User=root");
    expect(service).toContain("ProtectSystem=strict");
    expect(service).toContain(`ReadWritePaths=${TEXTFILE_DIR}`);
    // Every home must stay readable: diagnose --all-users reads them.
    expect(service.filter((line) => line.startsWith("ProtectHome="))).toEqual([]);
    // V8 writes the code it compiles: W^X would stop node.
    expect(service.filter((line) => line.startsWith("MemoryDenyWriteExecute="))).toEqual([]);
  });

  it("starts the service every interval, soon after boot too, and is enabled for timers.target", () => {
    const { timer } = units({ intervalSeconds: 600 });
    expect(settings(timer, "Timer")).toEqual(["OnBootSec=2min", "OnUnitActiveSec=10min", "AccuracySec=1min"]);
    expect(settings(timer, "Install")).toEqual(["WantedBy=timers.target"]);
  });

  it("quotes a path with a space, and refuses one a unit would read otherwise", () => {
    const spaced = units({ command: ["/opt/my tools/hpiam"] }).service;
    expect(spaced).toContain(`ExecStart="/opt/my tools/hpiam" metrics`);
    for (const word of [
      "/opt/100%/hpiam",
      "/opt/$HOME/hpiam",
      '/opt/"x"/hpiam',
      "/opt/a\\b",
      "/opt/a\nExecStartPost=/x",
    ]) {
      expect(
        metricsUnits({ command: [word], args: [], textfileDir: TEXTFILE_DIR, intervalSeconds: 300 }),
      ).toEqual({ unsayable: word });
    }
  });

  it("keeps PrivateTmp off only when the textfile directory is under a /tmp the service would not see", () => {
    expect(settings(units().service, "Service")).toContain("PrivateTmp=yes");
    const inTmp = units({ textfileDir: "/tmp/prom", args: ["metrics", "--textfile-dir", "/tmp/prom"] });
    expect(settings(inTmp.service, "Service").filter((line) => line.startsWith("PrivateTmp"))).toEqual([]);
  });
});

describe("--interval", () => {
  it.each([
    ["5min", 300],
    ["300", 300],
    ["90s", 90],
    ["1h 30min", 5400],
    ["2h", 7200],
    ["1d", 86400],
  ])("%s is %i seconds", (text, seconds) => {
    expect(parseInterval(text)).toEqual({ seconds });
  });

  it.each(["30s", "5 minz", "five minutes", "", "1.5h", "-5min"])("%j is refused", (text) => {
    expect(parseInterval(text)).toHaveProperty("problem");
  });

  it("is written back as systemd writes spans", () => {
    expect([300, 90, 5400, 86400 + 60].map(formatSpan)).toEqual(["5min", "1min 30s", "1h 30min", "1d 1min"]);
  });
});

const UNIT_DIR = "/etc/systemd/system";
const SERVICE = `${UNIT_DIR}/hpiam-metrics.service`;
const TIMER = `${UNIT_DIR}/hpiam-metrics.timer`;
/** A unit directory that holds something (memoryFiles' directories are the prefixes of the paths it holds). */
const NODE_FILES = {
  [`${UNIT_DIR}/multi-user.target.wants/ssh.service`]: "",
  [`${TEXTFILE_DIR}/node.prom`]: "",
};

function install(options: InstallOptions, fake: FakeOptions = {}, initial: Record<string, string> = {}) {
  const files = memoryFiles({ ...NODE_FILES, ...initial });
  const modes = new Map<string, number>();
  const shown: string[] = [];
  const ctx = fakeContext({
    uid: 0,
    ...fake,
    files: { ...files, chmod: async (path, mode) => void modes.set(path, mode) },
  });
  const result = installUnits(options, ctx, { showPlan: (plan) => shown.push(JSON.stringify(plan)) });
  return { result, store: files.store, modes, shown };
}

describe("installUnits", () => {
  it("writes both units, mode 0644, with --yes and no terminal", async () => {
    const { result, store, modes } = install({ install: true, yes: true });
    expect(await result).toMatchObject({
      result: "installed",
      units: [
        { path: SERVICE, change: "created", backup: null },
        { path: TIMER, change: "created", backup: null },
      ],
      next: "systemctl daemon-reload && systemctl enable --now hpiam-metrics.timer",
    });
    expect(store.get(SERVICE)).toContain("ExecStart=/usr/bin/node /opt/hpiam/bin/hpiam.js metrics");
    expect(modes.get(SERVICE)).toBe(0o644);
    expect(modes.get(TIMER)).toBe(0o644);
  });

  it("refuses without --yes when there is no terminal to ask at, and writes nothing", async () => {
    const { result, store } = install({ install: true });
    const error = await failure(result);
    expect(error.exitCode).toBe(2);
    expect(error.message).toMatch(/no terminal to ask at: refusing to write systemd units without --yes/);
    expect(store.has(SERVICE) || store.has(TIMER)).toBe(false);
  });

  it("asks at a terminal after showing the plan, and writes nothing when the answer is no", async () => {
    const declined = install({ install: true }, { interactive: true, answers: [false] });
    expect((await failure(declined.result)).exitCode).toBe(2);
    expect(declined.shown).toHaveLength(1);
    expect(declined.store.has(SERVICE)).toBe(false);

    const accepted = install({ install: true }, { interactive: true, answers: [true] });
    expect((await accepted.result).result).toBe("installed");
    expect(accepted.store.has(TIMER)).toBe(true);
  });

  it("replaces a unit that differs, keeping the old one beside it", async () => {
    const old = "[Service]\nExecStart=/usr/bin/true\n";
    const { result, store } = install({ install: true, yes: true, interval: "2min" }, {}, { [SERVICE]: old });
    const backup = `${SERVICE}.hpiam-backup-20261123T120000Z`;
    expect((await result).units[0]).toEqual({ path: SERVICE, change: "replaced", backup });
    expect(store.get(backup)).toBe(old);
    expect(store.get(SERVICE)).toContain("Type=oneshot");
    expect(store.get(TIMER)).toContain("OnUnitActiveSec=2min");
  });

  it("leaves units that are already what it would write, and asks nothing", async () => {
    const first = install({ install: true, yes: true });
    await first.result;
    const again = install({ install: true }, {}, Object.fromEntries(first.store));
    expect((await again.result).result).toBe("unchanged");
  });

  it("bakes --cloudwatch, --namespace and --region into every run of the timer", async () => {
    const { result, store } = install({
      install: true,
      yes: true,
      cloudwatch: true,
      namespace: "Team/Nodes",
      region: "eu-west-1",
      textfileDir: "/srv/prom",
    });
    expect((await result).textfileDir).toEqual({ path: "/srv/prom", created: true });
    expect(settings(store.get(SERVICE) ?? "", "Service")).toContain(
      "ExecStart=/usr/bin/node /opt/hpiam/bin/hpiam.js metrics --textfile-dir /srv/prom --cloudwatch --namespace Team/Nodes --region eu-west-1",
    );
  });

  it("names the unit it cannot write, and says to run it as root", async () => {
    const denied = async () => {
      throw Object.assign(new Error("EACCES: permission denied"), { code: "EACCES" });
    };
    const ctx = fakeContext({ files: { ...memoryFiles(NODE_FILES), createExclusive: denied } });
    const error = await failure(installUnits({ install: true, yes: true }, ctx));
    expect([error.exitCode, error.message, error.hint]).toEqual([
      3,
      `cannot write ${SERVICE} (EACCES)`,
      "Run it as root: sudo hpiam metrics --install",
    ]);
  });

  it("refuses a relative textfile directory, a short interval and a unit directory that is not there", async () => {
    expect(
      (await failure(install({ install: true, yes: true, textfileDir: "prom" }).result)).message,
    ).toMatch(/not an absolute path/);
    expect((await failure(install({ install: true, yes: true, interval: "10s" }).result)).message).toMatch(
      /--interval: "10s": at least 1min/,
    );
    const missing = await failure(install({ install: true, yes: true, unitDir: "/nowhere" }).result);
    expect([missing.exitCode, missing.message]).toEqual([3, "/nowhere is not a directory"]);
  });
});

describe("hpiam metrics flags", () => {
  const run = (argv: string[]) => runHpiamInProcess(argv, fakeContext({ uid: 0 }));

  it.each([
    [["metrics", "--interval", "5min"], /--interval needs --install/],
    [["metrics", "--unit-dir", "/tmp"], /--unit-dir needs --install/],
    [["metrics", "--namespace", "X"], /--namespace needs --cloudwatch/],
    [["metrics", "--cloudwatch", "--namespace", "AWS/EC2"], /AWS\/ is reserved/],
    [["metrics", "--install", "--cloudwatch", "--namespace", "a;b"], /not a CloudWatch namespace/],
  ])("%j is a usage error", async (argv, message) => {
    const result = await run(argv);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toMatch(message);
  });
});
