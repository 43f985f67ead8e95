import { describe, expect, it } from "vitest";
import { countFinished, parseDocument, splitLabelled } from "../../src/fleet/model/labelled-output";
import {
  judgeState,
  type NodePlace,
  parseNodes,
  parseReservations,
  runGroups,
} from "../../src/fleet/model/slurm-nodes";

// Lines as Slurm 22.05's `scontrol show node -o` prints them (trimmed to the fields hpiam reads).
const TABLE = [
  "NodeName=worker-10 Arch=x86_64 CPUAlloc=0 State=IDLE ThreadsPerCore=1 Partitions=dev,batch  BootTime=2026-12-01T01:57:24",
  "NodeName=worker-2 Arch=x86_64 CPUAlloc=96 State=ALLOCATED Partitions=batch  BootTime=2026-12-01T01:57:24",
  "NodeName=worker-3 Arch=x86_64 State=DOWN+NOT_RESPONDING Partitions=batch Reason=disk failure on nvme0 [root@2026-12-01T02:02:09]",
  "NodeName=worker-4 Arch=x86_64 State=IDLE+DRAIN Partitions=batch Reason=GPU ECC errors [slurm@2026-12-01T02:02:09] Comment=x",
  "NodeName=worker-5 State=MIXED Partitions=batch",
].join("\n");

describe("the nodes of `scontrol show node -o`", () => {
  it("keeps Slurm's node-table order and says why a node cannot be asked, Reason's spaces included", () => {
    expect(
      parseNodes(TABLE).map((node) => [node.name, node.unavailable ?? "ask", node.reason ?? ""]),
    ).toEqual([
      ["worker-10", "ask", ""],
      ["worker-2", "busy", "Slurm says ALLOCATED: every CPU is in use by jobs"],
      ["worker-3", "down", "Slurm says DOWN+NOT_RESPONDING: disk failure on nvme0"],
      ["worker-4", "drained", "Slurm says IDLE+DRAIN: GPU ECC errors"],
      ["worker-5", "ask", ""],
    ]);
  });

  it("a reboot Slurm has queued, and states it does not name, are not asked", () => {
    expect(judgeState("IDLE+DRAIN+REBOOT_REQUESTED", "hpiam recover").unavailable).toBe("rebooting");
    expect(judgeState("FUTURE").unavailable).toBe("down");
    expect(judgeState("IDLE+POWERED_DOWN").unavailable).toBe("down");
    expect(judgeState("COMPLETING").unavailable).toBe("busy");
  });
});

describe("srun --label output", () => {
  const out = [
    "1: {",
    "0: {",
    '1:   "schemaVersion": 1',
    '0:   "schemaVersion": 1',
    "0: }",
    "1: }",
    "srun: warning",
  ].join("\n");

  it("puts each task's lines back together and reads its document", () => {
    const tasks = splitLabelled(out);
    expect(parseDocument(tasks.get(0))).toEqual({ document: { schemaVersion: 1 } });
    expect(parseDocument(tasks.get(1))).toEqual({ document: { schemaVersion: 1 } });
    expect(countFinished(out)).toBe(2);
  });

  it("says what a task printed instead of a document", () => {
    expect(parseDocument(undefined)).toEqual({ problem: "printed nothing" });
    expect(parseDocument("Segmentation fault")).toEqual({
      problem: "printed something that is not JSON: Segmentation fault",
    });
    expect(parseDocument('{"a": 1}')).toEqual({ problem: "printed JSON that is not an hpiam document" });
  });
});

describe("srun steps of a selection", () => {
  const places: Record<string, NodePlace> = {
    a: { partitions: ["dev", "batch"] },
    b: { partitions: ["batch"] },
    c: { partitions: ["batch"], reservation: "maint" },
    d: { partitions: ["dev"] },
    e: { partitions: [] },
  };
  const placeOf = (name: string) => places[name];

  it("gives each step one partition that holds all its nodes, the largest first (a tie: the first named); a reserved node apart", () => {
    expect(runGroups(["a", "b", "c", "d", "e"], placeOf)).toEqual([
      { partition: "dev", nodes: ["a", "d"] },
      { partition: "batch", nodes: ["b"] },
      { nodes: ["e"] },
      { partition: "batch", reservation: "maint", nodes: ["c"] },
    ]);
    expect(runGroups(["a", "d"], placeOf, "dev")).toEqual([{ partition: "dev", nodes: ["a", "d"] }]);
  });

  it("reads the active reservations of `scontrol show reservation -o`", () => {
    const text = [
      "ReservationName=maint StartTime=2026-12-06T04:53:41 Nodes=n[3-4] NodeCnt=2 Flags=MAINT,SPEC_NODES Users=root State=ACTIVE",
      "ReservationName=later StartTime=2026-12-07T00:00:00 Nodes=n1 NodeCnt=1 Flags=MAINT State=INACTIVE",
    ].join("\n");
    expect(parseReservations(text)).toEqual([{ name: "maint", nodes: "n[3-4]" }]);
    expect(parseReservations("No reservations in the system")).toEqual([]);
  });

  it("finds a document among a node's noise, and says so when there is none", () => {
    const document = { schemaVersion: 1, summary: { status: "healthy" } };
    const pretty = JSON.stringify(document, null, 2);
    expect(parseDocument(`motd {braces}\n{\n${pretty}\nbye {}`)).toEqual({ document });
    expect(parseDocument(`noise\n${JSON.stringify(document)}`)).toEqual({ document });
    expect(parseDocument("{\nnot json\n}")).toEqual({ problem: "printed something that is not JSON: {" });
  });
});
