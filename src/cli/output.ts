// What `explain` and `doctor` print: the JSON documents of --json (their schemas, version 1, are
// the interfaces below) and the same as text. Every string from a template, a token or the
// network is escaped for a terminal.
import type { DoctorReport } from './doctor';
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
  /**
   * Whether the signature was checked, with the keys of --jwks or --fetch-keys (added within
   * version 1); absent for a usage error.
   */
  readonly signatureChecked?: boolean;
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
  /** accepted or refused: whether the signature was checked (added within version 1). */
  readonly signatureChecked?: boolean;
  /** not-judged: why (settings known only at deploy time, invalid, or a template of the wrong shape). */
  readonly notJudged?: string;
}

const EXIT_CODES = { 'accepted': 0, 'refused': 1, 'usage-error': 2, 'not-judged': 3 } as const;

/**
 * What `cdk-eks-oidc doctor --json` prints on standard output: one JSON object, also for a usage
 * error (then as `ExplainOutput`'s, with `providers` empty). Stable as `ExplainOutput` is.
 */
export interface DoctorOutput {
  /** The version of this schema. */
  readonly schemaVersion: 1;
  /** What the run found, as the exit code says it. */
  readonly verdict: 'passed' | 'failed' | 'not-checked' | 'usage-error';
  /**
   * 0 no check failed (and a provider was checked), 1 a check failed, 2 a usage error or
   * unreadable input, 3 no provider could be checked.
   */
  readonly exitCode: 0 | 1 | 2 | 3;
  /**
   * Whether --ca-file was given, and used: it is tried only for a certificate that the public roots
   * do not validate, and such a certificate fails the certificate check (EKS trusts public CAs only).
   */
  readonly caFile: 'not-given' | 'used' | 'not-used';
  /** Each provider chosen, in template order; empty for a usage error. */
  readonly providers: DoctoredProvider[];
  /** What is wrong with the command line or the input; only for a usage error. */
  readonly error?: string;
}

/** What the doctor found of one identity provider's issuer. */
export interface DoctoredProvider {
  /** The logical id of its AWS::EKS::IdentityProviderConfig. */
  readonly logicalId: string;
  /** Its IdentityProviderConfigName, when the template gives it literally. */
  readonly identityProviderConfigName?: string;
  /** Its construct path (`aws:cdk:path` metadata). */
  readonly path?: string;
  /** Its issuer URL, when the template gives it literally. */
  readonly issuerUrl?: string;
  /** failed: a check failed; not-checked: every check was skipped (e.g. an issuer known only at deploy time). */
  readonly verdict: 'passed' | 'failed' | 'not-checked';
  /** Whether the CA file was used for one of its requests. */
  readonly caFileUsed: boolean;
  /**
   * In order: serviceAccountIssuer, discovery, certificate, issuer, signingAlgorithms, jwksUri,
   * signingKeys; each with its verdict ("pass", "fail" or "skip"), what was found, and the fix
   * (empty when it passes).
   */
  readonly checks: { readonly name: string; readonly verdict: 'pass' | 'fail' | 'skip'; readonly message: string; readonly fix: string }[];
}

/** The document of the providers' verdicts: accepted when one accepts, refused when one refuses, else not judged. */
export function explainOutput(providers: ExplainedProvider[], signatureChecked = false): ExplainOutput {
  const verdict = providers.some(p => p.verdict === 'accepted') ? 'accepted' : providers.some(p => p.verdict === 'refused') ? 'refused' : 'not-judged';
  return { schemaVersion: 1, verdict, exitCode: EXIT_CODES[verdict], providers, signatureChecked };
}

const DOCTOR_EXIT_CODES = { 'passed': 0, 'failed': 1, 'usage-error': 2, 'not-checked': 3 } as const;

/** The document of the doctor's reports: failed when a check fails, passed when a provider was checked, else not checked. */
export function doctorOutput(reports: readonly DoctorReport[], caFileGiven: boolean): DoctorOutput {
  const providers: DoctoredProvider[] = reports.map(report => {
    const verdict = report.checks.some(c => c.verdict === 'fail') ? 'failed' : report.checks.every(c => c.verdict === 'skip') ? 'not-checked' : 'passed';
    const { logicalId, identityProviderConfigName, path, issuerUrl, caFileUsed } = report;
    const checks = report.checks.map(({ name, verdict: v, message, fix }) => ({ name, verdict: v, message, fix }));
    return { logicalId, identityProviderConfigName, path, issuerUrl, verdict, caFileUsed, checks };
  });
  const verdict = providers.some(p => p.verdict === 'failed') ? 'failed' : providers.some(p => p.verdict === 'passed') ? 'passed' : 'not-checked';
  const caFile = !caFileGiven ? 'not-given' : reports.some(r => r.caFileUsed) ? 'used' : 'not-used';
  return { schemaVersion: 1, verdict, exitCode: DOCTOR_EXIT_CODES[verdict], caFile, providers };
}

/** The document of a usage error, for every command. */
export function usageErrorOutput(error: string): ExplainOutput {
  return { schemaVersion: 1, verdict: 'usage-error', exitCode: EXIT_CODES['usage-error'], providers: [], error };
}

/**
 * The document as JSON. JSON.stringify escapes C0 controls; escapeForTerminal then writes the
 * characters it leaves raw as `\uXXXX`, which a JSON parser reads back unchanged.
 */
export function jsonOf(output: ExplainOutput | DoctorOutput): string {
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
  }).join('\n\n') + (output.signatureChecked
    ? '\n\nThe signature is checked with the issuer\'s keys given, as kube-apiserver checks it (alg RS256, the kid, the signature).\n'
    : '\n\nThe signature is not checked: a token that was not signed by the issuer is refused whatever it says. '
      + 'Give the issuer\'s keys (--jwks <file> or --fetch-keys) to check it.\n');
}

/** The doctor's findings as text for a terminal: one line per check, its fix below, then the verdict. */
export function doctorTextOf(output: DoctorOutput): string {
  const verdicts = { pass: 'PASS', fail: 'FAIL', skip: 'SKIP' };
  const providers = output.providers.map(provider => {
    const name = provider.identityProviderConfigName !== undefined ? ` (${terminalText(provider.identityProviderConfigName)})` : '';
    const title = `${provider.logicalId === '' ? '""' : terminalText(provider.logicalId)}${name}${provider.path !== undefined ? ` at ${terminalText(provider.path)}` : ''}`
      + `${provider.issuerUrl !== undefined ? `: ${quoted(provider.issuerUrl)}` : ''}`;
    const lines = provider.checks.map(c => `  ${verdicts[c.verdict]} ${terminalText(c.name)}: ${terminalText(c.message)}${c.fix ? `\n       fix: ${terminalText(c.fix)}` : ''}`);
    const note = provider.caFileUsed ? ['  note: the CA file was used for some requests; EKS has no such setting and trusts public CAs only'] : [];
    return [title, ...lines, ...note].join('\n');
  });
  const counts = (['failed', 'passed', 'not-checked'] as const).map(v => [v, output.providers.filter(p => p.verdict === v).length] as const).filter(([, n]) => n > 0);
  const summary = `${output.providers.length} provider${output.providers.length === 1 ? '' : 's'}: ${counts.map(([v, n]) => `${n} ${v}`).join(', ')}.`;
  const caFile = output.caFile === 'used'
    ? ' --ca-file was used: a certificate it validates is one EKS will refuse.'
    : output.caFile === 'not-used' ? ' --ca-file was given but not needed: every certificate met was publicly trusted.' : '';
  return `${providers.join('\n\n')}\n\n${summary}${caFile}\n`;
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
