/**
 * Prometheus's text exposition format, version 0.0.4: what node_exporter's textfile collector reads and serves.
 * Every family has its HELP and TYPE lines; label values and help text are escaped as the format says.
 */

export type Labels = Readonly<Record<string, string>>;

export interface Sample {
  labels?: Labels;
  value: number;
}

/** A metric family: hpiam's are all gauges (a value now, not a count since start). */
export interface MetricFamily {
  name: string;
  help: string;
  type: "gauge";
  samples: readonly Sample[];
}

/** The families as one exposition: the text node_exporter's textfile collector takes, ending in a newline. */
export function renderExposition(families: readonly MetricFamily[]): string {
  return families.map(renderFamily).join("");
}

function renderFamily(family: MetricFamily): string {
  const lines = [`# HELP ${family.name} ${escapeHelp(family.help)}`, `# TYPE ${family.name} ${family.type}`];
  for (const sample of family.samples) {
    // String(n) is a float Go's parser reads (`1.5`, `1e+21`); hpiam's values are never NaN or infinite.
    lines.push(`${family.name}${renderLabels(sample.labels ?? {})} ${String(sample.value)}`);
  }
  return `${lines.join("\n")}\n`;
}

function renderLabels(labels: Labels): string {
  const pairs = Object.entries(labels).map(([name, value]) => `${name}="${escapeLabelValue(value)}"`);
  return pairs.length === 0 ? "" : `{${pairs.join(",")}}`;
}

/** In a label value: backslash, double quote and line feed, as `\\`, `\"` and `\n`. */
export function escapeLabelValue(value: string): string {
  return value.replace(/[\\"\n]/g, (c) => (c === "\n" ? "\\n" : `\\${c}`));
}

/** In HELP text: backslash and line feed only (a quote is itself there). */
export function escapeHelp(text: string): string {
  return text.replace(/[\\\n]/g, (c) => (c === "\n" ? "\\n" : "\\\\"));
}
