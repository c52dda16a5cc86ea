// The signature of a token, added to what the token rules make of its claims: one verdict, as
// kube-apiserver gives one. The rules (token-rules.ts) already refuse an `alg` other than RS256
// and a token that is no JWT; the signature check (jwks.ts) says the same of them, so that is not
// said twice.
import { TokenExplanation } from '../token-explanation';
import { SIGNING_ALGORITHM, verifySignature } from './jwks';

/**
 * The explanation with the token's signature checked against the issuer's keys: refused when the
 * signature does not verify, each problem naming the header's `alg` and `kid` and the keys on
 * offer. Never throws.
 *
 * @param jwks the issuer's JSON Web Key Set, as its jwks_uri serves it
 */
export function withSignature(explanation: TokenExplanation, token: string, jwks: string): TokenExplanation {
  const verdict = verifySignature(token, jwks);
  const said = (prefix: string) => explanation.problems.some(p => p.startsWith(prefix));
  const problems = verdict.problems.filter(problem => {
    // The rules refused the algorithm, or the token's shape or header, already.
    if (verdict.algorithm !== SIGNING_ALGORITHM && said('alg (header):')) return false;
    if (problem.startsWith('token:') && (said('token:') || explanation.problems.some(p => /^[a-z]+ \(header\):/.test(p)))) return false;
    return true;
  });
  if (verdict.ok && problems.length === 0) return { ...explanation, signatureChecked: true };
  const { username: _username, ...rest } = explanation;
  return { ...rest, accepted: false, groups: [], problems: [...explanation.problems, ...problems], signatureChecked: true };
}
