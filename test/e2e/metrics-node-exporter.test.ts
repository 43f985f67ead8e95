import { stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { ACCOUNT, EXECUTION_ROLE, LEAKED_USER } from "../support/aws-world";
import { useStarted } from "../support/processes";
import { ensurePrometheusPackages, promtool, samplesOf, startNodeExporter } from "../support/prometheus";
import { expectNoSecrets, expectOneLineError, useSimulatedNode } from "../support/simulated-node";

const FAILING_SOURCE = 'hpiam_check_status{check="credential-source",status="fail"}';

describe("hpiam metrics, served by node_exporter's textfile collector on the simulated node", () => {
  const node = useSimulatedNode();
  const exporter = useStarted("node_exporter", startNodeExporter);
  beforeAll(ensurePrometheusPackages, 300_000);

  /** hpiam writes the file (as root: every home), node_exporter serves it: what Prometheus would scrape. */
  async function publishAndScrape(): Promise<Map<string, number>> {
    const result = await node.hpiam(["metrics", "--textfile-dir", exporter.textfileDir]);
    expectNoSecrets(node, result);
    expect(result, result.stderr).toMatchObject({ exitCode: 0, stdout: "" });
    const served = samplesOf(await exporter.scrape());
    expect(served.get("node_textfile_scrape_error")).toBe(0);
    return served;
  }

  it("prints an exposition and alert rules that promtool accepts", async () => {
    const printed = await node.hpiam(["metrics"]);
    expect(printed.exitCode, printed.stderr).toBe(0);
    // The harness strips the last line feed of what a command printed; the format ends every line with one.
    const exposition = `${printed.stdout}\n`;
    expect(await promtool(["check", "metrics"], exposition)).toMatchObject({ exitCode: 0, stderr: "" });

    const rules = await node.hpiam(["metrics", "--alert-rules"]);
    expect(rules.exitCode).toBe(0);
    const file = join(node.sandbox.root, "hpiam-rules.yml");
    await writeFile(file, rules.stdout);
    const checked = await promtool(["check", "rules", file]);
    expect(checked.exitCode, checked.stderr).toBe(0);
    expect(checked.stdout).toMatch(/SUCCESS: 3 rules found/);
  });

  it("is served healthy: 1, the role signing from the instance metadata, nothing overridden", async () => {
    const served = await publishAndScrape();
    expect(served.get("hpiam_node_healthy")).toBe(1);
    expect(served.get(FAILING_SOURCE)).toBe(0);
    expect(served.get('hpiam_check_status{check="credential-source",status="pass"}')).toBe(1);
    expect(served.get("hpiam_homes_overridden")).toBe(0);
    // node_exporter serves labels in name order.
    expect(
      served.get(
        `hpiam_identity_info{arn="arn:aws:sts::${ACCOUNT}:assumed-role/${EXECUTION_ROLE}/SageMaker",expected_role="${EXECUTION_ROLE}",source="instance-metadata",type="assumed-role"}`,
      ),
    ).toBe(1);
    const file = await stat(join(exporter.textfileDir, "hpiam.prom"));
    expect(file.mode & 0o777).toBe(0o644);
  });

  it("never lets a scrape miss hpiam_node_healthy while hpiam rewrites the file again and again", async () => {
    let writing = true;
    const rewrites = (async () => {
      try {
        for (let run = 0; run < 12; run++) {
          const result = await node.hpiam(["metrics", "--textfile-dir", exporter.textfileDir]);
          expect(result.exitCode, result.stderr).toBe(0);
        }
      } finally {
        writing = false;
      }
    })();
    const scrapes: Array<Map<string, number>> = [];
    while (writing) scrapes.push(samplesOf(await exporter.scrape()));
    await rewrites;
    expect(scrapes.length).toBeGreaterThan(12);
    for (const served of scrapes) {
      expect(served.get("node_textfile_scrape_error")).toBe(0);
      expect(served.get("hpiam_node_healthy")).toBe(1);
      expect(served.get("hpiam_run_duration_seconds")).toBeGreaterThan(0);
    }
  });

  it("is served 0 after `aws configure`, with credential-source failing and the home counted", async () => {
    await node.runAwsConfigure();
    const served = await publishAndScrape();
    expect(served.get("hpiam_node_healthy")).toBe(0);
    expect(served.get('hpiam_node_status{status="unhealthy"}')).toBe(1);
    expect(served.get(FAILING_SOURCE)).toBe(1);
    expect(served.get("hpiam_homes_overridden")).toBe(1);
    expect(
      served.get(
        `hpiam_identity_info{arn="arn:aws:iam::${ACCOUNT}:user/${LEAKED_USER}",expected_role="${EXECUTION_ROLE}",source="shared-credentials-file",type="iam-user"}`,
      ),
    ).toBe(1);
  });

  it("is served 1 again after hpiam recover --yes --no-reboot, with the reboot still due", async () => {
    const recovered = await node.hpiam(["recover", "--yes", "--no-reboot"]);
    expect(recovered.exitCode, recovered.stdout).toBe(0);
    const served = await publishAndScrape();
    expect(served.get("hpiam_node_healthy")).toBe(1);
    expect(served.get(FAILING_SOURCE)).toBe(0);
    expect(served.get('hpiam_check_status{check="credential-source",status="pass"}')).toBe(1);
    expect(served.get("hpiam_homes_overridden")).toBe(0);
    expect(served.get("hpiam_reboot_due")).toBe(1);
  });

  it("refuses a textfile directory that is not there: one line, exit 2", async () => {
    const result = await node.hpiam(["metrics", "--textfile-dir", join(node.sandbox.root, "nowhere")]);
    expectOneLineError(node, result, 2, /^hpiam: --textfile-dir: .*nowhere does not exist$/);
  });
});
