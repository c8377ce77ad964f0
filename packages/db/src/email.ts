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
 * The one form of an address that uniqueness and look-ups use: trimmed, in
 * Unicode NFC (so `é` typed as one code point or as `e` + accent is the same
 * address) and in lower case. `InvalidEmailError` for an address holding an
 * invisible or direction-changing character.
 */
export function canonicalEmail(email: string): string {
  // #region task-21
  // Checked before trimming, which would quietly drop some of them (U+FEFF) but keep the rest.
  const bad = invisible.exec(email);
  if (bad !== null) {
    const codePoint = bad[0].codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0');
    throw new InvalidEmailError(`email must not contain control, zero-width or bidirectional characters, got U+${codePoint}`);
  }
  const canonical = email.trim().normalize('NFC').toLowerCase();
  if (canonical.length > MAX_CANONICAL_LENGTH) {
    throw new InvalidEmailError(`email must be at most ${MAX_CANONICAL_LENGTH} characters, got ${canonical.length}`);
  }
  return canonical;
  // #stub
  // throw new TaskNotDoneError(21, 'write `canonicalEmail`: trim, NFC, lower case, and refuse invisible characters');
  // #endregion
}
