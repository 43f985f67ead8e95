import type { Context, Logger } from "../context";
import { scrubSecrets } from "../output/scrub";
import { createAwsPort } from "./aws";
import { createCloudWatchPort } from "./cloudwatch";
import { createEksPort } from "./eks";
import { createExecutor } from "./exec";
import { createFiles } from "./files";
import { createHostPort } from "./host";
import { createIamPort } from "./iam";
import { createImdsPort } from "./imds";
import { openImdsSession } from "./imds-session";
import { createPrompt } from "./prompt";
import { createSageMakerPort } from "./sagemaker";
import { createSsmPort } from "./ssm";
import { createUserPort } from "./user";

export function createLogger(verbose: boolean): Logger {
  return {
    debug: (message) => {
      if (verbose) process.stderr.write(`hpiam: ${scrubSecrets(message)}\n`);
    },
    info: (message) => {
      process.stderr.write(`${scrubSecrets(message)}\n`);
    },
    progress: (line) => {
      if (process.stderr.isTTY) process.stderr.write(`\r\x1b[K${scrubSecrets(line)}`);
    },
  };
}

/** The real context, built once per run. */
export function createContext({ verbose }: { verbose: boolean }): Context {
  const env = process.env;
  const log = createLogger(verbose);
  const exec = createExecutor();
  // One IMDS session a run: the instance's description and the instance role's keys share its token.
  const metadata = openImdsSession();
  const imds = createImdsPort(env, metadata);
  // Where neither the caller nor the profile names a Region, the instance's own.
  const instanceRegion = async () => (await imds.describe()).region;
  return {
    exec,
    files: createFiles(),
    aws: createAwsPort(env, instanceRegion, metadata),
    sagemaker: createSageMakerPort(env, log, instanceRegion),
    iam: createIamPort(log),
    ssm: createSsmPort(log),
    eks: createEksPort(log),
    cloudwatch: createCloudWatchPort(env, log, metadata),
    imds,
    clock: { now: () => new Date() },
    prompt: createPrompt(),
    env,
    user: createUserPort(env, exec),
    host: createHostPort(),
    log,
  };
}
