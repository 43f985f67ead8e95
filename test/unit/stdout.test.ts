import { describe, expect, it } from "vitest";
import { Stdout } from "../../src/system/stdout";

const failure = (code: string) => Object.assign(new Error(code), { code });

/** A pipe that takes `room` bytes (a few at a time), then says EAGAIN as a full non-blocking pipe does. */
function pipe(room: number) {
  const taken: Buffer[] = [];
  let left = room;
  const writeFd = (bytes: Buffer, offset: number) => {
    if (left === 0) throw failure("EAGAIN");
    const n = Math.min(left, 3, bytes.length - offset);
    taken.push(bytes.subarray(offset, offset + n));
    left -= n;
    return n;
  };
  const streamed: Buffer[] = [];
  const flushes: Array<() => void> = [];
  const stream = {
    write(chunk: Uint8Array | string, done?: () => void) {
      if (chunk.length > 0) streamed.push(Buffer.from(chunk));
      if (done) flushes.push(done);
      return true;
    },
  };
  return { writeFd, stream, taken, streamed, flushes };
}

describe("standard output", () => {
  it("writes every byte in order, however few the descriptor takes at a time", () => {
    const p = pipe(1000);
    const out = new Stdout(p.writeFd, () => p.stream);
    out.write("healthy ✔\n");
    out.write("second line\n");
    expect(Buffer.concat(p.taken).toString()).toBe("healthy ✔\nsecond line\n");
    let exited = false;
    out.flushed(() => (exited = true));
    expect(exited).toBe(true);
  });

  it("hands the rest to a stream once a non-blocking pipe is full, and exits only when it is flushed", () => {
    const p = pipe(5);
    const out = new Stdout(p.writeFd, () => p.stream);
    out.write("0123456789");
    out.write("abc");
    expect(Buffer.concat([...p.taken, ...p.streamed]).toString()).toBe("0123456789abc");
    let exited = false;
    out.flushed(() => (exited = true));
    expect(exited).toBe(false);
    p.flushes.forEach((flush) => flush());
    expect(exited).toBe(true);
  });

  it("drops what a reader that is gone will not read, and fails on any other error", () => {
    const gone = new Stdout(() => {
      throw failure("EPIPE");
    });
    expect(() => gone.write("x")).not.toThrow();
    const broken = new Stdout(() => {
      throw failure("EIO");
    });
    expect(() => broken.write("x")).toThrow("EIO");
  });
});
