import t from 'tap';
import { encodings, send, testApp } from './fixtures/app.ts';

// One app and database for the file; each test uses accounts of its own.
const { app, db } = await testApp(t);

for (const encoding of encodings) {
  t.test(`POST /users (${encoding}) creates the account and answers {"email", "message": "user created"}`, async (t) => {
    const email = `bob-${encoding}@example.com`;
    const response = await send(app, 'POST', '/users', { email, password: 'b4l0u' }, encoding);
    t.equal(response.statusCode, 200, `a sign-up is a 200, got ${response.statusCode} ${response.body}`);
    t.match(response.headers['content-type'], /^application\/json/, 'the answer is JSON');
    t.same(response.json(), { email, message: 'user created' }, 'the body is exactly {"email": <as sent>, "message": "user created"}');
    const user = await db.findUserBy({ email });
    t.match(user.hashedPassword, /^\$2b\$/, 'the password is stored as a bcrypt hash (app.auth.registerUser)');
    t.not(user.hashedPassword, 'b4l0u');
  });

  t.test(`POST /users (${encoding}) with an email already registered is a 400 "email already registered"`, async (t) => {
    const email = `twice-${encoding}@example.com`;
    t.equal((await send(app, 'POST', '/users', { email, password: 'b4l0u' }, encoding)).statusCode, 200);
    const again = await send(app, 'POST', '/users', { email, password: 'other' }, encoding);
    t.equal(again.statusCode, 400, `an email already registered is a 400 (ERR_USER_EXISTS in src/plugins/errors.ts), got ${again.statusCode}`);
    t.same(again.json(), { message: 'email already registered' }, 'the body is exactly {"message": "email already registered"}, nothing else');
  });
}

t.test('the email is trimmed, kept in the case given, and compared case-insensitively', async (t) => {
  const response = await send(app, 'POST', '/users', { email: '  Carol@Example.COM \t', password: 'b4l0u' });
  t.equal(response.statusCode, 200, `"  Carol@Example.COM \\t" is trimmed before it is checked (preValidation: trimEmail), got ${response.statusCode} ${response.body}`);
  t.same(response.json(), { email: 'Carol@Example.COM', message: 'user created' }, 'the email is echoed trimmed, in the case sent');
  t.equal((await db.findUserBy({ email: 'carol@example.com' })).email, 'Carol@Example.COM', 'the email is stored trimmed, in the case sent');
  const sameInOtherCase = await send(app, 'POST', '/users', { email: 'carol@EXAMPLE.com', password: 'b4l0u' }, 'json');
  t.equal(sameInOtherCase.statusCode, 400, 'the same email in another case is already registered');
  t.same(sameInOtherCase.json(), { message: 'email already registered' });
});

t.test('a password of exactly 72 bytes (multi-byte characters count as several) is accepted', async (t) => {
  const password = 'é'.repeat(36); // 72 bytes in UTF-8
  t.equal((await send(app, 'POST', '/users', { email: 'dave@example.com', password }, 'json')).statusCode, 200, 'a 36-character, 72-byte password is accepted');
});

const invalid: Array<[string, Record<string, string>, RegExp]> = [
  ['no email', { password: 'b4l0u' }, /body must have the field 'email'/],
  ['no password', { email: 'erin@example.com' }, /body must have the field 'password'/],
  ['an empty email', { email: '', password: 'b4l0u' }, /body\/email must be an email address/],
  ['an email of spaces', { email: '   ', password: 'b4l0u' }, /body\/email must be an email address/],
  ['an email without @', { email: 'erin.example.com', password: 'b4l0u' }, /body\/email/],
  ['an email with two @', { email: 'erin@ex@ample.com', password: 'b4l0u' }, /body\/email/],
  ['an email with nothing before the @', { email: '@example.com', password: 'b4l0u' }, /body\/email/],
  ['an email with nothing after the @', { email: 'erin@', password: 'b4l0u' }, /body\/email/],
  ['an email over 254 characters', { email: `${'e'.repeat(243)}@example.com`, password: 'b4l0u' }, /body\/email/],
  ['an empty password', { email: 'erin@example.com', password: '' }, /body\/password must be from 1 to 72 bytes/],
  ['a password over 72 bytes', { email: 'erin@example.com', password: 'é'.repeat(37) }, /body\/password must be from 1 to 72 bytes/],
];

t.test('a missing or invalid field is a 400 with a message naming it, and creates nothing', async (t) => {
  const before = await db.knex('users').count<{ count: string }[]>('* as count');
  for (const [what, fields, message] of invalid) {
    for (const encoding of encodings) {
      const response = await send(app, 'POST', '/users', fields, encoding);
      t.equal(response.statusCode, 400, `${what} (${encoding})`);
      t.match(response.json(), { statusCode: 400, message }, `${what} (${encoding}): the body schema refuses it with a message naming the field`);
    }
  }
  const after = await db.knex('users').count<{ count: string }[]>('* as count');
  t.equal(after[0]?.count, before[0]?.count, 'no row was written');
});
