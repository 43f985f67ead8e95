// `npm run bench`: whole-process wall time and peak memory of hpiam next to the real AWS CLI, side by side in
// one run on the simulated node (moto_server, the IMDS fake, a sandbox HOME; test/support). Commands run
// interleaved, round after round, so that a slower minute of the machine weighs on all of them alike.
// Prints a table and the target ratios, and writes bench/results/latest.json. Run by hand; no test times anything.
//
//   npm run bench -- --runs 30
import { execFile } from "node:child_process";
import { access, mkdir, readdir, stat, writeFile } from "node:fs/promises";
import { cpus, release } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify, parseArgs } from "node:util";
import { startSimulatedNode, type SimulatedNode } from "../test/support/simulated-node";
import { fleetSubjects, fleetTarget, renderLargeReport, startBenchCluster } from "./fleet";
import { pacingFigures, ssmLines, standInFigures } from "./fleet-ssm";
import { gnuTimeAvailable, measureOnce, median, type Sample } from "./measure";

const run = promisify(execFile);
const root = (path: string) => fileURLToPath(new URL(`../${path}`, import.meta.url));
const BIN = root("bin/hpiam.js");
/** whoami's round trips with raw node:http and nothing else: the floor whoami is held to. */
const FLOOR = root("bench/raw-whoami-floor.mjs");
const SEA = root("dist/hpiam-linux-x64");
const SEA_CACHE = root("node_modules/.cache/hpiam-sea");

interface Subject {
  name: string;
  argv: string[] | undefined;
  /** Its own environment (the fleet's head node), else the simulated node's. */
  env?: Record<string, string>;
  /** Why it is not measured, when argv is undefined. */
  missing?: string;
}

interface Row {
  name: string;
  argv?: string[];
  missing?: string;
  medianMs?: number;
  minMs?: number;
  maxMs?: number;
  peakRssMb?: number;
  exitCodes?: number[];
  codeCache?: string;
}

const { values: flags } = parseArgs({
  options: { runs: { type: "string", default: "20" }, warmup: { type: "string", default: "2" } },
});
const RUNS = Number(flags.runs);
const WARMUP = Number(flags.warmup);

async function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}

/** The Node binary build:sea embedded (it keeps a copy in its cache), for the single executable's baseline. */
async function seaNode(): Promise<string | undefined> {
  const dirs = await readdir(SEA_CACHE).catch(() => []);
  const dir = dirs.find((name) => name.startsWith("node-v"));
  return dir ? join(SEA_CACHE, dir, "package", "bin", "node") : undefined;
}

/** The aws program itself: pyenv's shim is a shell script that adds tens of milliseconds to every call. */
async function resolveAws(env: Record<string, string>): Promise<string> {
  const { stdout } = await run("sh", ["-c", "command -v aws"], { env });
  const found = stdout.trim();
  if (!found.includes("/shims/")) return found;
  return (await run("pyenv", ["which", "aws"], { env }).catch(() => ({ stdout: found }))).stdout.trim();
}

/** diagnose is measured once it exists: `hpiam diagnose --help` prints its own usage. */
async function hasCommand(hpiam: string[], command: string, env: Record<string, string>): Promise<boolean> {
  const [file = "", ...args] = hpiam;
  const { stdout } = await run(file, [...args, command, "--help"], { env }).catch(() => ({ stdout: "" }));
  return stdout.startsWith(`Usage: hpiam ${command}`);
}

async function codeCacheState(argv: string[], env: Record<string, string>): Promise<string> {
  const [file = "", ...args] = argv;
  const result = await run(file, args, { env: { ...env, HPIAM_DEBUG_CODE_CACHE: "1" } }).catch(
    (error: { stderr?: string }) => ({ stderr: error.stderr ?? "" }),
  );
  return /code cache (\w+)/.exec(result.stderr)?.[1] ?? "?";
}

const FLOOR_ROW = "whoami's floor (raw node:http, no SDK)";
const SEA_FLOOR_ROW = "whoami's floor (the SEA's Node)";

