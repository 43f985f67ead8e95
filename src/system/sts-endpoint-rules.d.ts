// STS's own endpoint rules, which the client package ships as ES modules beside its bundle but declares only
// under dist-types: sts-caller-identity.ts resolves the endpoint with them exactly as the client does.
declare module "@aws-sdk/client-sts/dist-es/endpoint/endpointResolver" {
  export * from "@aws-sdk/client-sts/dist-types/endpoint/endpointResolver";
}
declare module "@aws-sdk/client-sts/dist-es/endpoint/EndpointParameters" {
  export * from "@aws-sdk/client-sts/dist-types/endpoint/EndpointParameters";
}
