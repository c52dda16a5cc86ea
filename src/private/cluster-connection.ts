import { CfnCluster, IClusterRef } from 'aws-cdk-lib/aws-eks';
import { attributeIfKnown } from './aws-cdk-internals';

/** How kubectl reaches a cluster: its API server endpoint and certificate authority (base64). */
export interface ClusterConnection {
  readonly endpoint?: string;
  readonly certificateAuthorityData?: string;
}

/**
 * The endpoint and CA the cluster knows: attributes of a `CfnCluster`, of an aws-eks or
 * aws-eks-v2 `Cluster`, or of an import created with them.
 */
export function clusterConnection(cluster: IClusterRef | undefined): ClusterConnection {
  if (cluster instanceof CfnCluster) {
    return { endpoint: cluster.attrEndpoint, certificateAuthorityData: cluster.attrCertificateAuthorityData };
  }
  const attributes = cluster as { clusterEndpoint?: string; clusterCertificateAuthorityData?: string } | undefined;
  return {
    endpoint: attributeIfKnown(() => attributes?.clusterEndpoint),
    certificateAuthorityData: attributeIfKnown(() => attributes?.clusterCertificateAuthorityData),
  };
}