async function subjects(node: SimulatedNode): Promise<Subject[]> {
  const hpiam = [process.execPath, BIN];
  const diagnose = (await hasCommand(hpiam, "diagnose", node.env))
    ? { argv: [...hpiam, "diagnose"] }
    : { argv: undefined, missing: "n/a (not built)" };
  const list: Subject[] = [
    { name: "node -e 0", argv: [process.execPath, "-e", "0"] },
    { name: FLOOR_ROW, argv: [process.execPath, FLOOR] },
    { name: "hpiam --version", argv: [...hpiam, "--version"] },
    { name: "hpiam --help", argv: [...hpiam, "--help"] },
    { name: "hpiam whoami", argv: [...hpiam, "whoami"] },
    { name: "hpiam diagnose", ...diagnose },
    // As root, metrics checks every home (the sandbox's user database), as a timer on a node does: beside it,
    // diagnose doing the same, so that the cost of every home and the cost of metrics are told apart.
    { name: "hpiam diagnose --all-users", argv: diagnose.argv && [...diagnose.argv, "--all-users"] },
    { name: "hpiam metrics", argv: [...hpiam, "metrics"] },
    { name: "aws sts get-caller-identity", argv: [await resolveAws(node.env), "sts", "get-caller-identity"] },
  ];
  const seaBaseline = await seaNode();
  if (await exists(SEA)) {
    const seaDiagnose = (await hasCommand([SEA], "diagnose", node.env))
      ? { argv: [SEA, "diagnose"] }
      : { argv: undefined, missing: "n/a (not built)" };
    list.push(
      ...(seaBaseline
        ? [
            { name: "node22 -e 0 (the SEA's Node)", argv: [seaBaseline, "-e", "0"] },
            { name: SEA_FLOOR_ROW, argv: [seaBaseline, FLOOR] },
          ]
        : []),
      { name: "hpiam-linux-x64 --version", argv: [SEA, "--version"] },
      { name: "hpiam-linux-x64 whoami", argv: [SEA, "whoami"] },
      { name: "hpiam-linux-x64 diagnose", ...seaDiagnose },
    );
  } else {
    list.push({
      name: "hpiam-linux-x64 (single executable)",
      argv: undefined,
      missing: "n/a (npm run build:sea)",
    });
  }
  return list;
}

async function measure(list: Subject[], env: Record<string, string>, withRss: boolean): Promise<Row[]> {
  const samples = new Map<Subject, Sample[]>(list.map((subject) => [subject, []]));
  const measured = list.filter((subject) => subject.argv);
  for (let round = 0; round < WARMUP + RUNS; round++) {
    // Rotate the order each round: no command always runs right after the slow one.
    const order = measured.map((_, i) => measured[(i + round) % measured.length] as Subject);
    for (const subject of order) {
      const sample = await measureOnce(subject.argv ?? [], subject.env ?? env, withRss);
      if (round >= WARMUP) samples.get(subject)?.push(sample);
    }
    if (process.stderr.isTTY) process.stderr.write(`\rbench: round ${round + 1}/${WARMUP + RUNS}`);
  }
  if (process.stderr.isTTY) process.stderr.write("\n");
  const rows: Row[] = [];
  for (const subject of list) {
    const got = samples.get(subject) ?? [];
    if (!subject.argv || got.length === 0) {
      rows.push({ name: subject.name, missing: subject.missing ?? "n/a" });
      continue;
    }
    const wall = got.map((s) => s.wallMs);
    const rss = got.flatMap((s) => (s.peakRssKb === undefined ? [] : [s.peakRssKb]));
    // Through srun the task's environment is Slurm's: the code-cache probe would not reach it.
    const isHpiam = (subject.argv.includes(BIN) && subject.argv[0] !== "srun") || subject.argv[0] === SEA;
    rows.push({
      name: subject.name,
      argv: subject.argv,
      medianMs: median(wall),
      minMs: Math.min(...wall),
      maxMs: Math.max(...wall),
      ...(rss.length ? { peakRssMb: median(rss) / 1024 } : {}),
      exitCodes: [...new Set(got.map((s) => s.exitCode))],
      ...(isHpiam ? { codeCache: await codeCacheState(subject.argv, subject.env ?? env) } : {}),
    });
  }
  return rows;
}

function ratio(rows: Row[], numerator: string, denominator: string, target: number) {
  const a = rows.find((row) => row.name === numerator)?.medianMs;
  const b = rows.find((row) => row.name === denominator)?.medianMs;
  const value = a !== undefined && b !== undefined ? a / b : undefined;
  return {
    ratio: `${numerator} / ${denominator}`,
    target,
    value,
    met: value === undefined ? undefined : value <= target,
  };
}

function table(rows: Row[]): string {
  const head = ["command", "median ms", "min", "max", "peak RSS MB", "exit", "code cache"];
  const body = rows.map((row) =>
    row.missing
      ? [row.name, row.missing, "", "", "", "", ""]
      : [
          row.name,
          (row.medianMs ?? 0).toFixed(1),
          (row.minMs ?? 0).toFixed(1),
          (row.maxMs ?? 0).toFixed(1),
          row.peakRssMb === undefined ? "n/a" : row.peakRssMb.toFixed(1),
          (row.exitCodes ?? []).join(","),
          row.codeCache ?? "",
        ],
  );
  const widths = head.map((_, i) => Math.max(...[head, ...body].map((cells) => (cells[i] ?? "").length)));
  const line = (cells: string[]) =>
    `| ${cells.map((cell, i) => (i === 0 ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0))).join(" | ")} |`;
  const rule = `| ${widths.map((w, i) => (i === 0 ? "-".repeat(w) : `${"-".repeat(Math.max(w - 1, 1))}:`)).join(" | ")} |`;
  return [line(head), rule, ...body.map(line)].join("\n");
}

