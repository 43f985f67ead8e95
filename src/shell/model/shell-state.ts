import type { Tri } from "./shell-syntax";

/** One edit of a file: whole lines go, or a stretch of one line (byte columns) is cut or replaced by `:`. */
export type LineEdit =
  | { kind: "lines"; from: number; to: number }
  | { kind: "cut"; line: number; column: number; length: number; replacement: "" | ":" };

/**
 * How to take one assignment or export out of its file: one edit, several (a command over several lines), or
 * none that a sed can make exactly (inside `eval`'s text, an alias's, a brace expansion that also sets other
 * names), with why.
 */
export type Removal = LineEdit | { kind: "edits"; edits: LineEdit[] } | { kind: "by-hand"; why: string };

/** A statement that assigned or exported a variable. */
export interface Origin {
  path: string;
  line: number;
  removal: Removal;
}

interface Variable {
  /** undefined: a value the reading cannot know (a command's output, an unknown variable). */
  value: string | undefined;
  set: Tri;
  exported: Tri;
  origins: Origin[];
}

export interface ExportedVariable {
  name: string;
  /** false: exported only if a condition the reading could not decide holds. */
  certain: boolean;
  /** What it holds at the end of the reading; undefined where the reading cannot know. */
  value: string | undefined;
  origins: Origin[];
}

/**
 * The variables of the shell being read. Where a statement may or may not run (`certain` false), a change can
 * only make a variable more exported, never less: an `unset` that may not run leaves the export in place.
 * A branch (`branch()`) stands for statements that may not run: what they assign, they themselves see as
 * assigned, while the shell after them sees it as "maybe".
 */
export class ShellState {
  private readonly variables: Map<string, Variable>;
  private readonly options: { allexport: Tri };
  /** What this branch's statements assigned or unset, as they see it. */
  private readonly local = new Map<string, { value: string | undefined; set: Tri }>();
  /** `$1`, `$2`, … of the function or sourced file being read (a login shell has none). */
  positional: ReadonlyArray<string | undefined>;

  /** `known`: values the shell starts with; `unsetAtStart`: names a fresh login does not have unless a file sets them. */
  constructor(
    private readonly known: Readonly<Record<string, string>>,
    private readonly unsetAtStart: (name: string) => boolean,
    private readonly parent?: ShellState,
  ) {
    this.variables = parent ? parent.variables : new Map<string, Variable>();
    this.options = parent ? parent.options : { allexport: "no" };
    this.positional = parent ? parent.positional : [];
  }

  get allexport(): Tri {
    return this.options.allexport;
  }

  set allexport(value: Tri) {
    this.options.allexport = value;
  }

  /** The state as statements that may not run see it (the branch of an `if` hpiam cannot decide). */
  branch(): ShellState {
    return new ShellState(this.known, this.unsetAtStart, this);
  }

  value(name: string): string | undefined {
    if (/^[1-9][0-9]*$/.test(name)) {
      const at = Number(name) - 1;
      return at < this.positional.length ? this.positional[at] : "";
    }
    if (name === "#") return String(this.positional.length);
    const found = this.seen(name);
    if (found) return found.set === "no" ? "" : found.set === "yes" ? found.value : undefined;
    if (name in this.known) return this.known[name];
    return this.unsetAtStart(name) ? "" : undefined;
  }

  assign(
    name: string,
    value: string | undefined,
    sure: boolean,
    { exportIt = false, origin }: { exportIt?: boolean; origin?: Origin } = {},
  ): void {
    if (this.parent) this.local.set(name, { value, set: "yes" });
    const certain = sure && !this.parent;
    const found = this.variable(name);
    const exported = exportIt ? "yes" : this.allexport;
    if (certain) {
      found.value = value;
      found.set = "yes";
      found.exported = exported === "yes" ? "yes" : raise(found.exported, exported);
    } else {
      // Unset before, it now holds this value or nothing; set before, it holds either value.
      const was = found.set === "no" ? value : found.value;
      found.value = was === value ? value : undefined;
      found.set = raise(found.set, "maybe");
      found.exported = raise(found.exported, exported === "no" ? "no" : "maybe");
    }
    if (origin) found.origins.push(origin);
  }

  exportName(name: string, certain: boolean, origin?: Origin): void {
    const found = this.variable(name);
    found.exported = certain && !this.parent ? "yes" : raise(found.exported, "maybe");
    if (origin) found.origins.push(origin);
  }

  unexport(name: string, certain: boolean): void {
    if (certain && !this.parent) this.variable(name).exported = "no";
  }

  unset(name: string, certain: boolean): void {
    if (this.parent) this.local.set(name, { value: "", set: "no" });
    const found = this.variable(name);
    if (!certain || this.parent) {
      found.value = undefined;
      return;
    }
    Object.assign(found, { value: "", set: "no", exported: "no", origins: [] });
  }

  /** Whether the variable is set ("maybe": only where a condition the reading could not decide holds). */
  isSet(name: string): Tri {
    const found = this.seen(name);
    if (found) return found.set;
    if (name in this.known) return "yes";
    return this.unsetAtStart(name) ? "no" : "maybe";
  }

  /** The value the variable has if it is set, where the reading knows it ("maybe" set included). */
  valueIfSet(name: string): string | undefined {
    const found = this.seen(name);
    if (found) return found.set === "no" ? undefined : found.value;
    return name in this.known ? this.known[name] : undefined;
  }

  /** Where the variable was last assigned, when that was recorded. */
  lastOrigin(name: string): Origin | undefined {
    return this.variables.get(name)?.origins.at(-1);
  }

  /** Variables a new shell would have in its environment, of those `wanted` names. */
  exported(wanted: (name: string) => boolean): ExportedVariable[] {
    return [...this.variables]
      .filter(([name, found]) => wanted(name) && found.set !== "no" && found.exported !== "no")
      .map(([name, found]) => ({
        name,
        certain: found.set === "yes" && found.exported === "yes",
        value: found.value,
        origins: found.origins,
      }));
  }

  /** The variable as this branch sees it: its own assignments first, then its parents', then the shell's. */
  private seen(name: string): { value: string | undefined; set: Tri } | undefined {
    return this.local.get(name) ?? (this.parent ? this.parent.seen(name) : this.variables.get(name));
  }

  private variable(name: string): Variable {
    let found = this.variables.get(name);
    if (!found) {
      const value = name in this.known ? this.known[name] : this.unsetAtStart(name) ? "" : undefined;
      const set = value === undefined ? "maybe" : name in this.known ? "yes" : "no";
      found = { value, set, exported: "no", origins: [] };
      this.variables.set(name, found);
    }
    return found;
  }
}

function raise(current: Tri, to: Tri): Tri {
  if (current === "yes" || to === "yes") return "yes";
  return current === "maybe" || to === "maybe" ? "maybe" : "no";
}
