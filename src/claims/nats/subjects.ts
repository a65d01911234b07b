// NATS subject rules as the Go library checks them (v2/types.go Subject).

/**
 * Why `subject` is not a valid subject (Go `Subject.Validate`), or undefined when it is.
 *
 * @example
 * ```ts
 * subjectProblem('a..b'); // 'subject "a..b" cannot contain consecutive "."'
 * ```
 */
export function subjectProblem(subject: unknown): string | undefined {
  if (typeof subject !== 'string' || subject === '') return 'subject cannot be empty';
  if (subject.includes(' ')) return `subject ${JSON.stringify(subject)} cannot have spaces`;
  if (subject.startsWith('.') || subject.endsWith('.')) return `subject ${JSON.stringify(subject)} cannot start or end with a "."`;
  if (subject.includes('..')) return `subject ${JSON.stringify(subject)} cannot contain consecutive "."`;
  return undefined;
}

/**
 * Go `Subject.HasWildCards`: the subject contains a `*` or `>` token.
 *
 * @example
 * ```ts
 * hasWildcards('orders.>'); // true
 * ```
 */
export function hasWildcards(subject: string): boolean {
  return (
    subject.endsWith('.>') || subject.includes('.*.') || subject.endsWith('.*') || subject.startsWith('*.') || subject === '*' || subject === '>'
  );
}

/**
 * Go `Subject.IsContainedIn`: every subject `inner` matches is matched by `outer`.
 *
 * @example
 * ```ts
 * isContainedIn('orders.eu', 'orders.*'); // true
 * ```
 */
export function isContainedIn(inner: string, outer: string): boolean {
  const o = outer.split('.');
  const m = inner.split('.');
  if (m.length > o.length && o[o.length - 1] !== '>') return false;
  if (m.length < o.length) return false;
  for (let i = 0; i < o.length; i++) {
    if (i === o.length - 1 && o[i] === '>') return true;
    if (o[i] !== m[i] && o[i] !== '*') return false;
  }
  return true;
}
