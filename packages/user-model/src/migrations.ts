import type { Knex } from 'knex';
import * as createUsers from '../migrations/0001_create_users.ts';
import * as securityTrack from '../migrations/0002_security_track.ts';
import * as compatibilityEmails from '../migrations/0003_compatibility_emails.ts';
import * as sessions from '../migrations/0004_sessions.ts';
import * as signUpConfirmation from '../migrations/0005_sign_up_confirmation.ts';

/** One schema change: applied by `up`, undone by `down`. */
export interface Migration {
  name: string;
  up(knex: Knex): Promise<void>;
  down(knex: Knex): Promise<void>;
}

/** The migrations that own the `users` table, oldest first. Never edit one that has shipped: add another. */
export const userMigrations: readonly Migration[] = [createUsers, securityTrack, compatibilityEmails, sessions, signUpConfirmation];
