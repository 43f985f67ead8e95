import { runCli } from "./cli";
import { createContext } from "./system/create-context";

// The SDK's advice to upgrade Node is noise for an operator who cannot; --verbose still shows other warnings.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";

const exitCode = await runCli(
  process.argv.slice(2),
  {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    isTTY: Boolean(process.stdout.isTTY),
    env: process.env,
  },
  createContext,
);

// The single place hpiam exits. Exiting explicitly (once stdout is flushed) because socket timers the SDK
// leaves behind after a refused connection would otherwise hold the process for another second.
process.stdout.write("", () => process.exit(exitCode));
