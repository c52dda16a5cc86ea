import { CfnCluster, IClusterRef } from 'aws-cdk-lib/aws-eks';

/** How kubectl reaches a cluster: its API server endpoint and certificate authority (base64). */
export interface ClusterConnection {
  readonly endpoint?: string;
  readonly certificateAuthorityData?: string;
}

/**
 * The endpoint and CA the cluster knows: attributes of a `CfnCluster`, of an aws-eks or
 * aws-eks-v2 `Cluster`, or of an import created with them (an import's getters throw when they
 * were not given, which here means unknown).
 */
export function clusterConnection(cluster: IClusterRef | undefined): ClusterConnection {
  if (cluster instanceof CfnCluster) {
    return { endpoint: cluster.attrEndpoint, certificateAuthorityData: cluster.attrCertificateAuthorityData };
  }
  const attributes = cluster as { clusterEndpoint?: string; clusterCertificateAuthorityData?: string } | undefined;
  const known = (read: () => string | undefined) => {
    try {
      return read();
    } catch {
      return undefined;
    }
  };
  return {
    endpoint: known(() => attributes?.clusterEndpoint),
    certificateAuthorityData: known(() => attributes?.clusterCertificateAuthorityData),
  };
}
