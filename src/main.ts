import { isatty } from "node:tty";
import { type Listing, runCli } from "./cli";
import { Stdout } from "./system/stdout";

/** Runs hpiam with these commands (every one, or a command's own bundle's one) on this process, and exits. */
export function main(commands: Listing): void {
  // The SDK's advice to upgrade Node is noise for an operator who cannot; --verbose still shows other warnings.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
  const stdout = new Stdout();

  // No top-level await: the single executable's bundle is CommonJS. The context (the system adapters and the
  // AWS SDK behind them) is loaded only once a command runs, so --version and --help never parse the SDK.
  void runCli(
    process.argv.slice(2),
    {
      stdout: (text) => stdout.write(text),
      stderr: (text) => process.stderr.write(text),
      isTTY: isatty(1),
      env: process.env,
    },
    async (options) => (await import("./system/create-context")).createContext(options),
    commands,
  ).then((exitCode) => {
    // The single place hpiam exits. Exiting explicitly (once stdout is flushed) because socket timers the SDK
    // leaves behind after a refused connection would otherwise hold the process for another second.
    stdout.flushed(() => process.exit(exitCode));
  });
}
