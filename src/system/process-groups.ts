/**
 * The process groups of the children hpiam waits for. Each child starts in a group of its own (detached), so that
 * its deadline ends the whole of it: a wrapper's hanging child (a `getent` script's `sleep`, an `sss` call) would
 * otherwise keep the pipes open, and hold the run, long after the wrapper itself was killed.
 */

/** Time a group gets to end on SIGTERM (srun cancels its job step) before SIGKILL. */
const GRACE_MS = 1000;
const FORWARDED = ["SIGINT", "SIGTERM", "SIGHUP"] as const;

const live = new Set<number>();

export interface WatchedGroup<T> {
  child: T;
  /** Whether the deadline passed and the group was killed. */
  readonly timedOut: boolean;
  /** The child has been waited for: its group is no longer hpiam's to end. */
  done(): void;
}

/**
 * Starts a child (`spawn` must start it detached) and kills its group whole at the deadline. hpiam listens for
 * its own end before the child exists: a Ctrl-C that comes as it starts is handled once it is known.
 */
export function inGroup<T extends { pid?: number | undefined }>(
  spawn: () => T,
  timeoutMs: number | undefined,
): WatchedGroup<T> {
  if (live.size === 0) listen();
  let child: T;
  try {
    child = spawn();
  } catch (error) {
    release();
    throw error;
  }
  const { pid } = child;
  if (pid === undefined) {
    release();
    return { child, timedOut: false, done() {} };
  }
  live.add(pid);
  let timedOut = false;
  let force: NodeJS.Timeout | undefined;
  const deadline = timeoutMs
    ? setTimeout(() => {
        timedOut = true;
        signalGroup(pid, "SIGTERM");
        force = setTimeout(() => signalGroup(pid, "SIGKILL"), GRACE_MS);
      }, timeoutMs)
    : undefined;
  return {
    child,
    get timedOut() {
      return timedOut;
    },
    done() {
      clearTimeout(deadline);
      clearTimeout(force);
      live.delete(pid);
      release();
    },
  };
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // Already gone (ESRCH), or a setuid member that is not ours to signal (EPERM).
  }
}

// A group of its own no longer hears the terminal's Ctrl-C: while children run, hpiam ends them when it ends.
function listen(): void {
  process.on("exit", endAll);
  for (const signal of FORWARDED) process.on(signal, forward);
}

/** Stops listening once no child is left to end. */
function release(): void {
  if (live.size === 0) stopListening();
}

function stopListening(): void {
  process.off("exit", endAll);
  for (const signal of FORWARDED) process.off(signal, forward);
}

function endAll(): void {
  for (const pid of live) signalGroup(pid, "SIGKILL");
}

/** Ends the children's groups, then dies of the signal as hpiam would have without them. */
function forward(signal: NodeJS.Signals): void {
  endAll();
  stopListening();
  process.kill(process.pid, signal);
}
