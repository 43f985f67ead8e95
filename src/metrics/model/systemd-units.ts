/** The systemd service and timer `hpiam metrics --install` writes, as text (systemd.service(5), systemd.timer(5)). */

export const SERVICE_NAME = "hpiam-metrics.service";
export const TIMER_NAME = "hpiam-metrics.timer";
export const DEFAULT_UNIT_DIR = "/etc/systemd/system";
/** Where Debian's prometheus-node-exporter package has its textfile collector read `*.prom` files. */
export const DEFAULT_TEXTFILE_DIR = "/var/lib/prometheus/node-exporter";
export const DEFAULT_INTERVAL = "5min";
/** A run takes seconds; anything faster than a minute only adds load (and CloudWatch requests). */
const MIN_INTERVAL_SECONDS = 60;

export interface UnitSettings {
  /** The argv that runs this hpiam (absolute: the single executable, or node and the script). */
  command: readonly string[];
  /** `metrics` and its options, as every run of the timer takes them. */
  args: readonly string[];
  textfileDir: string;
  intervalSeconds: number;
}

export interface UnitFile {
  name: string;
  text: string;
}

type SpanUnit = "s" | "min" | "h" | "d" | "w";
const SECONDS: Record<SpanUnit, number> = { s: 1, min: 60, h: 3600, d: 86400, w: 604800 };
const UNIT_NAMES: Partial<Record<string, SpanUnit>> = {
  s: "s",
  sec: "s",
  second: "s",
  seconds: "s",
  m: "min",
  min: "min",
  minute: "min",
  minutes: "min",
  h: "h",
  hr: "h",
  hour: "h",
  hours: "h",
  d: "d",
  day: "d",
  days: "d",
  w: "w",
  week: "w",
  weeks: "w",
};

/** A systemd time span in whole seconds (`5min`, `90`, `1h 30min`), or why it is not one --interval takes. */
export function parseInterval(text: string): { seconds: number } | { problem: string } {
  const parts = [...text.trim().matchAll(/(\d+)\s*([a-z]*)\s*/gy)];
  const consumed = parts.map((part) => part[0]).join("");
  if (parts.length === 0 || consumed !== text.trim()) {
    return { problem: "use a systemd time span such as 5min, 90s or 1h" };
  }
  let seconds = 0;
  for (const [, amount = "", unit = ""] of parts) {
    const name = unit === "" ? "s" : UNIT_NAMES[unit];
    if (name === undefined) return { problem: `"${unit}" is not a unit: use s, min, h or d` };
    seconds += Number(amount) * SECONDS[name];
  }
  if (seconds < MIN_INTERVAL_SECONDS) return { problem: "at least 1min: a run takes a few seconds" };
  return { seconds };
}

/** 5400 → `1h 30min`: the span as systemd prints it. */
export function formatSpan(seconds: number): string {
  const parts: string[] = [];
  let rest = seconds;
  for (const unit of ["d", "h", "min", "s"] as const) {
    const amount = Math.floor(rest / SECONDS[unit]);
    if (amount > 0) parts.push(`${amount}${unit}`);
    rest -= amount * SECONDS[unit];
  }
  return parts.join(" ") || "0";
}

/** What systemd would read otherwise in a unit's word: `%` specifiers, `$` variables, quotes, escapes, control characters. */
function unsayableInUnit(word: string): boolean {
  return word === "" || /[\p{Cc}"'\\$%]/u.test(word);
}

/** A word of a unit's command line or path list (one unsayableInUnit passes), quoted when it holds spaces. */
function unitWord(word: string): string {
  return /\s/.test(word) ? `"${word}"` : word;
}

/**
 * The service runs as root (diagnose --all-users reads every home, /etc and /opt/ml/config) with the file system
 * read-only but for the textfile directory. `unsayable`: a word no unit can hold as it is.
 */
export function metricsUnits(settings: UnitSettings): { units: UnitFile[] } | { unsayable: string } {
  const unsayable = [...settings.command, ...settings.args, settings.textfileDir].find(unsayableInUnit);
  if (unsayable !== undefined) return { unsayable };
  const interval = formatSpan(settings.intervalSeconds);
  // A private /tmp would hide a textfile directory under it (a test's, say) from the service.
  const privateTmp = /^\/(var\/)?tmp(\/|$)/.test(settings.textfileDir) ? "" : "PrivateTmp=yes\n";
  const service = `# Written by hpiam metrics --install. Local changes belong in a drop-in: systemctl edit ${SERVICE_NAME}
[Unit]
Description=hpiam metrics: this node's AWS identity for node_exporter's textfile collector
Wants=network-online.target
After=network-online.target

[Service]
Type=oneshot
ExecStart=${[...settings.command, ...settings.args].map(unitWord).join(" ")}
User=root
# Reads every home, /etc and /opt/ml/config; writes only the textfile directory.
ProtectSystem=strict
ReadWritePaths=${unitWord(settings.textfileDir)}
${privateTmp}PrivateDevices=yes
NoNewPrivileges=yes
ProtectKernelTunables=yes
ProtectKernelModules=yes
ProtectKernelLogs=yes
ProtectControlGroups=yes
ProtectClock=yes
ProtectHostname=yes
RestrictSUIDSGID=yes
RestrictRealtime=yes
RestrictNamespaces=yes
LockPersonality=yes
RestrictAddressFamilies=AF_UNIX AF_INET AF_INET6 AF_NETLINK
# Reading files of every user (DAC) and iptables (NET_ADMIN, NET_RAW) stay; what a reader never needs goes.
CapabilityBoundingSet=~CAP_SYS_ADMIN CAP_SYS_BOOT CAP_SYS_MODULE CAP_SYS_TIME CAP_SYS_TTY_CONFIG CAP_SYS_CHROOT CAP_SYS_PACCT CAP_BLOCK_SUSPEND CAP_LEASE CAP_MAC_ADMIN CAP_MAC_OVERRIDE CAP_AUDIT_CONTROL CAP_AUDIT_READ CAP_AUDIT_WRITE CAP_WAKE_ALARM CAP_SYSLOG CAP_LINUX_IMMUTABLE CAP_SETUID CAP_SETGID CAP_SETPCAP CAP_SETFCAP CAP_NET_BIND_SERVICE CAP_NET_BROADCAST
SystemCallArchitectures=native
UMask=0022
# The metrics go to the textfile directory; the journal gets only what goes wrong.
StandardOutput=null
Nice=10
IOSchedulingClass=idle
TimeoutStartSec=2min
`;
  // Monotonic, not OnCalendar: Persistent= would do nothing here, and OnBootSec already runs it soon after a boot.
  const timer = `# Written by hpiam metrics --install.
[Unit]
Description=hpiam metrics every ${interval}

[Timer]
OnBootSec=2min
OnUnitActiveSec=${interval}
AccuracySec=${formatSpan(Math.max(1, Math.round(settings.intervalSeconds / 10)))}

[Install]
WantedBy=timers.target
`;
  return {
    units: [
      { name: SERVICE_NAME, text: service },
      { name: TIMER_NAME, text: timer },
    ],
  };
}

/** What the admin runs next: hpiam writes the units and never starts anything itself. */
export const ENABLE_COMMAND = `systemctl daemon-reload && systemctl enable --now ${TIMER_NAME}`;
