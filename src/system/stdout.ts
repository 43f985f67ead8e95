import { writeSync } from "node:fs";

/**
 * Standard output written straight to its descriptor: making process.stdout, a stream, costs every run 0.7 ms.
 * A pipe that another process made non-blocking (EAGAIN) takes the rest through process.stdout, which waits for
 * it; a reader that is gone (EPIPE), or no stdout at all, takes nothing, as process.stdout would.
 */
/** What of process.stdout this needs. */
interface Stream {
  write(chunk: Uint8Array | string, done?: () => void): unknown;
}

export class Stdout {
  private stream: Stream | undefined;

  constructor(
    private readonly writeFd = (bytes: Buffer, offset: number) => writeSync(1, bytes, offset),
    private readonly openStream = (): Stream => process.stdout,
  ) {}

  write(text: string): void {
    const bytes = Buffer.from(text);
    if (this.stream) {
      this.stream.write(bytes);
      return;
    }
    let written = 0;
    try {
      while (written < bytes.length) written += this.writeFd(bytes, written);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === "EAGAIN") {
        this.stream = this.openStream();
        this.stream.write(bytes.subarray(written));
      } else if (code !== "EPIPE" && code !== "EBADF") throw error;
    }
  }

  flushed(then: () => void): void {
    if (this.stream) this.stream.write("", then);
    else then();
  }
}
