// The floor for whoami (`npm run bench` measures it beside hpiam): a Node start, then the same round trips a
// healthy node's whoami needs — IMDS token, role, the role's credentials, one STS POST — with raw node:http and
// no SDK, no signing, no parsing. Copied from the shared performance reference of issue 26 (only reformatted);
// it reads the simulated node's AWS_EC2_METADATA_SERVICE_ENDPOINT and AWS_ENDPOINT_URL.
import http from "node:http";
const req = (url, { method = "GET", headers = {}, body } = {}) =>
  new Promise((res, rej) => {
    const r = http.request(url, { method, headers }, (s) => {
      let d = "";
      s.on("data", (c) => (d += c));
      s.on("end", () => res(d));
    });
    r.on("error", rej);
    if (body) r.write(body);
    r.end();
  });
const imds = process.env.AWS_EC2_METADATA_SERVICE_ENDPOINT;
const token = await req(`${imds}/latest/api/token`, {
  method: "PUT",
  headers: { "x-aws-ec2-metadata-token-ttl-seconds": "21600" },
});
const h = { "x-aws-ec2-metadata-token": token };
const role = (await req(`${imds}/latest/meta-data/iam/security-credentials/`, { headers: h })).trim();
await req(`${imds}/latest/meta-data/iam/security-credentials/${role}`, { headers: h });
await req(`${process.env.AWS_ENDPOINT_URL}/`, {
  method: "POST",
  headers: { "content-type": "application/x-www-form-urlencoded" },
  body: "Action=GetCallerIdentity&Version=2011-06-15",
});
