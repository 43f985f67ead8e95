/**
 * `hpiam metrics --alert-rules`: a Prometheus rule group over the metrics `hpiam metrics` writes, for a rules file
 * (Prometheus) or a rule groups namespace (Amazon Managed Service for Prometheus).
 */

/** How long a node stays unhealthy before it pages: a recover in progress (minutes) does not. */
const UNHEALTHY_FOR = "10m";
/** Three missed runs of a timer every 5 minutes: the timer stopped, or hpiam fails before it writes. */
const STALE_AFTER_SECONDS = 15 * 60;

export const ALERT_RULES = `groups:
  - name: hpiam-node-identity
    rules:
      - alert: HyperPodNodeIdentityUnhealthy
        expr: hpiam_node_healthy == 0
        for: ${UNHEALTHY_FOR}
        labels:
          severity: warning
        annotations:
          summary: "{{ $labels.instance }}: AWS tools do not sign as the node's role"
          description: "hpiam diagnose on {{ $labels.instance }} has found the node unhealthy or could not decide for ${UNHEALTHY_FOR} (hpiam_check_status{status=\\"fail\\"} names the checks). On the node, run: sudo hpiam diagnose --all-users; then sudo hpiam recover --all-users."
      - alert: HyperPodNodeIdentityMetricsStale
        expr: time() - hpiam_last_run_timestamp_seconds > ${STALE_AFTER_SECONDS}
        for: 5m
        labels:
          severity: warning
        annotations:
          summary: "{{ $labels.instance }}: hpiam metrics has not run for {{ $value | humanizeDuration }}"
          description: "The file node_exporter serves on {{ $labels.instance }} is older than ${STALE_AFTER_SECONDS / 60} minutes: the timer stopped or hpiam metrics fails. On the node, run: systemctl list-timers 'hpiam*'; sudo hpiam metrics (prints what it would write)."
      - alert: HyperPodNodeIdentityMetricsAbsent
        expr: absent(hpiam_node_healthy)
        for: 15m
        labels:
          severity: warning
        annotations:
          summary: "No node publishes hpiam_node_healthy"
          description: "No node_exporter serves hpiam's metrics: node_exporter runs without --collector.textfile.directory, or hpiam metrics was never installed. On each node, run: sudo hpiam metrics --install."
`;
