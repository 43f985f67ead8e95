// `npm run demo`: the story of `aws configure` on a simulated HyperPod node (moto_server, IMDS fake, sandbox HOME).
import { execa } from "execa";
import { appendFile } from "node:fs/promises";
import { join } from "node:path";
import { maskKeyId } from "../src/identity/model/mask";
import { startSimulatedNode, type SimulatedNode } from "../test/support/simulated-node";

const bold = (text: string) => (process.stdout.isTTY ? `\u001b[1m${text}\u001b[22m` : text);

function chapter(title: string) {
  process.stdout.write(`\n${bold(`── ${title} `.padEnd(78, "─"))}\n\n`);
}

async function show(node: SimulatedNode, argv: string[], shownAs = argv.join(" ")) {
  process.stdout.write(`${bold(`$ ${shownAs}`)}\n`);
  const colour: Record<string, string> = process.stdout.isTTY ? { FORCE_COLOR: "1", NO_COLOR: "" } : {};
  const [tool = "", ...args] = argv;
  const result = tool === "hpiam" ? await node.hpiam(args, colour) : await node.aws(args);
  // execa strips the final newline; put it back so the exit line stands on its own.
  for (const text of [result.stdout, result.stderr])
    if (text.trim()) process.stdout.write(`${text.trimEnd()}\n`);
  process.stdout.write(`${bold(`(exit ${result.exitCode})`)}\n\n`);
}

const node = await startSimulatedNode();
try {
  const key = node.world.leakedKey.accessKeyId;
  process.stdout.write(
    `A simulated HyperPod worker node: moto_server plays AWS, a local IMDSv2 serves the cluster execution\n` +
      `role, and HOME is a sandbox (${node.sandbox.home}).\n`,
  );

  chapter("1. A healthy node: everything signs as the cluster execution role");
  await show(node, ["aws", "sts", "get-caller-identity"]);
  await show(node, ["hpiam", "whoami"]);

  chapter("2. The accident: someone runs `aws configure` with their IAM user's key");
  process.stdout.write(`$ aws configure set aws_access_key_id ${maskKeyId(key)}   (and the secret key)\n\n`);
  await node.runAwsConfigure();
  // …and, to be sure, puts the secret key in ~/.bashrc too (masked here, as hpiam never prints it).
  const bashrc = join(node.sandbox.home, ".bashrc");
  process.stdout.write(`$ echo 'export AWS_SECRET_ACCESS_KEY=…' >> ~/.bashrc\n\n`);
  await appendFile(bashrc, `export AWS_SECRET_ACCESS_KEY=${node.world.leakedKey.secretAccessKey}\n`);
  await show(node, ["aws", "sts", "get-caller-identity"]);

  chapter("3. hpiam says what happened, where, and what to do");
  await show(node, ["hpiam", "whoami"]);

  chapter("4. hpiam diagnose: every check at a glance, and the fixes in order");
  await show(node, ["hpiam", "diagnose"]);
  // The startup line is the person's to remove (hpiam reports it, never edits it): run the fix diagnose gave.
  const report = JSON.parse((await node.hpiam(["diagnose", "--json", "--checks", "environment"])).stdout) as {
    checks: Array<{ remediation: string | null }>;
  };
  const fix = report.checks[0]?.remediation ?? `sed -i -e '1d' ${bashrc}`;
  process.stdout.write(`${bold(`$ ${fix}`)}\n\n`);
  await execa("sh", ["-c", fix]);

  chapter("5. hpiam recover: the plan first, then ~/.aws moved aside, verified, reboot");
  await show(node, ["hpiam", "recover", "--dry-run"]);
  await show(node, ["hpiam", "recover", "--yes"]);
  const reboots = (await node.sandbox.calls()).filter((call) => call.args.includes("reboot"));
  process.stdout.write(
    `The sandbox's stub recorded: ${reboots.map((call) => [call.command, ...call.args].join(" ")).join("; ")}` +
      ` — a real node reboots here,\nso that the SSM agent and running jobs drop the keys they loaded.\n`,
  );

  chapter("6. Healthy again: the cluster execution role, and nothing lost");
  await show(node, ["aws", "sts", "get-caller-identity"]);
  await show(node, ["hpiam", "whoami"]);
  await show(node, ["hpiam", "recover"]);
} finally {
  await node.stop();
}
