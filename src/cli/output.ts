// What `explain` prints: the JSON document of --json (its schema, version 1, is the interfaces
// below) and the same as text. Every string from a template or a token is escaped for a terminal.
import { escapeForTerminal } from '../private/errors';

/**
 * What `cdk-eks-oidc explain --json` prints on standard output: one JSON object, also for a usage
 * error. Stable: fields may be added within a schema version; a field changes meaning or goes
 * away only with a new `schemaVersion`.
 */
export interface ExplainOutput {
  /** The version of this schema. */
  readonly schemaVersion: 1;
  /** What the run found, as the exit code says it. */
  readonly verdict: 'accepted' | 'refused' | 'not-judged' | 'usage-error';
  /**
   * 0 a provider accepts the token, 1 every provider judged refuses it, 2 a usage error or
   * unreadable input, 3 no provider could be judged.
   */
  readonly exitCode: 0 | 1 | 2 | 3;
  /** Each provider chosen, in template order; empty for a usage error. */
  readonly providers: ExplainedProvider[];
  /** What is wrong with the command line or the input; only for a usage error. */
  readonly error?: string;
}

/** What one identity provider of the template makes of the token. */
export interface ExplainedProvider {
  /** The logical id of its AWS::EKS::IdentityProviderConfig. */
  readonly logicalId: string;
  /** Its IdentityProviderConfigName, when the template gives it literally. */
  readonly identityProviderConfigName?: string;
  /** Its construct path (`aws:cdk:path` metadata, which `cdk synth` writes). */
  readonly path?: string;
  readonly verdict: 'accepted' | 'refused' | 'not-judged';
  /** accepted: the Kubernetes user name the token logs in as. */
  readonly username?: string;
  /** accepted: its Kubernetes groups, without system:authenticated (which every user has). */
  readonly groups?: string[];
  /** refused: every reason, each naming the claim, the value found, the value expected and the fix. */
  readonly problems?: string[];
  /** accepted or refused: when the token expires (ISO 8601), when its `exp` is readable. */
  readonly expiresAt?: string;
  /** accepted or refused: the token's `iss`, when it is a string. */
  readonly issuer?: string;
  /** not-judged: why (settings known only at deploy time, invalid, or a template of the wrong shape). */
  readonly notJudged?: string;
}

const EXIT_CODES = { 'accepted': 0, 'refused': 1, 'usage-error': 2, 'not-judged': 3 } as const;

/** The document of the providers' verdicts: accepted when one accepts, refused when one refuses, else not judged. */
export function explainOutput(providers: ExplainedProvider[]): ExplainOutput {
  const verdict = providers.some(p => p.verdict === 'accepted') ? 'accepted' : providers.some(p => p.verdict === 'refused') ? 'refused' : 'not-judged';
  return { schemaVersion: 1, verdict, exitCode: EXIT_CODES[verdict], providers };
}

/** The document of a usage error. */
export function usageErrorOutput(error: string): ExplainOutput {
  return { schemaVersion: 1, verdict: 'usage-error', exitCode: EXIT_CODES['usage-error'], providers: [], error };
}

/**
 * The document as JSON. JSON.stringify escapes C0 controls; escapeForTerminal then writes the
 * characters it leaves raw as `\uXXXX`, which a JSON parser reads back unchanged.
 */
export function jsonOf(output: ExplainOutput): string {
  return `${escapeForTerminal(JSON.stringify(output, undefined, 2))}\n`;
}

/** The providers' verdicts as text for a terminal (a usage error goes to standard error instead). */
export function textOf(output: ExplainOutput): string {
  return output.providers.map(provider => {
    const name = provider.identityProviderConfigName !== undefined ? ` (${terminalText(provider.identityProviderConfigName)})` : '';
    const title = `${provider.logicalId === '' ? '""' : terminalText(provider.logicalId)}${name}${provider.path !== undefined ? ` at ${terminalText(provider.path)}` : ''}`;
    const expires = provider.expiresAt !== undefined ? ` (token expires ${terminalText(provider.expiresAt)})` : '';
    switch (provider.verdict) {
      case 'not-judged':
        return `${title}\n  not judged: ${terminalText(provider.notJudged ?? '')}`;
      case 'accepted': {
        const groups = provider.groups ?? [];
        return `${title}\n  accepted${expires}: user ${quoted(provider.username ?? '')}, groups ${groups.length > 0 ? groups.map(quoted).join(', ') : 'none'} `
          + '(and system:authenticated)';
      }
      case 'refused':
        return `${title}\n  refused${expires}:\n${(provider.problems ?? []).map(p => `  - ${terminalText(p)}`).join('\n')}`;
    }
  }).join('\n\n') + '\n\nThe signature is not checked: a token that was not signed by the issuer is refused whatever it says.\n';
}

/**
 * Text from a template or a token, safe to print on a terminal as one line: C0 controls (line
 * breaks too), DEL, C1 controls and invisible or bidirectional formatting characters as `\uXXXX`.
 */
export function terminalText(text: string): string {
  return escapeForTerminal(text.replace(/[\u0000-\u001F]/g, c => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`));
}

function quoted(text: string): string {
  return escapeForTerminal(JSON.stringify(text));
}
