import { checkEksRole } from "./check-eks-role";
import type { Check } from "../diagnose/checks/check";

/** "HyperPod IAM Policies": EKS may assume the EKS cluster role, and AmazonEKSClusterPolicy is attached to it. */
export const eksClusterRole: Check<"eks-cluster-role"> = {
  id: "eks-cluster-role",
  title: "EKS cluster role (IAM)",
  needs: "iam",
  run: (input, ctx) => checkEksRole(input, ctx, "cluster"),
};
