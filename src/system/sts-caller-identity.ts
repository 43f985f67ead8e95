/**
 * STS GetCallerIdentity as the SDK's STS client sends it, from the SDK's own parts, without building the client:
 * the endpoint from STS's own endpoint rules and the same configuration loaders, the SDK's SigV4 signer, the
 * SDK's XML reader. Loading the client and its middleware was a third of whoami's time; these parts are a tenth.
 * Unlike the client, a request signed off AWS's clock is not re-signed with AWS's: botocore does not either.
 */
import { defaultEndpointResolver } from "@aws-sdk/client-sts/dist-es/endpoint/endpointResolver";
import {
  commonParams,
  resolveClientEndpointParameters,
} from "@aws-sdk/client-sts/dist-es/endpoint/EndpointParameters";
import { parseXML } from "@aws-sdk/xml-builder";
import {
  loadConfig,
  NODE_USE_DUALSTACK_ENDPOINT_CONFIG_OPTIONS,
  NODE_USE_FIPS_ENDPOINT_CONFIG_OPTIONS,
  resolveRegionConfig,
} from "@smithy/core/config";
import { getEndpointFromInstructions, resolveEndpointConfig, resolveParams } from "@smithy/core/endpoints";
import { parseUrl } from "@smithy/core/protocols";
import { Hash } from "@smithy/core/serde";
import { SignatureV4 } from "@smithy/signature-v4";
import type { AwsCredentialIdentity } from "@smithy/types";
import type { IncomingMessage } from "node:http";

export interface CallerIdentity {
  Arn?: string;
  Account?: string;
  UserId?: string;
}

export interface CallerIdentityCall {
  credentials: AwsCredentialIdentity;
  /** Where to send it and how to sign it: `stsTarget`. */
  target: StsTarget;
  attempts: number;
  timeouts: { connectionTimeout: number; requestTimeout: number };
  /** Sees every answer's Date header, an error answer's too (a clock-skew rejection has one). */
  onDate?: (date: string | undefined) => void;
  /** Called when a request has been handed to the network, each attempt. */
  onSent?: () => void;
}

const BODY = "Action=GetCallerIdentity&Version=2011-06-15";

/** Whose keys these are; throws what the SDK's client throws (name, message, $metadata.httpStatusCode, code). */
export async function getCallerIdentity(call: CallerIdentityCall): Promise<CallerIdentity> {
  const { target } = call;
  const signer = new SignatureV4({
    credentials: call.credentials,
    region: target.signingRegion,
    service: target.signingName,
    sha256: Hash.bind(null, "sha256"),
  });
  for (let attempt = 1; ; attempt++) {
    try {
      const signed = await signer.sign({
        method: "POST",
        protocol: target.url.protocol,
        hostname: target.url.hostname,
        ...(target.url.port ? { port: Number(target.url.port) } : {}),
        path: target.url.pathname,
        query: {},
        headers: {
          host: target.url.host,
          "content-type": "application/x-www-form-urlencoded",
          "content-length": String(Buffer.byteLength(BODY)),
        },
        body: BODY,
      });
      const answer = await post(target.url, signed.headers, call);
      call.onDate?.(answer.date);
      return readAnswer(answer);
    } catch (error) {
      if (attempt >= call.attempts || !retryable(error)) throw error;
      // The client's standard strategy: a jittered wait of up to 100 ms before the second attempt.
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 100));
    }
  }
}

export interface StsTarget {
  /** Where the request goes: the endpoint and the operation's path. */
  url: URL;
  signingRegion: string;
  signingName: string;
}

/**
 * The URL and signing scope the STS client would use for this Region and profile (its own config chain: the
 * profile's use_fips_endpoint and use_dualstack_endpoint, an endpoint_url).
 */
export async function stsTarget(region: string, profile: string | undefined): Promise<StsTarget> {
  // The client's own steps, in its order: settings from the environment and profile, the real Region of a
  // FIPS pseudo-Region, then an endpoint_url from the configuration.
  const settings = resolveRegionConfig({
    region,
    useFipsEndpoint: loadConfig(NODE_USE_FIPS_ENDPOINT_CONFIG_OPTIONS, { profile }),
  });
  const config = resolveEndpointConfig({
    ...resolveClientEndpointParameters({
      ...settings,
      useDualstackEndpoint: loadConfig(NODE_USE_DUALSTACK_ENDPOINT_CONFIG_OPTIONS, { profile }),
    }),
    serviceId: "STS",
    endpointProvider: defaultEndpointResolver,
    urlParser: parseUrl,
  });
  const instructions = { getEndpointParameterInstructions: () => commonParams };
  // The client picks its signing scope before it applies an endpoint_url from the environment or the files
  // (its auth step runs before its endpoint step), then sends to that URL.
  const scoped = defaultEndpointResolver(await resolveParams({}, instructions, config));
  const endpoint = await getEndpointFromInstructions({}, instructions, config);
  const scheme = (scoped.properties?.authSchemes as Array<Record<string, unknown>> | undefined)?.[0];
  // The operation's path "/" under the endpoint's own path, as the client joins them.
  const url = new URL(endpoint.url);
  if (!url.pathname.endsWith("/")) url.pathname += "/";
  return {
    url,
    signingRegion: typeof scheme?.signingRegion === "string" ? scheme.signingRegion : await settings.region(),
    signingName: typeof scheme?.signingName === "string" ? scheme.signingName : "sts",
  };
}

