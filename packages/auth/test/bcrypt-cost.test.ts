/** bcryptCostOf reads the cost field of a bcrypt hash, and nothing else. */
import t from 'tap';
import { bcryptCostOf } from '@hallpass/auth';

t.test('bcryptCostOf reads the cost of every bcrypt prefix, and nothing from other text', async (t) => {
  t.equal(bcryptCostOf('$2b$12$abcdefghijklmnopqrstuuN5n0tS5Kp4vQ3sTn3xK0cT6uyyGRn6'), 12);
  t.equal(bcryptCostOf('$2a$04$abcdefghijklmnopqrstuu'), 4);
  t.equal(bcryptCostOf('$2y$10$x'), 10);
  for (const other of ['', 'plain text', '$argon2id$v=19$m=65536', '$2b$4$short-cost', '$2c$12$unknown-prefix']) {
    t.equal(bcryptCostOf(other), undefined, JSON.stringify(other));
  }
});
