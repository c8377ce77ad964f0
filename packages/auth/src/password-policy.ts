import { readFileSync } from 'node:fs';
import { WeakPasswordError } from './errors.ts';
import { MIN_PASSWORD_LENGTH } from './password.ts';

/**
 * The rule new passwords follow. `basic`: the course's contract, any password
 * bcrypt takes whole (1 to 72 bytes). `nist`: NIST SP 800-63B-4 §3.1.1.2 for a
 * password that is the only factor: at least 15 characters, not a common one,
 * not built on the service's name or the account's.
 */
export type PasswordPolicy = 'basic' | 'nist';

export const passwordPolicies: readonly PasswordPolicy[] = ['basic', 'nist'];

/** The service's name: a word an attacker tries first against its accounts. */
export const SERVICE_NAME = 'hallpass';

/** Shorter context words are left out: the `al` of al@example.com is inside too many good passphrases. */
export const MIN_CONTEXT_WORD_LENGTH = 4;

/** Reads a list file: one entry a line; blank lines and lines starting with `#` are skipped. */
function readList(file: URL): ReadonlySet<string> {
  const lines = readFileSync(file, 'utf8').split('\n').map((line) => line.trim());
  return new Set(lines.filter((line) => line !== '' && !line.startsWith('#')));
}

/**
 * The blocklist shipped with the package (`data/common-passwords.txt`): common
 * passwords, keyboard walks and patterns long enough to pass the length rule,
 * each in lower case and Unicode NFC, the form `checkPasswordStrength` compares.
 */
export const commonPasswords: ReadonlySet<string> = readList(new URL('../data/common-passwords.txt', import.meta.url));

export interface PasswordContext {
  /** The account's email: a password holding the part before the @ is refused. */
  email?: string | undefined;
}

/**
 * Words a password must not contain: the service's name and the email's local
 * part, in lower case and NFC, each only when it has at least 4 characters.
 */
export function contextWords(context: PasswordContext = {}): string[] {
  const local = context.email === undefined ? '' : context.email.split('@')[0]!;
  return [SERVICE_NAME, local.normalize('NFC').toLowerCase()].filter((word) => [...word].length >= MIN_CONTEXT_WORD_LENGTH);
}

/**
 * The production policy (NIST SP 800-63B-4 §3.1.1.2): throws `WeakPasswordError`
 * when `password` has fewer than 15 characters, is on the blocklist, or contains
 * a context word. Characters are Unicode code points after NFC; the blocklist and
 * the context words are compared in lower case after NFC. Nothing else is asked:
 * no mix of letters, digits and symbols (NIST forbids such composition rules).
 */
export function checkPasswordStrength(password: string, context: PasswordContext = {}): void {
  // #region task-30
  // A person counts characters: é is one whether typed as one code point or as e + accent, an emoji is one (not two UTF-16 units).
  const text = password.normalize('NFC');
  if ([...text].length < MIN_PASSWORD_LENGTH) throw new WeakPasswordError('too-short');
  // Changing the letter case of a listed password does not make it a new one.
  const folded = text.toLowerCase();
  if (commonPasswords.has(folded)) throw new WeakPasswordError('too-common');
  if (contextWords(context).some((word) => folded.includes(word))) throw new WeakPasswordError('context');
  // #stub
  // // Any password bcrypt takes is accepted: no minimum length, no blocklist.
  // #endregion
}
