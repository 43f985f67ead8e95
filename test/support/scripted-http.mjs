// An HTTP endpoint that gives every request the same scripted answer, in its own process.
// SCRIPTED_ANSWER (JSON): { status, body, contentType, delayMs, hang, repeat }; prints {"port":N} once listening.
import { createServer } from "node:http";

const answer = JSON.parse(process.env.SCRIPTED_ANSWER ?? "{}");
const body = answer.repeat ? answer.body.repeat(answer.repeat) : (answer.body ?? "");

const server = createServer((req, res) => {
  req.resume();
  if (answer.hang) return; // accept, never answer
  setTimeout(() => {
    res.writeHead(answer.status ?? 200, { "content-type": answer.contentType ?? "text/xml" }).end(body);
  }, answer.delayMs ?? 0);
});
server.listen(0, "127.0.0.1", () => {
  process.stdout.write(`${JSON.stringify({ port: server.address().port })}\n`);
});
process.on("SIGTERM", () => process.exit(0));
