/** whoami documents as nodes print them: one healthy, one overridden by keys in a shared home. */
export const HEALTHY_WHOAMI = {
  schemaVersion: 1,
  verdict: { status: "healthy" },
  identity: { arn: "arn:aws:sts::123456789012:assumed-role/ExecRole/SageMaker" },
  credentialSource: {
    provider: "instance-metadata",
    method: "iam-role",
    accessKeyId: "ASIA…AAAA",
    local: false,
    longTerm: false,
  },
};

export const OVERRIDDEN_WHOAMI = {
  schemaVersion: 1,
  verdict: { status: "overridden" },
  identity: { arn: "arn:aws:iam::123456789012:user/alice" },
  credentialSource: {
    provider: "shared-credentials-file",
    method: "shared-credentials-file",
    path: "/fsx/home/ubuntu/.aws/credentials",
    profile: "default",
    accessKeyId: "AKIA…WXYZ",
    local: true,
    longTerm: true,
  },
};
