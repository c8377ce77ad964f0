/**
 * The request fields of the contract, as TypeBox schemas. They validate every
 * body, shape every answer and become the OpenAPI document.
 */
import { Type } from '@fastify/type-provider-typebox';
import type { preValidationHookHandler } from 'fastify';
import { MAX_BYTES } from './validation.ts';

/**
 * A character of an address: not the `@`, no white space, no control or
 * invisible format character (PostgreSQL refuses NUL in text, and none belongs
 * in an address), and none of the characters a mail header's address list
 * gives a meaning to (`<>()[],;:"\`): each could make the reset mail's `To`
 * name another mailbox, or several. The library refuses the same after NFKC,
 * which turns full-width `＜` into `<`.
 */
const addressCharacter = String.raw`[^@\s<>()[\]\\,;:"\p{Cc}\p{Cf}]`;

/** Trimmed by `trimEmail` before it is checked; compared case-insensitively, kept in the case given. */
export const Email = Type.String({
  minLength: 3,
  maxLength: 254,
  pattern: `^${addressCharacter}+@${addressCharacter}+$`,
  description:
    'Leading and trailing spaces are ignored; 3 to 254 characters, exactly one @ with text on both sides, no white space, control characters or any of <>()[],;:"\\; case-insensitive.',
  examples: ['bob@example.com'],
});

/**
 * bcrypt reads at most 72 bytes: a longer password is refused, never truncated.
 * Control characters other than tab are refused too: bcrypt stops at NUL, and
 * nobody types a line break or an escape into a password field.
 */
export const Password = Type.String({
  minLength: 1,
  maxLength: 72,
  [MAX_BYTES]: 72,
  pattern: '^[^\\u0000-\\u0008\\u000a-\\u001f\\u007f-\\u009f]+$',
  description: '1 to 72 bytes in UTF-8, no control character other than tab.',
  examples: ['b4l0u'],
});

/** No Unicode control character (Cc: C0, DEL and C1): what a token field holds. Passwords have their own rule (a tab is allowed). */
const NO_CONTROL_CHARACTER = '^[^\\u0000-\\u001f\\u007f-\\u009f]+$';

/** The token a production sign-up mailed (task 33). */
export const ConfirmationToken = Type.String({
  minLength: 1,
  maxLength: 250,
  pattern: NO_CONTROL_CHARACTER,
  description: 'The confirmation token the sign-up mail holds.',
  examples: ['1b4e28ba-2fa1-41d2-883f-0016d3cca427'],
});

/** The token `POST /reset_password` returned. */
export const ResetToken = Type.String({
  minLength: 1,
  maxLength: 250,
  pattern: NO_CONTROL_CHARACTER,
  description: 'The reset token POST /reset_password returned.',
  examples: ['8f6c5a0e-3c1b-4d2a-9e7f-1a2b3c4d5e6f'],
});

/** Fastify's error shape; every error answer has at least `message`. `description` says when it is sent. */
export function errorResponse(description: string) {
  return Type.Object(
    {
      statusCode: Type.Optional(Type.Integer()),
      code: Type.Optional(Type.String()),
      error: Type.Optional(Type.String()),
      message: Type.String(),
    },
    { description },
  );
}

/** Fastify's answer to a body it cannot parse or check. */
export const badRequest = 'A missing or invalid field, or a body that cannot be parsed';

/** Both encodings the contract accepts for request bodies. */
export const bodyTypes = ['application/x-www-form-urlencoded', 'application/json'];

/** The field rules say an email is trimmed: do it before the schema checks its length. */
export const trimEmail: preValidationHookHandler = async (request) => {
  const body = request.body as Record<string, unknown> | null | undefined;
  if (typeof body === 'object' && body !== null && typeof body.email === 'string') {
    body.email = body.email.trim();
  }
};
