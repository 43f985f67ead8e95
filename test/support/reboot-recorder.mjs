// A SageMaker endpoint for fleet recover's tests, in its own process: it answers BatchRebootClusterNodes
// itself (moto 5.2 has no such call), appending each request's body to REBOOT_RECORD, and forwards every
// other call to moto at MOTO_ENDPOINT. Node ids listed in REBOOT_REFUSE (a file, read at each call) are
// answered as Failed (InvalidInstanceStatus). Prints {"port":N} once listening.
import { appendFileSync, readFileSync } from "node:fs";
import { createServer } from "node:http";

const moto = process.env.MOTO_ENDPOINT;
const record = process.env.REBOOT_RECORD;
const refusals = process.env.REBOOT_REFUSE;

function refused() {
  if (!refusals) return [];
  try {
    return readFileSync(refusals, "utf8").split(/\s+/).filter(Boolean);
  } catch {
    return [];
  }
}

const server = createServer((req, res) => {
  const chunks = [];
  req.on("data", (chunk) => chunks.push(chunk));
  req.on("end", async () => {
    const body = Buffer.concat(chunks);
    if (req.headers["x-amz-target"] === "SageMaker.BatchRebootClusterNodes") {
      const asked = JSON.parse(body.toString("utf8"));
      appendFileSync(record, `${JSON.stringify(asked)}\n`);
      const refuse = refused();
      const ids = asked.NodeIds ?? [];
      const Failed = ids
        .filter((id) => refuse.includes(id))
        .map((NodeId) => ({
          NodeId,
          ErrorCode: "InvalidInstanceStatus",
          Message: "the node is not InService",
        }));
      res.writeHead(200, { "content-type": "application/x-amz-json-1.1" });
      res.end(JSON.stringify({ Successful: ids.filter((id) => !refuse.includes(id)), Failed }));
      return;
    }
    const headers = Object.fromEntries(
      Object.entries(req.headers).filter(
        ([name]) => !["host", "connection", "content-length"].includes(name),
      ),
    );
    try {
      const answer = await fetch(`${moto}${req.url}`, {
        method: req.method,
        headers,
        body: body.length ? body : undefined,
      });
      res.writeHead(answer.status, {
        "content-type": answer.headers.get("content-type") ?? "application/json",
      });
      res.end(Buffer.from(await answer.arrayBuffer()));
    } catch (error) {
      res.writeHead(502).end(String(error));
    }
  });
});
server.listen(0, "127.0.0.1", () => {
  process.stdout.write(`${JSON.stringify({ port: server.address().port })}\n`);
});
process.on("SIGTERM", () => process.exit(0));
