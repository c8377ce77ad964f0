import t from 'tap';
import { formatValidationErrors } from '../src/validation.ts';

t.test('an error on a field without a written rule falls back to Ajv\'s own words', async (t) => {
  const error = formatValidationErrors([{ keyword: 'minimum', instancePath: '/age', schemaPath: '#/properties/age/minimum', params: { limit: 0 }, message: 'must be >= 0' }], 'querystring');
  t.equal(error.message, 'querystring/age must be >= 0');
  t.match(error, { statusCode: 400, validationContext: 'querystring' });
  const bare = formatValidationErrors([{ keyword: 'format', instancePath: '/when', schemaPath: '#', params: {} }], 'body');
  t.equal(bare.message, 'body/when is invalid');
});
