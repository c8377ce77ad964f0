import { TaskNotDoneError } from '@hallpass/user-model';
import { InvalidEmailError } from './errors.ts';

/**
 * Control characters (Unicode Cc), format characters (Cf: zero-width spaces and
 * joiners, bidirectional overrides and isolates, the soft hyphen…) and line or
 * paragraph separators. None belongs in an address, and each can make two
 * addresses look alike while comparing different.
 */
const invisible = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/u;

/** The longest canonical email the `canonical_email` column holds. */
const MAX_CANONICAL_LENGTH = 250;

/**
 * White space, and the characters that mean something in a mail header's
 * address list (RFC 5322: a display name's `<>`, a comment's `()`, a quoted
 * string's `"` and `\`, a domain literal's `[]`, a group's `:` and `;`, the
 * list's `,`). Allowed in an address, each would let one field name another
 * mailbox, or several, where a reset mail goes.
 */
const specialCharacter = /[\s<>()[\],;:"\\]/u;

/**
 * The one form of an address that uniqueness and look-ups use: in Unicode
 * NFKC (so `é` typed as one code point or as `e` + accent, and `ｂｏｂ` in
 * full-width letters, are the address typed plainly), trimmed and in lower
 * case. `InvalidEmailError` for an address holding an invisible or
 * direction-changing character, or whose canonical form is not one mailbox:
 * white space or a special character of mail headers in it, or not exactly one
 * `@` with text on both sides.
 */
export function canonicalEmail(email: string): string {
  // #region task-21
  // Checked before trimming, which would quietly drop some of them (U+FEFF) but keep the rest.
  const bad = invisible.exec(email);
  if (bad !== null) {
    const codePoint = bad[0].codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0');
    throw new InvalidEmailError(`email must not contain control, zero-width or bidirectional characters, got U+${codePoint}`);
  }
  // NFKC before lower case: it turns letters such as 𝐁 or ᴮ into a plain B, which lower case then folds.
  const canonical = email.normalize('NFKC').trim().toLowerCase();
  // Checked on the canonical form: full-width ＜ or ＠ become < and @ there.
  const special = specialCharacter.exec(canonical);
  if (special !== null) {
    throw new InvalidEmailError(`email must not contain white space or any of <>()[],;:"\\, got ${JSON.stringify(special[0])}`);
  }
  const [local, domain, ...more] = canonical.split('@');
  if (local === '' || domain === undefined || domain === '' || more.length > 0) {
    throw new InvalidEmailError('email must have exactly one @ with text on both sides');
  }
  if (canonical.length > MAX_CANONICAL_LENGTH) {
    throw new InvalidEmailError(`email must be at most ${MAX_CANONICAL_LENGTH} characters, got ${canonical.length}`);
  }
  return canonical;
  // #stub
  // throw new TaskNotDoneError(21, 'write `canonicalEmail`: NFKC, trim, lower case; refuse invisible characters, white space, mail-header specials and anything but one @');
  // #endregion
}