interface Answer {
  status: number;
  date: string | undefined;
  body: string;
}

async function post(
  url: URL,
  headers: Record<string, string>,
  { timeouts, onSent }: Pick<CallerIdentityCall, "timeouts" | "onSent">,
): Promise<Answer> {
  // TLS is loaded only for an https endpoint (every real one): a local endpoint does without.
  const { request } = url.protocol === "http:" ? await import("node:http") : await import("node:https");
  return new Promise((resolve, reject) => {
    const req = request(url, { method: "POST", headers, timeout: timeouts.requestTimeout });
    const fail = (error: Error) => {
      reject(error);
      req.destroy();
    };
    const connecting = setTimeout(
      () => fail(timeoutError(`Connection timed out after ${timeouts.connectionTimeout} ms`)),
      timeouts.connectionTimeout,
    );
    req.once("socket", (socket) => socket.once("connect", () => clearTimeout(connecting)));
    req.once("timeout", () => fail(timeoutError(`Request timed out after ${timeouts.requestTimeout} ms`)));
    req.once("error", fail);
    req.once("response", (res: IncomingMessage) => {
      clearTimeout(connecting);
      const chunks: Buffer[] = [];
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      res.once("error", fail);
      res.once("end", () =>
        resolve({
          status: res.statusCode ?? 0,
          date: res.headers.date,
          body: Buffer.concat(chunks).toString("utf8"),
        }),
      );
    });
    req.once("close", () => clearTimeout(connecting));
    if (onSent) req.once("finish", onSent);
    req.end(BODY);
  });
}

function timeoutError(message: string): Error {
  return Object.assign(new Error(message), { name: "TimeoutError" });
}

type Xml = Record<string, unknown> | undefined;

/** The answer as the client's awsQuery protocol reads it: the result, or the error's Code and Message. */
function readAnswer(answer: Answer): CallerIdentity {
  let root: Xml;
  try {
    const parsed = (answer.body.trim() ? parseXML(answer.body) : {}) as Record<string, Xml>;
    root = Object.values(parsed)[0];
  } catch {
    root = undefined;
  }
  if (answer.status >= 200 && answer.status < 300) {
    const result = root?.GetCallerIdentityResult as Xml;
    return { Arn: text(result?.Arn), Account: text(result?.Account), UserId: text(result?.UserId) };
  }
  const errors = root?.Errors as Xml;
  const error = ((errors?.Error as Xml[] | Xml) ?? root?.Error) as Xml | Xml[];
  const first = Array.isArray(error) ? error[0] : error;
  const code = text(first?.Code) ?? (answer.status === 404 ? "NotFound" : "Unknown");
  throw Object.assign(new Error(text(first?.Message) ?? "Unknown"), {
    name: code,
    $metadata: { httpStatusCode: answer.status },
  });
}

function text(value: unknown): string | undefined {
  return typeof value === "string" ? value : undefined;
}

// The client's standard retry decision, as @smithy/core/retry classifies errors (its module alone would cost
// whoami 4 ms to load): not answered (a timeout, a connection refused or reset), throttled, or a server error.
const THROTTLING = new Set([
  "BandwidthLimitExceeded",
  "EC2ThrottledException",
  "LimitExceededException",
  "PriorRequestNotComplete",
  "ProvisionedThroughputExceededException",
  "RequestLimitExceeded",
  "RequestThrottled",
  "RequestThrottledException",
  "SlowDown",
  "ThrottledException",
  "Throttling",
  "ThrottlingException",
  "TooManyRequestsException",
  "TransactionInProgressException",
]);

function retryable(error: unknown): boolean {
  const e = error as { name?: string; $metadata?: { httpStatusCode?: number } };
  const status = e.$metadata?.httpStatusCode;
  if (status === undefined) return true;
  return status >= 500 || status === 429 || THROTTLING.has(e.name ?? "");
}
