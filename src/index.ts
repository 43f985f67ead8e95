import { runCli } from "./cli";

// The SDK's advice to upgrade Node is noise for an operator who cannot; --verbose still shows other warnings.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";

// No top-level await: the single executable's bundle is CommonJS. The context (the system adapters and the
// AWS SDK behind them) is loaded only once a command runs, so --version and --help never parse the SDK.
void runCli(
  process.argv.slice(2),
  {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    isTTY: Boolean(process.stdout.isTTY),
    env: process.env,
  },
  async (options) => (await import("./system/create-context")).createContext(options),
).then((exitCode) => {
  // The single place hpiam exits. Exiting explicitly (once stdout is flushed) because socket timers the SDK
  // leaves behind after a refused connection would otherwise hold the process for another second.
  process.stdout.write("", () => process.exit(exitCode));
});