async function main(): Promise<void> {
  const withRss = await gnuTimeAvailable();
  if (!withRss)
    process.stderr.write("bench: /usr/bin/time not found (Debian: apt-get install time); no memory column\n");
  // The simulated node's set-up uses the SDK in this process; its advice to upgrade Node is noise here.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
  const node = await startSimulatedNode();
  const cluster = await startBenchCluster(node).catch(async (error: unknown) => {
    await node.stop();
    throw error;
  });
  const stop = () => void Promise.all([cluster.stop(), node.stop()]).then(() => process.exit(130));
  process.once("SIGINT", stop);
  try {
    const list = [...(await subjects(node)), ...fleetSubjects([process.execPath, BIN], node, cluster)];
    process.stderr.write(
      `bench: ${RUNS} runs (+${WARMUP} warm-up) of ${list.filter((s) => s.argv).length} commands\n`,
    );
    const rows = await measure(list, node.env, withRss);
    const ratios = [
      ratio(rows, "hpiam whoami", "aws sts get-caller-identity", 0.35),
      ratio(rows, "hpiam whoami", FLOOR_ROW, 1.3),
      ratio(rows, "hpiam --version", "node -e 0", 1.5),
      ratio(rows, "hpiam diagnose", "hpiam whoami", 1.5),
      ratio(rows, "hpiam metrics", "hpiam diagnose", 1.1),
      ratio(rows, "hpiam metrics", "hpiam diagnose --all-users", 1.1),
      ratio(rows, "hpiam-linux-x64 whoami", "aws sts get-caller-identity", 0.35),
      ratio(rows, "hpiam-linux-x64 whoami", SEA_FLOOR_ROW, 1.3),
      ratio(rows, "hpiam-linux-x64 --version", "node22 -e 0 (the SEA's Node)", 1.5),
      ratio(rows, "hpiam-linux-x64 diagnose", "hpiam-linux-x64 whoami", 1.5),
      fleetTarget(rows),
    ];
    const renderMs = renderLargeReport(RUNS);
    // Each run over the stand-in nodes lasts seconds (the pacing): a few runs say enough.
    const ssm = { pacing: await pacingFigures(), standIn: await standInFigures(node, Math.min(RUNS, 5)) };
    const aws = rows.find((row) => row.name.startsWith("aws"))?.argv?.[0] ?? "aws";
    const machine = {
      cpu: cpus()[0]?.model ?? "?",
      cores: cpus().length,
      kernel: release(),
      node: process.version,
      aws: (await run(aws, ["--version"], { env: node.env }).catch(() => ({ stdout: "?" }))).stdout.trim(),
    };
    process.stdout.write(`\n${table(rows)}\n\n`);
    for (const r of ratios) {
      const shown = r.value === undefined ? "n/a" : r.value.toFixed(2);
      const verdict = r.met === undefined ? "" : r.met ? "  met" : "  NOT met";
      process.stdout.write(`${r.ratio.padEnd(72)} ${shown.padStart(5)}  (target ≤ ${r.target})${verdict}\n`);
    }
    process.stdout.write(
      `grouping and rendering a 2,000-node report: ${renderMs.toFixed(1)} ms (target < 1000)\n`,
    );
    process.stdout.write(`${ssmLines(ssm.pacing, ssm.standIn)}\n`);
    process.stdout.write(`\n${machine.cores} × ${machine.cpu}, ${machine.node}, ${machine.aws}\n`);
    const seaBuilt = await stat(SEA).catch(() => undefined);
    if (seaBuilt) {
      process.stdout.write(
        `hpiam-linux-x64 as built ${seaBuilt.mtime.toISOString()} (npm run build:sea to measure today's source)\n`,
      );
    }
    await mkdir(root("bench/results"), { recursive: true });
    const file = root("bench/results/latest.json");
    const document = {
      date: new Date().toISOString(),
      runs: RUNS,
      warmup: WARMUP,
      machine,
      rows,
      ratios,
      renderMs,
      ssm,
    };
    await writeFile(file, `${JSON.stringify(document, null, 2)}\n`);
    process.stdout.write(`results: ${file}\n`);
  } finally {
    await cluster.stop();
    await node.stop();
  }
}

await main();
