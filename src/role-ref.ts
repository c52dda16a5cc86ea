import { check } from './private/errors';
import { typeProblems } from './private/js-types';
import { roleNameProblems } from './private/kubernetes-rules';

/**
 * The role a `RoleBinding` grants in its namespace: a ClusterRole (granted in the namespace
 * only) or a Role of the namespace. Kubernetes' `roleRef`.
 */
export class RoleRef {
  /**
   * A ClusterRole, granted in the binding's namespace only, e.g. `edit`, `view`, `admin` or one of your own.
   *
   * @param name the ClusterRole's name, as `kubectl get clusterroles` shows it
   */
  public static clusterRole(name: string): RoleRef {
    return new RoleRef('ClusterRole', name, 'clusterRole');
  }

  /**
   * A Role of the binding's namespace.
   *
   * @param name the Role's name, as `kubectl get roles -n <namespace>` shows it
   */
  public static role(name: string): RoleRef {
    return new RoleRef('Role', name, 'role');
  }

  /** `ClusterRole` or `Role`. */
  public readonly kind: string;

  /** The role's name. */
  public readonly name: string;

  private constructor(kind: string, name: string, property: string) {
    check(typeProblems({ [property]: [name, 'string'] }));
    check(roleNameProblems(property, name));
    this.kind = kind;
    this.name = name;
  }
}
