import type { Check } from "./check";

/** resource_config.json (and provisioning_parameters.json): which cluster, which node this is. */
export const hyperpodNode: Check<"hyperpod-node"> = {
  id: "hyperpod-node",
  title: "HyperPod node",
  async run({ facts }) {
    const lookup = await facts.node();
    if (lookup.state === "absent") {
      return {
        status: "skip",
        message: `not a HyperPod node (no ${lookup.path})`,
        details: { path: lookup.path },
      };
    }
    if (lookup.state === "unreadable") {
      const details = { path: lookup.path, problem: lookup.code };
      if (lookup.code === "permission-denied") {
        return {
          status: "skip",
          message: `${lookup.path} is readable by root only: run with sudo to name the cluster`,
          remediation: "sudo hpiam diagnose",
          details,
        };
      }
      return {
        status: "fail",
        message: lookup.message,
        ...(lookup.hint ? { remediation: lookup.hint } : {}),
        details,
      };
    }
    const { summary } = lookup;
    const details = { ...summary, provisioningParameters: lookup.provisioningParameters };
    const cluster = `cluster ${summary.cluster ?? summary.clusterArn ?? "(unnamed)"}`;
    const controller = summary.controllerAddress ? `; controller ${summary.controllerAddress}` : "";
    if (summary.instanceId === null) {
      const imds = await facts.instanceProfile();
      if (imds.instanceId) {
        return {
          status: "warn",
          message: `${cluster}, but this instance (${imds.instanceId}) is not in ${lookup.path}: the file may be stale`,
          remediation: `compare it with the controller's copy: sudo cat ${lookup.path}`,
          details,
        };
      }
      return {
        status: "pass",
        message: `${cluster}${controller} (IMDS did not say which node this is)`,
        details,
      };
    }
    const node = `${summary.instanceName ?? summary.group} (${summary.instanceId}), ${summary.role} node`;
    return { status: "pass", message: `${cluster}: ${node}${controller}`, details };
  },
};
