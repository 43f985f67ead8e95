// A recording SageMaker endpoint for fleet's tests, in its own process, strict where the service is:
// BatchRebootClusterNodes takes 1 to 25 NodeIds (400 ValidationException otherwise, as the service answers) and
// fails the nodes CONFIG.refuse names (and those CONFIG.refuseFile lists, read at each call, as not InService); ListClusterNodes answers CONFIG.clusters' nodes (their InstanceStatus as
// given) in pages of CONFIG.pageSize at most, whatever MaxResults asks, with a NextToken; DescribeCluster answers
// those clusters. Any other call, or another cluster, goes to moto at CONFIG.moto (moto 5.2 has no
// BatchRebootClusterNodes, and never pages). Every call is kept, in order: GET /calls returns
// [{operation, request}]; each BatchRebootClusterNodes request is also appended to CONFIG.rebootRecord.
// Prints {"port":N} once listening.
import { appendFileSync, readFileSync } from "node:fs";
import { createServer } from "node:http";

const config = JSON.parse(process.env.SAGEMAKER_ENDPOINT ?? "{}");
const clusters = Object.entries(config.clusters ?? {}).map(([name, cluster]) => ({ name, ...cluster }));
const calls = [];

/** The ids CONFIG.refuseFile lists now: a test changes it between runs. */
function listedRefusals() {
  if (!config.refuseFile) return [];
  try {
    return readFileSync(config.refuseFile, "utf8").split(/\s+/).filter(Boolean);
  } catch {
    return [];
  }
}

const clusterNamed = (nameOrArn) => clusters.find((c) => c.name === nameOrArn || c.arn === nameOrArn);

const answers = {
  DescribeCluster(request) {
    const cluster = clusterNamed(request.ClusterName);
    if (!cluster) return undefined;
    const groups = [...new Set(cluster.nodes.map((node) => node.group))];
    return ok({
      ClusterArn: cluster.arn,
      ClusterName: cluster.name,
      ClusterStatus: "InService",
      InstanceGroups: groups.map((group) => ({
        InstanceGroupName: group,
        CurrentCount: cluster.nodes.filter((node) => node.group === group).length,
      })),
    });
  },

  ListClusterNodes(request) {
    const cluster = clusterNamed(request.ClusterName);
    if (!cluster) return undefined;
    const max = request.MaxResults ?? 10;
    if (max < 1 || max > 100) return invalid(`MaxResults ${max} is not from 1 to 100`);
    const nodes = cluster.nodes.filter(
      (node) => !request.InstanceGroupNameContains || node.group.includes(request.InstanceGroupNameContains),
    );
    const start = Number(request.NextToken ?? 0);
    const end = Math.min(start + Math.min(max, config.pageSize ?? 100), nodes.length);
    return ok({
      ClusterNodeSummaries: nodes.slice(start, end).map((node) => ({
        InstanceGroupName: node.group,
        InstanceId: node.id,
        InstanceType: "ml.m5.12xlarge",
        LaunchTime: 1767225600,
        InstanceStatus: { Status: node.status, ...(node.message ? { Message: node.message } : {}) },
      })),
      ...(end < nodes.length ? { NextToken: String(end) } : {}),
    });
  },

  BatchRebootClusterNodes(request) {
    if (config.rebootRecord) appendFileSync(config.rebootRecord, `${JSON.stringify(request)}\n`);
    const ids = request.NodeIds ?? [];
    if (ids.length < 1 || ids.length > 25)
      return invalid(
        `1 validation error detected: Value '[${ids.join(", ")}]' at 'nodeIds' failed to satisfy constraint: Member must have length less than or equal to 25`,
      );
    const known = clusterNamed(request.ClusterName)?.nodes.map((node) => node.id);
    const listed = listedRefusals();
    const refusal = (id) =>
      config.refuse?.[id] ??
      (listed.includes(id)
        ? { code: "InvalidInstanceStatus", message: "the node is not InService" }
        : undefined) ??
      (known && !known.includes(id)
        ? { code: "InstanceIdNotFound", message: `Instance ${id} is not in the cluster` }
        : undefined);
    return ok({
      Successful: ids.filter((id) => !refusal(id)),
      Failed: ids
        .filter((id) => refusal(id))
        .map((id) => ({ NodeId: id, ErrorCode: refusal(id).code, Message: refusal(id).message })),
    });
  },
};

function ok(body) {
  return { status: 200, body };
}

function invalid(message) {
  return { status: 400, body: { __type: "ValidationException", message } };
}

const server = createServer((req, res) => {
  const chunks = [];
  req.on("data", (chunk) => chunks.push(chunk));
  req.on("end", async () => {
    const body = Buffer.concat(chunks);
    if (req.method === "GET" && req.url === "/calls") {
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(calls));
      return;
    }
    const operation = String(req.headers["x-amz-target"] ?? "").replace(/^SageMaker\./, "");
    const request = body.length ? JSON.parse(body.toString("utf8")) : {};
    calls.push({ operation, request });
    const answer = answers[operation]?.(request);
    if (answer) {
      res.writeHead(answer.status, { "content-type": "application/x-amz-json-1.1" });
      res.end(JSON.stringify(answer.body));
      return;
    }
    const headers = Object.fromEntries(
      Object.entries(req.headers).filter(
        ([name]) => !["host", "connection", "content-length"].includes(name),
      ),
    );
    try {
      const forwarded = await fetch(`${config.moto}${req.url}`, {
        method: req.method,
        headers,
        body: body.length ? body : undefined,
      });
      res.writeHead(forwarded.status, {
        "content-type": forwarded.headers.get("content-type") ?? "application/json",
      });
      res.end(Buffer.from(await forwarded.arrayBuffer()));
    } catch (error) {
      res.writeHead(502).end(String(error));
    }
  });
});
server.listen(0, "127.0.0.1", () => {
  process.stdout.write(`${JSON.stringify({ port: server.address().port })}\n`);
});
process.on("SIGTERM", () => process.exit(0));
