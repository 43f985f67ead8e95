import { checkEksRole } from "./check-eks-role";
import type { Check } from "../diagnose/checks/check";

/**
 * "HyperPod IAM Policies": EC2 may assume the EKS node group role, and the worker node, ECR and CNI policies
 * are attached.
 */
export const eksNodeRole: Check<"eks-node-role"> = {
  id: "eks-node-role",
  title: "EKS node group role (IAM)",
  needs: "iam",
  run: (input, ctx) => checkEksRole(input, ctx, "node"),
};
