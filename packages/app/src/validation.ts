/**
 * How request input is checked: Fastify's Ajv, told not to coerce types (so
 * `["a@b.c"]` or `12345` is not quietly turned into a string), taught one extra
 * keyword, and a formatter that turns Ajv's findings into one readable message.
 */
import type { FastifySchemaValidationError, FastifyServerOptions } from 'fastify';

type AjvPlugin = Extract<NonNullable<NonNullable<FastifyServerOptions['ajv']>['plugins']>[number], (...args: never[]) => unknown>;

/** The JSON Schema keyword that limits a string's length in UTF-8 bytes (bcrypt reads at most 72). */
export const MAX_BYTES = 'maxBytes';

/** Teaches Ajv `maxBytes`: the string's UTF-8 encoding is at most that many bytes. */
const maxBytesKeyword: AjvPlugin = (ajv) => {
  const validate = Object.assign(
    (limit: number, value: string): boolean => {
      if (Buffer.byteLength(value, 'utf8') <= limit) return true;
      validate.errors = [{ keyword: MAX_BYTES, params: { limit }, message: `must be at most ${limit} bytes in UTF-8` }];
      return false;
    },
    { errors: [] as Array<{ keyword: string; params: Record<string, unknown>; message: string }> },
  );
  return ajv.addKeyword({ keyword: MAX_BYTES, type: 'string', schemaType: 'number', errors: true, validate });
};

/** Ajv settings for `Fastify({ ajv })`. */
export const ajvOptions: NonNullable<FastifyServerOptions['ajv']> = {
  customOptions: { coerceTypes: false, allErrors: false },
  plugins: [maxBytesKeyword],
};

/** What each field must be, said once, so every failure on that field reads the same. */
const fieldRules: Record<string, string> = {
  email: 'an email address: 3 to 254 characters with exactly one @ and text on both sides, and no white space, control characters or any of <>()[],;:"\\',
  password: 'from 1 to 72 bytes in UTF-8, without control characters other than tab',
  new_password: 'from 1 to 72 bytes in UTF-8, without control characters other than tab',
  current_password: 'from 1 to 72 bytes in UTF-8, without control characters other than tab',
  reset_token: 'the token POST /reset_password gave: 1 to 250 characters, no control characters',
};

/**
 * Turns Ajv's errors into one message that names the field and what it must be,
 * e.g. `body/email must be an email address: …`. It never quotes the value sent
 * (it may be a password).
 */
export function formatValidationErrors(errors: FastifySchemaValidationError[], dataVar: string): Error {
  const error = errors[0] as FastifySchemaValidationError;
  const field = error.instancePath.replace(/^\//, '');
  const path = field === '' ? dataVar : `${dataVar}/${field}`;
  let message: string;
  if (error.keyword === 'required') {
    message = `${dataVar} must have the field '${String(error.params.missingProperty)}'`;
  } else if (error.keyword === 'type') {
    message = `${path} must be ${error.params.type === 'object' ? 'an object' : `a ${String(error.params.type)}`}`;
  } else if (fieldRules[field] !== undefined) {
    message = `${path} must be ${fieldRules[field]}`;
  } else {
    message = `${path} ${error.message ?? 'is invalid'}`;
  }
  return Object.assign(new Error(message), { validation: errors, validationContext: dataVar, statusCode: 400 });
}
