import { statSync } from "node:fs";
import { CannotRunError } from "../errors";

/** The SDK would block forever reading a FIFO (or a device) planted where a shared file should be. */
export function refuseSpecialFiles(...paths: string[]): void {
  const special = paths.find(isSpecialFile);
  if (special !== undefined) {
    throw new CannotRunError(
      `${special} is not a regular file`,
      "Move it aside: the AWS SDK for JavaScript would hang reading it (boto3 and the AWS CLI skip it).",
      "bad-aws-file",
    );
  }
}

function isSpecialFile(path: string): boolean {
  try {
    const info = statSync(path, { throwIfNoEntry: false });
    return info !== undefined && !info.isFile() && !info.isDirectory();
  } catch {
    return false;
  }
}
